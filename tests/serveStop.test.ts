// A real `metacurate serve` (the built dashboard) with hostile runs: a FIFO named run.json, and a run
// whose /api/evals answer is ~30 MB, fetched by a client that stops reading. Every /api/evals request
// answers (the FIFO is reported, never waited on), and SIGTERM stops the server although a response is
// still in flight: `next start` waits for it forever, so `serve` kills it after its grace time.
// Needs a built dashboard (.next, or METACURATE_NEXT_DIR): building it here would take minutes.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, constants, existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { test } from "node:test";
import type { EvalRun } from "../lib/evals/run";
import { REPO, tempDir } from "./support/fixtures";

const BUILD = path.join(REPO, process.env.METACURATE_NEXT_DIR || ".next", "BUILD_ID");
const SKIP = existsSync(BUILD) ? false : `no built dashboard (${path.relative(REPO, BUILD)}): run \`npm run build\` first`;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address() as AddressInfo;
  s.close();
  return port;
}

const goodLine = '{"key": "imagenet1k", "dataset": "ImageNet 1k", "metrics": {"main_metric": 0.5}}';

test("serve: /api/evals answers beside a FIFO run.json, and SIGTERM stops the server while a response is stuck", { skip: SKIP, timeout: 120_000 }, async (t) => {
  const fifo = { file: "" };
  t.after(() => { try { closeSync(openSync(fifo.file, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* no reader waits */ } });
  const data = tempDir(t);
  const write = (rel: string, text: string) => { mkdirSync(path.dirname(path.join(data, rel)), { recursive: true }); writeFileSync(path.join(data, rel), text); };
  write("good/eval_results.jsonl", `${goodLine}\n`);
  write("fifo/eval_results.jsonl", `${goodLine}\n`);
  fifo.file = path.join(data, "fifo/run.json");
  execFileSync("mkfifo", [fifo.file]);
  // the page keeps each task's dataset name: a 30 MB one makes an answer no socket buffer holds
  write("wide/eval_results.jsonl", `{"key": "k", "dataset": "${"d".repeat(30 * 1024 * 1024)}", "metrics": {"main_metric": 0.5}}\n`);

  const port = await freePort();
  const server = spawn(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "serve", "--data-dir", data, "--port", String(port)],
    { cwd: REPO, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
  t.after(() => { try { process.kill(-server.pid!, "SIGKILL"); } catch { /* stopped already */ } });
  let stderr = "";
  server.stderr.setEncoding("utf8").on("data", (s: string) => { stderr += s; });
  const exited = once(server, "exit");
  await new Promise<void>((resolve, reject) => {
    let out = "";
    server.stdout.setEncoding("utf8").on("data", (s: string) => { out += s; if (/Ready in/.test(out)) resolve(); });
    server.on("exit", (code) => reject(new Error(`serve exited with ${code} before it was ready: ${stderr}`)));
  });

  const base = `http://127.0.0.1:${port}`;
  // more requests at once than libuv has threads: none may wait on the FIFO
  const answers = await Promise.all(Array.from({ length: 8 }, async () => {
    const r = await fetch(`${base}/api/evals`);
    assert.equal(r.status, 200);
    return ((await r.json()) as { runs: EvalRun[] }).runs;
  }));
  for (const runs of answers) {
    assert.deepEqual(runs.map((r) => r.id), ["fifo", "good", "wide"]);
    assert.deepEqual(runs[0].problems.map((p) => `${p.file}: ${p.message}`), ["run.json: a FIFO, not a regular file: not read"]);
  }
  assert.equal((await fetch(`${base}/api/runs/fifo`)).status, 400, "and /api/runs/NAME refuses it at once");

  // a client that reads the headers of the 30 MB answer, then nothing more: the response stays in flight
  await new Promise<void>((resolve, reject) => {
    http.get(`${base}/api/evals`, (res) => { assert.equal(res.statusCode, 200); res.pause(); resolve(); }).on("error", reject);
  });
  process.kill(server.pid!, "SIGTERM");
  const [code, signal] = await exited;
  assert.ok(code === 0 || signal === "SIGTERM", `serve ended with ${code ?? signal}: ${stderr}`);
  assert.match(stderr, /did not stop within \d+ s of SIGTERM \(a request still in flight\): killed/);
});
