// The CLI as a first-time user reads it: the matched share with the case-sensitivity rule, the stats
// top-entries table with its headers (and nothing for --top 0), and a JSON error that says where.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { jsonErrorMessage } from "../lib/util/jsonError";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

async function workspace(t: { after: (fn: () => void) => void }, entries: string[]) {
  const dir = tempDir(t);
  await writeParquet(path.join(dir, "pool.parquet"), Array.from({ length: 40 }, (_, i) => ({ uid: String(i).padStart(32, "0"), text: i % 4 === 0 ? `A Red Dog ${i}` : `a red dog ${i}` })));
  writeFileSync(path.join(dir, "metadata.json"), JSON.stringify(entries));
  const r = cli("curate", "--metadata", path.join(dir, "metadata.json"), "--pool", path.join(dir, "pool.parquet"), "--out", path.join(dir, "ws"), "--t", "5", "--progress", "none");
  assert.equal(r.code, 0, r.stderr);
  return { dir, ws: path.join(dir, "ws"), out: r.stdout };
}

test("the matched share is printed with the case-sensitivity rule, and a warning when few rows match", async (t) => {
  const most = await workspace(t, ["red", "Red"]);
  assert.match(most.out, /matched   40 rows \(100\.00%\)/);
  assert.match(most.out, /note      40 of 40 rows matched \(100\.00%\)\. Matching is case-sensitive, as MetaCLIP's: "Dog" does not match the entry "dog"\.\n/);
  const few = await workspace(t, ["Red"]);
  assert.match(few.out, /note      10 of 40 rows matched \(25\.00%\)\. Matching is case-sensitive.*Few rows match: a short or lower-case metadata list misses capitalised captions/);
  const stats = cli("stats", "--in", few.ws);
  assert.match(stats.stdout, /rows             40 read, 10 matched \(25\.00%\)\n\s+10 of 40 rows matched/);
});

test("stats: the top-entries table has headers; --top 0 prints no table", async (t) => {
  const { ws } = await workspace(t, ["red", "dog", "Red"]);
  const plain = cli("stats", "--in", ws, "--top", "2").stdout;
  assert.match(plain, /top 2 entries by count:\n {9}count {2}entry\n {12}30 {2}"red"\n {12}30 {2}"dog"\n/);
  const atT = cli("stats", "--in", ws, "--t", "5", "--top", "1").stdout;
  assert.match(atT, /top 1 entries by count:\n {9}count  p_e at t  entry\n {12}30 {4}0\.1667  "red"\n/);
  const none = cli("stats", "--in", ws, "--top", "0");
  assert.equal(none.code, 0);
  assert.doesNotMatch(none.stdout, /top|entries by count/);
});

test("a JSON error names the line, the column and a short excerpt, never a message cut mid-quote", async (t) => {
  const dir = tempDir(t);
  const bad = path.join(dir, "metadata.json");
  writeFileSync(bad, `[\n  "dog",\n  "cat" "bird"\n]`);
  await writeParquet(path.join(dir, "pool.parquet"), [{ uid: "a".repeat(32), text: "a dog" }]);
  const r = cli("match", "--metadata", bad, "--pool", path.join(dir, "pool.parquet"), "--out", path.join(dir, "out"));
  assert.equal(r.code, 3);
  assert.match(r.stderr, /metadata .*metadata\.json is not valid JSON: Expected ',' or ']' after array element at line 3, column 9, near ".*\\"cat\\" \\"bird\\".*"\n$/);
  // a long string before the error: the excerpt is short and its quotes are whole
  const long = `["${"y".repeat(5000)}", nope]`;
  try { JSON.parse(long); assert.fail("parsed"); } catch (e) {
    const msg = jsonErrorMessage(long, e);
    assert.match(msg, /^Unexpected token 'o' at line 1, column 5007, near "…y+\\", nope\]"$/);
    assert.ok(msg.length < 120, msg);
  }
  const spec = path.join(dir, "spec.json");
  writeFileSync(spec, '{"kind": "curate",\n "t": 5,,}');
  const job = cli("job", "submit", "--data-dir", dir, "--spec", spec);
  assert.equal(job.code, 3);
  assert.match(job.stderr, /--spec .*spec\.json is not valid JSON: .* at line 2, column 9, near/);
});
