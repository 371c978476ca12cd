// --target-size: t is the integer whose exact expected size E(t) is closest to the target, checked
// against a scan of every integer t (E summed row by row as balance sums it), and through the CLI.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ExpectedSize, keepProbability } from "../lib/curation/balance";
import { SizeCurveKernel } from "../lib/curation/sizeCurveKernel";
import { tForTargetSize } from "../lib/curation/targetSize";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 2 ** 32; };
}

function exactE(rows: number[][], counts: Float64Array, t: number): number {
  const sum = new ExpectedSize();
  for (const r of rows) sum.add(keepProbability(r, 0, r.length, counts, t));
  return sum.value;
}

test("the solved t is the closest of every integer t, on the exact curve (both accumulators)", async () => {
  const next = rng(5);
  const entries = 300;
  const rows: number[][] = [];
  for (let i = 0; i < 4000; i++) {
    const ids = new Set<number>();
    const n = 1 + Math.floor(next() * 4);
    while (ids.size < n) ids.add(Math.floor(entries * next() ** 3)); // a long tail: low ids are the head
    rows.push([...ids].sort((a, b) => a - b));
  }
  const counts = new Float64Array(entries);
  for (const r of rows) for (const id of r) counts[id]++;
  const maxCount = Math.max(...counts);
  const curve = Array.from({ length: maxCount }, (_, i) => exactE(rows, counts, i + 1)); // E(1) .. E(max)
  const forEachRow = (visit: (ids: ArrayLike<number>, s: number, e: number) => void) => { for (const r of rows) visit(r, 0, r.length); };
  for (const target of [1, 50, 333.3, 1000, 1500, 2222, 3000, curve[maxCount - 1] - 0.5, curve[maxCount - 1], 10_000, ...Array.from({ length: 20 }, () => next() * 4000)]) {
    let best = 1;
    for (let t = 1; t <= maxCount; t++) if (Math.abs(curve[t - 1] - target) < Math.abs(curve[best - 1] - target)) best = t;
    for (const make of [undefined, (grid: number[]) => new SizeCurveKernel(grid, counts)]) {
      const got = await tForTargetSize(forEachRow, counts, target, make);
      assert.equal(got.t, best, `target ${target}`);
      assert.equal(got.expectedSize, curve[best - 1], `E(t) is the exact sum, bit for bit (target ${target})`);
      assert.equal(got.largest, curve[maxCount - 1], "the largest reachable size is E(max count)");
      assert.equal(got.largest, rows.length, "every matched row kept");
      if (target > got.largest) assert.equal(got.t, curve.indexOf(got.largest) + 1, "above it: the smallest t that reaches it");
      assert.ok(got.passes <= 6, `${got.passes} passes`);
    }
  }
  await assert.rejects(tForTargetSize(forEachRow, new Float64Array(3), 5), /no entry has a match/);
  await assert.rejects(tForTargetSize(forEachRow, counts, 0), /positive/);
});

test("curate --target-size N: the manifest's t is the closest integer, its expected size the exact E(t); bad values are refused", async (t) => {
  const dir = tempDir(t);
  const next = rng(9);
  const words = ["dog", "cat", "red", "car", "tree", "blue", "house", "photo"];
  const rows = Array.from({ length: 3000 }, (_, i) => ({ uid: `u${i}`, url: `http://x/${i}`, text: Array.from({ length: 1 + Math.floor(next() * 4) }, () => words[Math.floor(words.length * next() ** 2)]).join(" ") }));
  const pool = path.join(dir, "pool.parquet"), metadata = path.join(dir, "m.json"), out = path.join(dir, "out");
  await writeParquet(pool, rows);
  writeFileSync(metadata, JSON.stringify(words));
  const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--target-size", "1200");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /from target size 1,200/);
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(m.balance.target_size_requested, 1200);
  const at = (tt: number) => JSON.parse(cli("stats", "--in", out, "--t", String(tt), "--json").stdout).at_t.expected_size as number;
  const e = at(m.balance.t);
  assert.equal(m.balance.expected_size, e);
  if (m.balance.t > 1) assert.ok(Math.abs(e - 1200) <= Math.abs(at(m.balance.t - 1) - 1200));
  assert.ok(Math.abs(e - 1200) <= Math.abs(at(m.balance.t + 1) - 1200));
  // balance takes it too, and the same target gives the same t
  const b = cli("balance", "--in", out, "--target-size", "1200", "--seed", "3");
  assert.equal(b.code, 0, b.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).balance.t, m.balance.t);
  for (const [args, msg] of [[["--target-size", "0"], /--target-size: must be a whole number of rows, at least 1/], [["--target-size", "2.5"], /whole number/],
    [["--target-size", "100", "--t", "5"], /give one of --t N, --p X or --target-size N, not more/]] as const) {
    const bad = cli("balance", "--in", out, ...args);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, msg);
  }
});
