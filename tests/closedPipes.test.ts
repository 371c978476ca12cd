// A reader that goes away: `metacurate job list --json | head -c 10` and `metacurate train --progress
// json 2>&1 | head -3`, through a real shell pipe. The command exits quietly (141, as for SIGPIPE; no
// stack trace, no "internal error"), and a run it stops leaves no staging folder, generation or lock.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { encodeGrayPng } from "../lib/demo/png";
import { planJob } from "../lib/jobs/spec";
import { JobStore } from "../lib/jobs/store";
import { cli } from "./support/cli";
import { REPO, tempDir, writeParquet } from "./support/fixtures";

const METACURATE = path.join(REPO, "bin", "metacurate.mjs");

/** `bash -c SCRIPT` with $METACURATE the command; its exit status, the metacurate process's own (PIPESTATUS), and stderr. */
function shell(script: string, env: Record<string, string> = {}) {
  const r = spawnSync("bash", ["-c", `${script}; echo "status \${PIPESTATUS[0]}" >&2`], {
    encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", METACURATE: `${process.execPath} ${METACURATE}`, ...env },
  });
  const status = Number(/status (\d+)\n$/.exec(r.stderr)?.[1]);
  return { status, stderr: r.stderr.replace(/status \d+\n$/, ""), stdout: r.stdout };
}

const TRACE = /\n\s+at |Error:|internal error|EPIPE/;

test("job list --json | head -c 10: exits quietly, no stack trace", { timeout: 120_000 }, async (t) => {
  const data = tempDir(t, "mc-pipe-");
  // one finished job whose record is far larger than a pipe holds (64 KB), so the write meets the closed pipe
  mkdirSync(path.join(data, "in"));
  for (const f of ["metadata.json", "pool.parquet"]) writeFileSync(path.join(data, "in", f), "");
  const planned = planJob({ kind: "curate", metadata: "in/metadata.json", pool: ["in/pool.parquet"], t: 5, out: "ws" }, { dataDir: data, poolsDirs: [] });
  const tasks = Array.from({ length: 1000 }, (_, i) => ({ name: `match-${i}`, argv: ["match", "--metadata", "in/metadata.json", "--pool", `in/pool-${i}.parquet`, "--out", `.jobs/x/shards/${i}`], after: [] }));
  const store = new JobStore(data);
  const job = await store.create({ ...planned, tasks: () => tasks }, "local");
  await store.update(job.id, (now) => ({ record: { ...now, state: "cancelled", finished: new Date().toISOString() } }));
  const whole = cli("job", "list", "--data-dir", data, "--json");
  assert.equal(whole.code, 0, whole.stderr);
  assert.ok(whole.stdout.length > 256 * 1024, `the listing is ${whole.stdout.length} bytes`);

  const r = shell(`$METACURATE job list --data-dir '${data}' --json | head -c 10`);
  assert.equal(r.stdout, whole.stdout.slice(0, 10));
  assert.doesNotMatch(r.stderr, TRACE, r.stderr);
  assert.equal(r.stderr, "");
  assert.equal(r.status, 141, "exits as a process a closed pipe ended");
});

/** A tiny trainable workspace: 40 PNG images in it, a pool naming them, a 2-class IDX test set. */
async function tinyWorkspace(dir: string): Promise<string> {
  const ws = path.join(dir, "ws"), src = path.join(ws, "source");
  mkdirSync(path.join(src, "img"), { recursive: true });
  const image = (label: number, i: number) => Uint8Array.from({ length: 28 * 28 }, (_, p) => (((p % 28 < 14) === (label === 0) ? 200 : 30) + i) % 256);
  const rows = Array.from({ length: 40 }, (_, i) => {
    writeFileSync(path.join(src, "img", `${i}.png`), encodeGrayPng(image(i % 2, i), 28, 28));
    return { url: `source/img/${i}.png`, text: `a photo of a ${i % 2 ? "dark" : "light"} thing ${i}`, label: i % 2 };
  });
  await writeParquet(path.join(src, "pool.parquet"), rows, { url: "VARCHAR", text: "VARCHAR", label: "INTEGER" });
  writeFileSync(path.join(src, "metadata.json"), JSON.stringify(["photo", "dark", "light", "thing"]));
  const idx = (magic: number, dims: number[], bytes: number[]) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(magic, 0);
    dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
    return Buffer.concat([head, Buffer.from(bytes)]);
  };
  writeFileSync(path.join(src, "test-images.idx"), idx(2051, [4, 28, 28], [0, 1, 0, 1].flatMap((l, i) => [...image(l, i)])));
  writeFileSync(path.join(src, "test-labels.idx"), idx(2049, [4], [0, 1, 0, 1]));
  writeFileSync(path.join(src, "eval.json"), JSON.stringify({ key: "tiny", dataset: "tiny", format: "idx", images: "test-images.idx", labels: "test-labels.idx",
    classes: ["light", "dark"], prompt: "a photo of a {class} thing", class_column: "label" }));
  const r = cli("curate", "--metadata", path.join(src, "metadata.json"), "--pool", path.join(src, "pool.parquet"), "--out", ws, "--t", "10", "--progress", "none");
  assert.equal(r.code, 0, r.stderr);
  return ws;
}

const leftovers = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(".metacurate-")) : []);

test("train --progress json 2>&1 | head -3: the run stops, exits quietly and leaves no staging folder, generation or lock", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t, "mc-pipe-");
  const ws = await tinyWorkspace(dir);
  const args = `train --workspace '${ws}' --subset raw --samples-seen 64 --batch 16 --progress json`;
  // the tiny run works when nobody closes its pipe
  const whole = shell(`$METACURATE ${args} --out '${path.join(dir, "whole")}' 2>&1 | cat >/dev/null`);
  assert.equal(whole.status, 0, whole.stderr);
  assert.ok(existsSync(path.join(dir, "whole", "run.json")));

  // the run holds still once its pairs are loaded (a pause point) until head has gone and nothing reads
  // the pipe any more; its next line then meets the closed pipe, whatever the timing
  const release = path.join(dir, "release"), out = path.join(dir, "run");
  const r = shell(`$METACURATE ${args} --out '${out}' 2>&1 | { head -3 > '${path.join(dir, "head.txt")}'; exec 0<&-; touch '${release}'; }`,
    { METACURATE_PAUSE_AT: "train:loaded", METACURATE_PAUSE_UNTIL: release });
  const shown = readFileSync(path.join(dir, "head.txt"), "utf8").split("\n").filter(Boolean);
  assert.equal(shown.length, 3);
  for (const line of shown.filter((l) => l.startsWith("{"))) assert.ok(JSON.parse(line).step, line);
  assert.equal(r.status, 141, `exits as a process a closed pipe ended\n${r.stderr}`);
  assert.equal(r.stderr, "");
  assert.deepEqual(leftovers(out), [], "no staging folder, generation or lock");
  assert.equal(existsSync(out), false, "the run folder it made is gone: no run was written");
});

test("train | head with only stdout piped: no trace on stderr, no staging left", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t, "mc-pipe-");
  const ws = await tinyWorkspace(dir);
  const release = path.join(dir, "release"), out = path.join(dir, "run");
  // stderr (the progress) goes to a file and stdout to a pipe that closes at once: the summary line meets it
  const r = shell(`$METACURATE train --workspace '${ws}' --out '${out}' --subset raw --samples-seen 64 --batch 16 --progress json 2>'${path.join(dir, "err.txt")}' | { exec 0<&-; touch '${release}'; }`,
    { METACURATE_PAUSE_AT: "train:loaded", METACURATE_PAUSE_UNTIL: release });
  const err = readFileSync(path.join(dir, "err.txt"), "utf8");
  assert.doesNotMatch(err, TRACE, err);
  assert.equal(r.status, 141, err);
  assert.deepEqual(leftovers(out).filter((n) => n !== ".metacurate-current" && !n.startsWith(".metacurate-gen-")), [], "no lock or stale link");
  // the run finished before its one stdout line: it is committed whole (one generation, the current one)
  const gens = leftovers(out).filter((n) => n.startsWith(".metacurate-gen-"));
  assert.equal(gens.length, 1, `${leftovers(out)}`);
  assert.ok(existsSync(path.join(out, "run.json")));
});
