// The sorted-count distribution gives the same bits as the reference t_to_p / p_to_t and a per-entry loop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CountDistribution } from "../lib/curation/distribution";
import { pToT, tToP } from "../lib/curation/threshold";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function loopFigures(counts: number[], t: number) {
  let headEntries = 0, headMatches = 0, atT = 0, capped = 0, total = 0;
  for (const c of counts) {
    total += c;
    if (c > t) { headEntries++; headMatches += c; }
    if (c === t) atT++;
    capped += Math.min(c, t);
  }
  return { headEntries, headShare: headMatches / total, entriesAtT: atT, cappedMatches: capped };
}

test("figures at t equal the per-entry loop and t_to_p, including ties, zeros and t beyond the max", () => {
  const next = rng(7);
  for (let trial = 0; trial < 40; trial++) {
    const n = 1 + Math.floor(next() * 3000);
    const counts: number[] = Array.from({ length: n }, (): number => (next() < 0.2 ? 0 : Math.floor(1 / (next() + 1e-4))));
    if (!counts.some((c) => c > 0)) counts[0] = 3;
    const dist = new CountDistribution(counts);
    for (const t of [1, 2, 3, 7, 10, 50, 99, 100, 1000, 5000, 1e7, counts[0] || 1, dist.maxCount || 1]) {
      const f = dist.figuresAt(t);
      const ref = loopFigures(counts, t);
      assert.equal(f.headEntries, ref.headEntries);
      assert.equal(f.headShare, ref.headShare);
      assert.equal(f.entriesAtT, ref.entriesAtT);
      assert.equal(f.cappedMatches, ref.cappedMatches);
      assert.equal(f.tailShare, tToP(counts, t));
    }
    for (const p of [0, 0.001, 0.05, 0.1, 0.3, 0.5, 0.77, 0.999, 1, next()]) {
      assert.equal(dist.tForTailShare(p), pToT(counts, p), `p=${p} n=${n}`);
    }
  }
});

test("p_to_t ties: the first index wins, as numpy's argmin", () => {
  const dist = new CountDistribution([0, 5, 5, 10, 0, 80, 100]);
  assert.equal(dist.tForTailShare(0.3), 10);
  assert.equal(dist.tForTailShare(0), 0);
  assert.equal(dist.tForTailShare(0.31), 80);
  assert.equal(dist.zeroEntries, 2);
  assert.equal(dist.total, 200);
});

test("the capped cumulative curve is Σ min(c, t) over the i smallest entries", () => {
  const counts = [1, 4, 9, 16, 25];
  const dist = new CountDistribution(counts);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => dist.cappedCumulative(i, 10)), [0, 1, 5, 14, 24, 34]);
  assert.equal(dist.cappedCumulative(5, 1e9), 55);
});
