// Bad input through the real CLI: one clear line naming the problem, a non-zero exit code, and
// nothing left behind in the output folder.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { UsageError } from "../lib/errors";
import { outOfMemory } from "../lib/pipeline/stagedRun";
import { cli, type CliResult } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

function assertError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:\d+/);
}

async function setup(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet");
  await writeParquet(pool, [{ uid: "a".repeat(32), url: "http://x", text: "a dog" }, { uid: "b".repeat(32), url: "http://y", text: "a cat" }]);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(["dog", "cat"]));
  return { dir, pool, metadata, out: path.join(dir, "out") };
}

test("missing text column names the column and lists the ones there are", async (t) => {
  const s = await setup(t);
  const r = cli("match", "--metadata", s.metadata, "--pool", s.pool, "--out", s.out, "--text-col", "caption");
  assertError(r, 3, /has no column "caption" \(--text-col\); columns: uid, url, text/);
  assert.equal(existsSync(s.out), false);
  const noText = path.join(s.dir, "notext.parquet");
  await writeParquet(noText, [{ a: "x" }]);
  assertError(cli("match", "--metadata", s.metadata, "--pool", noText, "--out", s.out), 3, /no text column .*--text-col/);
});

test("a pool column named file_row_number (DuckDB's row number) is named, for every command that reads pools", async (t) => {
  const s = await setup(t);
  const odd = path.join(s.dir, "odd.parquet");
  await writeParquet(odd, [{ uid: "a".repeat(32), url: "http://x", text: "a dog", file_row_number: 7 }]);
  const pattern = /has a column named "file_row_number", a name DuckDB's reader keeps for the row number it adds: rename that column/;
  assertError(cli("curate", "--metadata", s.metadata, "--pool", odd, "--out", s.out, "--t", "5"), 3, pattern);
  assertError(cli("filter", "--pool", odd, "--out", s.out, "--name", "no_filter"), 3, pattern);
  assert.equal(existsSync(s.out), false);
});

test("a file that is not parquet, an empty file, a missing file", async (t) => {
  const s = await setup(t);
  const notParquet = path.join(s.dir, "x.parquet");
  writeFileSync(notParquet, "URL,TEXT\nhttp://x,a dog\n");
  assertError(cli("match", "--metadata", s.metadata, "--pool", notParquet, "--out", s.out), 3, /x\.parquet is not a readable parquet file/);
  const empty = path.join(s.dir, "empty.parquet");
  writeFileSync(empty, "");
  assertError(cli("match", "--metadata", s.metadata, "--pool", empty, "--out", s.out), 3, /empty\.parquet is empty \(0 bytes\)/);
  assertError(cli("match", "--metadata", s.metadata, "--pool", path.join(s.dir, "nope.parquet"), "--out", s.out), 3, /nope\.parquet does not exist/);
  assert.equal(existsSync(s.out), false);
});

test("an empty pool (a parquet file with no rows)", async (t) => {
  const s = await setup(t);
  const empty = path.join(s.dir, "norows.parquet");
  await writeParquet(empty, [], { uid: "VARCHAR", text: "VARCHAR" });
  assertError(cli("match", "--metadata", s.metadata, "--pool", empty, "--out", s.out), 3, /pool has no rows/);
});

test("empty or malformed metadata", async (t) => {
  const s = await setup(t);
  const empty = path.join(s.dir, "empty.json");
  writeFileSync(empty, "[]");
  assertError(cli("match", "--metadata", empty, "--pool", s.pool, "--out", s.out), 3, /empty\.json has no entries/);
  const emptyTxt = path.join(s.dir, "empty.txt");
  writeFileSync(emptyTxt, "");
  assertError(cli("match", "--metadata", emptyTxt, "--pool", s.pool, "--out", s.out), 3, /empty\.txt has no entries/);
  const bad = path.join(s.dir, "bad.json");
  writeFileSync(bad, '["dog", 3]');
  assertError(cli("match", "--metadata", bad, "--pool", s.pool, "--out", s.out), 3, /entry 1 is 3, not a string/);
  writeFileSync(bad, '{"dog": 1}');
  assertError(cli("match", "--metadata", bad, "--pool", s.pool, "--out", s.out), 3, /must be a JSON array of strings/);
  writeFileSync(bad, '["dog",');
  assertError(cli("match", "--metadata", bad, "--pool", s.pool, "--out", s.out), 3, /is not valid JSON/);
  assert.equal(existsSync(s.out), false);
});

test("null captions are refused with the rows named, or skipped and counted with --skip-null-text", async (t) => {
  const s = await setup(t);
  const pool = path.join(s.dir, "nulls.parquet");
  await writeParquet(pool, [{ uid: "a".repeat(32), text: "a dog" }, { uid: "b".repeat(32), text: null }, { uid: "c".repeat(32), text: "dog" }]);
  assertError(cli("match", "--metadata", s.metadata, "--pool", pool, "--out", s.out), 3, /has 1 null captions in column "text" \(rows 1\); pass --skip-null-text/);
  assert.equal(existsSync(s.out), false);
  const r = cli("match", "--metadata", s.metadata, "--pool", pool, "--out", s.out, "--skip-null-text");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 null captions/);
});

test("t <= 0, t not a number, p outside [0, 1], a bad seed, both t and p", async (t) => {
  const s = await setup(t);
  const base = ["curate", "--metadata", s.metadata, "--pool", s.pool, "--out", s.out];
  assertError(cli(...base, "--t", "0"), 2, /--t: t must be a number >= 1 \(got 0\)/);
  assertError(cli(...base, "--t", "-5"), 2, /--t: t must be a number >= 1/);
  assertError(cli(...base, "--t", "abc"), 2, /--t must be a number \(got "abc"\)/);
  assertError(cli(...base, "--p", "1.5"), 2, /--p: p must be a number in \[0, 1\]/);
  assertError(cli(...base, "--t", "5", "--seed", "1.5"), 2, /--seed: seed must be an integer/);
  assertError(cli(...base, "--t", "5", "--p", "0.1"), 2, /give one of --t N, --p X or --target-size N, not more/);
  assertError(cli(...base), 2, /give one of --t N, --p X or --target-size N$/m);
  assertError(cli(...base, "--t", "5", "--memory-limit", "0"), 2, /--memory-limit: must be a number of GB from 0\.25 to 1024 \(1 TB\) \(got 0\)/);
  assertError(cli(...base, "--t", "5", "--memory-limit", "0.2"), 2, /from 0\.25 to 1024 \(1 TB\) \(got 0\.2\)/);
  assert.equal(existsSync(s.out), false);
  // a given limit is used and recorded
  assert.equal(cli(...base, "--t", "5", "--memory-limit", "0.5").code, 0);
  const m = JSON.parse(readFileSync(path.join(s.out, "manifest.json"), "utf8"));
  assert.equal(m.match.duckdb_memory_limit_gb, 0.5);
  assert.equal(m.balance.duckdb_memory_limit_gb, 0.5);
});

test("unknown flags, unknown commands, missing required flags", async (t) => {
  const s = await setup(t);
  assertError(cli("match", "--metadata", s.metadata, "--pool", s.pool, "--out", s.out, "--fast"), 2, /unknown flag --fast for "metacurate match"/);
  assertError(cli("frobnicate"), 2, /unknown command "frobnicate"/);
  assertError(cli("match", "--pool", s.pool, "--out", s.out), 2, /needs --metadata FILE/);
  assertError(cli("balance", "--in", s.dir, "--t", "5"), 3, /is not a metacurate workspace: no manifest\.json/);
  assertError(cli("match", "--metadata", s.metadata, "--pool", s.pool, s.pool, "--out", s.out), 2, /given twice/);
  const help = cli("curate", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--skip-null-text/);
});

test("an output folder that cannot be written; a failed run leaves an existing folder as it was", async (t) => {
  const s = await setup(t);
  const file = path.join(s.dir, "afile");
  writeFileSync(file, "x");
  assertError(cli("match", "--metadata", s.metadata, "--pool", s.pool, "--out", file), 4, /output path .*afile exists and is not a folder/);
  assertError(cli("match", "--metadata", s.metadata, "--pool", s.pool, "--out", path.join(file, "sub")), 4, /cannot write output folder/);
  if (process.getuid?.() !== 0) {
    const ro = path.join(s.dir, "ro");
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    assertError(cli("match", "--metadata", s.metadata, "--pool", s.pool, "--out", ro), 4, /cannot write output folder/);
  }
  // an earlier good workspace survives a failed re-run untouched, with no temporary files
  assert.equal(cli("curate", "--metadata", s.metadata, "--pool", s.pool, "--out", s.out, "--t", "5").code, 0);
  const before = readdirSync(s.out).sort();
  const bad = path.join(s.dir, "bad.parquet");
  writeFileSync(bad, "not parquet");
  assertError(cli("curate", "--metadata", s.metadata, "--pool", bad, "--out", s.out, "--t", "5"), 3, /not a readable parquet file/);
  assert.deepEqual(readdirSync(s.out).sort(), before);
  assert.ok(!before.some((f) => f.startsWith(".metacurate-tmp")));
});

test("a damaged or foreign matches.parquet is named, and balance leaves the workspace as it was", async (t) => {
  const s = await setup(t);
  assert.equal(cli("match", "--metadata", s.metadata, "--pool", s.pool, "--out", s.out).code, 0);
  const before = readdirSync(s.out).sort();
  writeFileSync(path.join(s.out, "matches.parquet"), "PAR1 not really PAR1");
  assertError(cli("balance", "--in", s.out, "--t", "1"), 3, /matches\.parquet is not a valid matches\.parquet/);
  assertError(cli("stats", "--in", s.out, "--t", "1"), 3, /matches\.parquet is not a valid matches\.parquet/);
  await writeParquet(path.join(s.out, "matches.parquet"), [{ uid: "a".repeat(32), ids: "0" }]);
  assertError(cli("balance", "--in", s.out, "--t", "1"), 3, /matches\.parquet is not a valid matches\.parquet: .*entry_ids/);
  await writeParquet(path.join(s.out, "matches.parquet"), [{ uid: "a".repeat(32), entry_ids: [0] }], { uid: "VARCHAR", entry_ids: "INTEGER[]" });
  assertError(cli("balance", "--in", s.out, "--t", "1"), 3, /matches\.parquet is not a valid matches\.parquet: it has no pool_row column .*match" again/);
  assert.deepEqual(readdirSync(s.out).sort(), before, "no curated output, no temp files");
});

test("DuckDB running out of memory under the cap is named, with the flag that raises it (exit 2)", () => {
  const e = outOfMemory(new Error("cannot read text column \"text\" of p.parquet: Out of Memory Error: failed to allocate data of size 512.0 MiB (757.5 MiB/976.5 MiB used)\n\nPossible solutions: ..."), 1);
  assert.ok(e instanceof UsageError);
  assert.equal(e.exitCode, 2);
  assert.equal(e.message, "DuckDB ran out of memory within its cap of 1 GB (failed to allocate data of size 512.0 MiB (757.5 MiB/976.5 MiB used)); give it more with --memory-limit GB");
  const other = new Error("Binder Error: no such column");
  assert.equal(outOfMemory(other, 1), other);
});
