// Runs that attack /evals, `evals summary` and `evals import` with real files: a 10 MB string in an
// eval_results.jsonl line, FIFOs named run.json and eval_results.jsonl, a run.json symlinked to
// /etc/passwd, a run.json over the cap, null or not JSON. A bad run is reported with its reason and never
// hides the others; nothing is waited on forever; import copies nothing of a bad run.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { constants, existsSync, mkdirSync, openSync, closeSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test, type TestContext } from "node:test";
import { GET as getEvals } from "../app/api/evals/route";
import { GET as getRun } from "../app/api/runs/[name]/route";
import { importRuns } from "../lib/evals/importRuns";
import type { EvalRun } from "../lib/evals/run";
import { parseEvalResults } from "../lib/evals/results";
import { cli } from "./support/cli";
import { tempDir } from "./support/fixtures";

const TEN_MB = 10 * 1024 * 1024;
const goodLine = '{"key": "imagenet1k", "dataset": "ImageNet 1k", "metrics": {"acc1": 0.5, "main_metric": 0.5}}';
/** A line with a 10 MB string (escaped quotes and a "NaN" inside it) and a bare NaN: DataComp's shape, Python's numbers. */
const bigLine = `{"key": "cifar10", "dataset": "CIFAR-10", "metrics": {"main_metric": NaN, "acc1": 0.25, "note": "${'x\\" NaN, y'.repeat(TEN_MB / 10)}"}}`;

function withDataDir(t: TestContext, dir: string): void {
  const saved = process.env.METACURATE_DATA_DIR;
  process.env.METACURATE_DATA_DIR = dir;
  t.after(() => { if (saved === undefined) delete process.env.METACURATE_DATA_DIR; else process.env.METACURATE_DATA_DIR = saved; });
}

/**
 * Makes FIFOs, and at the test's end opens each for writing once, which wakes any reader still waiting
 * on it (so a failing run of this test ends instead of holding the process). Call before tempDir: the
 * hooks run in order, and the FIFOs must still exist.
 */
function fifoMaker(t: TestContext): (file: string) => void {
  const made: string[] = [];
  t.after(() => {
    for (const f of made) {
      try { closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* no reader waits (ENXIO): nothing to wake */ }
    }
  });
  return (file) => { execFileSync("mkfifo", [file]); made.push(file); };
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

const evalsOf = async (): Promise<EvalRun[]> => {
  const r = await getEvals();
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { runs: EvalRun[] }).runs;
};
const run = (name: string) => getRun(new Request(`http://127.0.0.1:3000/api/runs/${name}`), { params: Promise.resolve({ name }) });
const problemsOf = (runs: EvalRun[], id: string) => runs.find((r) => r.id === id)!.problems.map((p) => `${p.file}: ${p.message}`).join(" | ");

test("a line with a 10 MB string parses: its bare NaN is no score, its string stays as written", () => {
  const { results, problems } = parseEvalResults([goodLine, bigLine].join("\n"));
  assert.deepEqual(problems, []);
  const cifar = results.find((r) => r.dataset === "CIFAR-10")!;
  assert.equal(cifar.main, null);
  assert.equal(cifar.metrics.acc1, 0.25);
  assert.ok(bigLine.length > TEN_MB);
  assert.equal((cifar.metrics.note as string).length, (TEN_MB / 10) * 9);
  assert.ok((cifar.metrics.note as string).startsWith('x" NaN, yx" NaN, y'), "NaN inside a string is text");
});

test("/api/evals and evals summary read a run with a 10 MB line beside the others; import copies it byte for byte", async (t) => {
  const data = tempDir(t);
  write(data, "runs/big/eval_results.jsonl", `${goodLine}\n${bigLine}\n`);
  write(data, "runs/good/eval_results.jsonl", `${goodLine}\n`);
  write(data, "runs/garbage/eval_results.jsonl", "\u0000\u0001 not a line of results\n");
  withDataDir(t, data);
  const runs = await evalsOf();
  assert.deepEqual(runs.map((r) => r.id), ["runs/big", "runs/garbage", "runs/good"]);
  assert.deepEqual(runs.find((r) => r.id === "runs/big")!.results.map((r) => [r.dataset, r.main]), [["ImageNet 1k", 0.5], ["CIFAR-10", null]]);
  assert.match(problemsOf(runs, "runs/garbage"), /eval_results\.jsonl: not JSON/, "a bad run is reported, with its reason");

  const summary = cli("evals", "summary", path.join(data, "runs"), "--json");
  assert.equal(summary.code, 0, summary.stderr);
  assert.deepEqual(summary.stdout.trim().split("\n").map((l) => JSON.parse(l).run), ["runs/big", "runs/garbage", "runs/good"]);

  const other = tempDir(t);
  const link = path.join(tempDir(t), "link"); // the same data directory through a symlink: a re-import replaces the copy
  symlinkSync(other, link);
  for (const [dataDir, replaced] of [[link, false], [other, true]] as const) {
    const imported = cli("evals", "import", path.join(data, "runs", "big"), "--data-dir", dataDir, "--json");
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual([JSON.parse(imported.stdout).replaced, JSON.parse(imported.stdout).problems], [replaced, []], dataDir);
  }
  assert.deepEqual(readFileSync(path.join(other, "runs/big/eval_results.jsonl")), readFileSync(path.join(data, "runs/big/eval_results.jsonl")));
});

test("evals import checks each run before it copies: a bad run is named with its reason, nothing of it copied, the others imported", (t) => {
  const src = tempDir(t);
  write(src, "sweep/good/eval_results.jsonl", `${goodLine}\n`);
  write(src, "sweep/good/run.json", JSON.stringify({ kind: "train", t: 40 }));
  write(src, "sweep/passwd/eval_results.jsonl", `${goodLine}\n`);
  symlinkSync("/etc/passwd", path.join(src, "sweep/passwd/run.json"));
  write(src, "sweep/garbage/eval_results.jsonl", "\u0000\u0001 not a line of results\n");
  write(src, "sweep/null-run/eval_results.jsonl", `${goodLine}\n`);
  write(src, "sweep/null-run/run.json", "null");
  const data = tempDir(t);
  const r = cli("evals", "import", path.join(src, "sweep"), "--data-dir", data);
  assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /imported runs\/sweep\/good/);
  assert.match(r.stderr, /sweep\/passwd: run\.json: a symlink that leads out of the folder/);
  assert.match(r.stderr, /sweep\/garbage: eval_results\.jsonl: no line is an eval result \(line 1: not JSON/);
  assert.match(r.stderr, /sweep\/null-run: run\.json: .*expected object, received null/);
  assert.ok(!r.stderr.includes("root:"), "the symlink's target is never read");
  assert.deepEqual(readFileSync(path.join(data, "runs/sweep/good/run.json"), "utf8"), JSON.stringify({ kind: "train", t: 40 }));
  for (const bad of ["passwd", "garbage", "null-run"]) assert.ok(!existsSync(path.join(data, "runs/sweep", bad)), `${bad} is not copied`);
});

test("FIFOs named run.json or eval_results.jsonl are reported, never waited on: /api/evals answers every request, with the other runs", async (t) => {
  const mkfifo = fifoMaker(t);
  const data = tempDir(t);
  write(data, "good/eval_results.jsonl", `${goodLine}\n`);
  write(data, "fifo-run/eval_results.jsonl", `${goodLine}\n`);
  mkfifo(path.join(data, "fifo-run/run.json"));
  mkdirSync(path.join(data, "fifo-evals"));
  mkfifo(path.join(data, "fifo-evals/eval_results.jsonl"));
  withDataDir(t, data);
  // more requests at once than libuv has threads (4): a read waiting on a FIFO would hold one each
  const all = await Promise.all(Array.from({ length: 8 }, () => evalsOf()));
  for (const runs of all) {
    assert.deepEqual(runs.map((r) => r.id), ["fifo-evals", "fifo-run", "good"]);
    assert.match(problemsOf(runs, "fifo-run"), /^run\.json: a FIFO, not a regular file: not read$/);
    assert.match(problemsOf(runs, "fifo-evals"), /^eval_results\.jsonl: a FIFO, not a regular file: not read$/);
    assert.equal(runs.find((r) => r.id === "fifo-run")!.results.length, 1, "its results are still read");
  }
  const one = await run("fifo-run");
  assert.equal(one.status, 400);
  assert.match(((await one.json()) as { error: string }).error, /run "fifo-run": run\.json: a FIFO, not a regular file/);
});

test("evals import refuses a FIFO run.json without waiting on it; the other runs are imported", async (t) => {
  const mkfifo = fifoMaker(t);
  const src = tempDir(t);
  write(src, "a/eval_results.jsonl", `${goodLine}\n`);
  write(src, "b/eval_results.jsonl", `${goodLine}\n`);
  mkfifo(path.join(src, "b/run.json"));
  const data = tempDir(t);
  const imported: string[] = [];
  await assert.rejects(importRuns([src], data, (r) => imported.push(r.id)), /b: run\.json: a FIFO, not a regular file: not read/);
  assert.deepEqual(imported, [`runs/${path.basename(src)}/a`]);
  assert.ok(!existsSync(path.join(data, "runs", path.basename(src), "b")));
});

test("a run.json symlinked to /etc/passwd is never sent: /api/evals reports it, /api/runs/NAME has no such run", async (t) => {
  const data = tempDir(t);
  write(data, "leak/eval_results.jsonl", `${goodLine}\n`);
  symlinkSync("/etc/passwd", path.join(data, "leak/run.json"));
  write(data, "good/eval_results.jsonl", `${goodLine}\n`);
  withDataDir(t, data);
  const r = await getEvals();
  const body = await r.text();
  assert.equal(r.status, 200);
  assert.ok(!body.includes("root:") && !body.includes("/bin/"), "nothing of /etc/passwd in the response");
  const runs = (JSON.parse(body) as { runs: EvalRun[] }).runs;
  assert.deepEqual(runs.map((x) => x.id), ["good", "leak"]);
  assert.equal(problemsOf(runs, "leak"), "run.json: a symlink that leads out of the folder: not read");
  assert.equal((await run("leak")).status, 404);
});

test("/api/runs/NAME: a run.json over the 8 MB cap, null, not JSON or nested too deeply is a 4xx naming the run and the reason", async (t) => {
  const data = tempDir(t);
  const runJson = (name: string, text: string) => { write(data, `${name}/run.json`, text); write(data, `${name}/eval_results.jsonl`, `${goodLine}\n`); };
  runJson("ok", JSON.stringify({ kind: "train", workspace: "/srv/x/demo", subset: "curated", t: 40, losses: [1, 0.5] }));
  runJson("huge", JSON.stringify({ kind: "train", losses: Array.from({ length: 1_200_000 }, (_, i) => i / 7) }));
  runJson("null", "null");
  runJson("broken", '{"kind": "train", ');
  runJson("deep", `{"kind": "train", "eval": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`);
  withDataDir(t, data);
  const ok = await run("ok");
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { name: "ok", workspace: "demo", subset: "curated", t: 40, losses: [1, 0.5] });
  const expect = async (name: string, pattern: RegExp) => {
    const r = await run(name);
    const { error } = (await r.json()) as { error: string };
    assert.equal(r.status, 400, `${name}: ${error}`);
    assert.match(error, pattern, name);
  };
  await expect("huge", /^run "huge": run\.json: \d+\.\d MB is more than the 8 MB cap: not read$/);
  await expect("null", /^run "null": run\.json is not a JSON object \(it holds null\)$/);
  await expect("broken", /^run "broken": run\.json is not JSON: Expected double-quoted property name at line 1, column 19/);
  await expect("deep", /^run "deep": run\.json is nested too deeply to send$/);
  assert.equal((await run("nope")).status, 404);
});
