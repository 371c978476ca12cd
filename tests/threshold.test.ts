// t_to_p / p_to_t / count_to_prob against values computed by hand with numpy's semantics.
import assert from "node:assert/strict";
import { test } from "node:test";
import { countToProb, entryProbability, pToT, tToP } from "../lib/curation/threshold";

const counts = [0, 5, 5, 10, 0, 80, 100];

test("t_to_p is the share of matches of entries with count strictly below t", () => {
  assert.equal(tToP(counts, 10), 10 / 200);
  assert.equal(tToP(counts, 11), 20 / 200);
  assert.equal(tToP(counts, 1), 0);
  assert.equal(tToP(counts, 100), 100 / 200);
  assert.equal(tToP(counts, 1e9), 1, "t beyond the max count puts every match in the tail");
});

test("p_to_t: ascending sort with zeros, inclusive cumsum, first argmin", () => {
  // sorted: 0 0 5 5 10 80 100; cumsum/200: 0 0 .025 .05 .1 .5 1
  assert.equal(pToT(counts, 0.1), 10);
  assert.equal(pToT(counts, 0.05), 5);
  assert.equal(pToT(counts, 0.3), 10, "|0.1-0.3| = |0.5-0.3|: the first index wins");
  assert.equal(pToT(counts, 0.31), 80);
  assert.equal(pToT(counts, 0), 0, "ties at zero: the first index, a zero count");
  assert.equal(pToT(counts, 1), 100);
});

test("p_to_t is not an exact inverse of t_to_p (inclusive vs strict)", () => {
  const t = pToT(counts, 0.1);
  assert.equal(t, 10);
  assert.equal(tToP(counts, t), 0.05);
});

test("count_to_prob: t / max(count, t); zero and tail counts get 1", () => {
  assert.deepEqual(Array.from(countToProb([0, 3, 20, 40], 20)), [1, 1, 1, 0.5]);
  assert.equal(entryProbability(121_000_000, 20_000), 20_000 / 121_000_000);
});

test("bad parameters are refused: t < 1, NaN, p outside [0, 1], no matches", () => {
  assert.throws(() => tToP(counts, 0), /t must be/);
  assert.throws(() => tToP(counts, Number.NaN), /t must be/);
  assert.throws(() => pToT(counts, 1.5), /p must be/);
  assert.throws(() => pToT(counts, -0.1), /p must be/);
  assert.throws(() => tToP([0, 0], 5), /no matches/);
});
