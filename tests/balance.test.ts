// The keep decision: probability, determinism, nesting in t, and the statistics of the draw.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedSize, keepProbability } from "../lib/curation/balance";
import { SizeCurveAccumulator, sizeCurveGrid } from "../lib/curation/sizeCurve";
import { SizeCurveKernel } from "../lib/curation/sizeCurveKernel";
import { draw, murmur3 } from "../lib/curation/draw";
import { encodeWtf8 } from "../lib/curation/utf8";

test("murmur3_x86_32 matches the reference test vectors", () => {
  const m = (s: string, seed: number) => { const b = encodeWtf8(s); return murmur3(b, 0, b.length, seed); };
  assert.equal(m("", 0), 0);
  assert.equal(m("", 1), 0x514e28b7);
  assert.equal(m("", 0xffffffff), 0x81f16f39);
  assert.equal(m("hello", 0), 0x248bfa47);
  assert.equal(m("Hello, world!", 1234), 0xfaf6cdb3);
  assert.equal(m("The quick brown fox jumps over the lazy dog", 0x9747b28c), 0x2fa826cd);
});

test("keep probability is 1 - prod(1 - t/max(c, t))", () => {
  const counts = [10, 100, 1000];
  assert.equal(keepProbability([0], 0, 1, counts, 20), 1);
  assert.equal(keepProbability([1], 0, 1, counts, 20), 1 - (1 - 20 / 100));
  assert.ok(Math.abs(keepProbability([1, 2], 0, 2, counts, 20) - (1 - 0.8 * 0.98)) < 1e-15);
  assert.equal(expectedSize([0, 1, 3], [1, 1, 2], counts, 20), keepProbability([1], 0, 1, counts, 20) + keepProbability([1, 2], 0, 2, counts, 20));
});

test("the draw is a pure function of (seed, uid) in [0, 1)", () => {
  assert.equal(draw(7, "abc"), draw(7, "abc"));
  assert.notEqual(draw(7, "abc"), draw(8, "abc"));
  for (let i = 0; i < 1000; i++) { const u = draw(i, `uid-${i}`); assert.ok(u >= 0 && u < 1); }
});

test("kept count is within 4 sigma of its expectation over many rows, for several p", () => {
  const rows = 200_000;
  for (const p of [0.01, 0.2, 0.5, 0.9]) {
    let kept = 0;
    for (let i = 0; i < rows; i++) if (draw(42, i.toString(16).padStart(32, "0")) < p) kept++;
    const sigma = Math.sqrt(rows * p * (1 - p));
    assert.ok(Math.abs(kept - rows * p) < 4 * sigma, `p=${p}: kept ${kept}, expected ${rows * p} ± ${4 * sigma}`);
  }
});

test("raising t only adds rows (nested), and another seed gives another sample", () => {
  const counts = [50, 500, 5000, 50000];
  const rowsIds = Array.from({ length: 5000 }, (_, i) => [i % 4, (i * 7) % 4].sort());
  const keptAt = (t: number, seed: number) => new Set(rowsIds.flatMap((ids, r) => {
    const uniq = [...new Set(ids)];
    return draw(seed, `row${r}`) < keepProbability(uniq, 0, uniq.length, counts, t) ? [r] : [];
  }));
  const small = keptAt(100, 1), large = keptAt(2000, 1);
  for (const r of small) assert.ok(large.has(r), `row ${r} kept at t=100 but not at t=2000`);
  assert.ok(large.size > small.size);
  const other = keptAt(2000, 2);
  assert.notDeepEqual([...other].sort(), [...large].sort());
});

test("the size curve equals expectedSize at every grid t, bit for bit, also where 1 - prod rounds to 1", () => {
  const counts = Array.from({ length: 400 }, (_, i) => (i < 100 ? 5 + i : 1000 + i * 37));
  const rows: number[][] = [];
  for (let r = 0; r < 3000; r++) rows.push([...new Set(Array.from({ length: 1 + (r % 6) }, (_, k) => (r * 7 + k * 131) % 400))].sort((a, b) => a - b));
  rows.push(Array.from({ length: 60 }, (_, k) => 300 + k)); // 60 factors near 1/2: 1 - prod is 1 in doubles
  for (const base = rows.slice(); rows.length < 20_000;) rows.push(...base); // past the kernel's batch of 16,384 rows
  rows.push(Array.from({ length: 1500 }, (_, k) => 100 + (k % 300))); // longer than the kernel's first scratch
  const rowStarts = [0];
  const flat: number[] = [];
  for (const ids of rows) { flat.push(...ids); rowStarts.push(flat.length); }
  const grid = sizeCurveGrid(Math.max(...counts));
  // the JavaScript accumulator, and the WebAssembly kernel that match uses (odd and even grid sizes)
  for (const g of [grid, grid.slice(0, -1)]) {
    for (const acc of [new SizeCurveAccumulator(g, counts), new SizeCurveKernel(g, counts)]) {
      rows.forEach((_, r) => acc.addRow(flat, rowStarts[r], rowStarts[r + 1]));
      const values = acc.values();
      g.forEach((t, k) => assert.equal(values[k], expectedSize(rowStarts, flat, counts, t), `${acc.constructor.name}, t = ${t}`));
      if (g === grid) assert.equal(values[values.length - 1], rows.length);
    }
  }
});
