// --progress json: one {step, done, total, rate} object per line on stderr, the same events a parent
// process, a Slurm task log and the dashboard read; the bar stays quiet in a pipe.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

test("--progress json: every stderr line an event; match counts up to the pool's rows, balance to the matched rows", async (t) => {
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet"), metadata = path.join(dir, "m.json");
  await writeParquet(pool, Array.from({ length: 20_000 }, (_, i) => ({ uid: `u${i}`, url: `http://x/${i}`, text: i % 3 ? `a red dog ${i}` : `a cat ${i}` })));
  writeFileSync(metadata, JSON.stringify(["dog", "red dog", "cat"]));
  const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", path.join(dir, "out"), "--t", "100", "--progress", "json");
  assert.equal(r.code, 0, r.stderr);
  const events = r.stderr.trim().split("\n").map((line) => JSON.parse(line) as { step: string; done: number; total: number | null; rate: number });
  for (const e of events) {
    assert.deepEqual(Object.keys(e), ["step", "done", "total", "rate"]);
    assert.equal(typeof e.step, "string");
    assert.ok(Number.isFinite(e.done) && Number.isFinite(e.rate) && (e.total === null || Number.isFinite(e.total)));
  }
  const last = (step: string) => events.filter((e) => e.step === step).at(-1)!;
  assert.deepEqual([last("match").done, last("match").total], [20_000, 20_000]);
  assert.deepEqual([last("balance").done, last("balance").total], [20_000, 20_000]);
  assert.ok(events.findIndex((e) => e.step === "match") < events.findIndex((e) => e.step === "balance"));
  // the default bar is for terminals: nothing in a pipe
  const quiet = cli("curate", "--metadata", metadata, "--pool", pool, "--out", path.join(dir, "out2"), "--t", "100");
  assert.equal(quiet.stderr, "");
  const bad = cli("match", "--metadata", metadata, "--pool", pool, "--out", path.join(dir, "out3"), "--progress", "xml");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--progress: must be one of bar, json, none \(got "xml"\)/);
});
