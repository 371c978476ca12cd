// The main job's demo workspace: built from nothing but installed packages, curated at p = 0.06.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";

test("metacurate demo builds a long-tailed pool, matches WordNet metadata and balances at p = 0.06", async (t) => {
  const out = path.join(tempDir(t), "demo");
  const r = cli("demo", "--out", out, "--rows", "3000");
  assert.equal(r.code, 0, r.stderr);
  for (const f of ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "curated.parquet", "subset.npy", "manifest.json"]) {
    assert.ok(existsSync(path.join(out, f)), f);
  }
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(m.match.rows_read, 3000);
  assert.equal(m.balance.p_requested, 0.06);
  assert.ok(m.match.rows_matched > 1500 && m.match.rows_matched < 3000, "about 30% noise captions match nothing");
  assert.ok(m.balance.rows_kept < m.match.rows_matched);
  const counts = (await readParquet(path.join(out, "entry_counts.parquet"))).map((x) => Number(x.count)).sort((a, b) => b - a);
  const total = counts.reduce((a, b) => a + b, 0);
  assert.ok(counts.slice(0, 50).reduce((a, b) => a + b, 0) > total / 2, "a few head entries hold most matches");
  assert.match(r.stdout, /tail share p/);
  // a second run reuses the generated pool and gives the same curated set
  const before = readFileSync(path.join(out, "curated.parquet"));
  assert.equal(cli("demo", "--out", out, "--rows", "3000").code, 0);
  assert.deepEqual(readFileSync(path.join(out, "curated.parquet")), before);
});
