/**
 * `t_to_p`, `p_to_t` and `count_to_prob` exactly as metaclip/curation/curate.py (numpy semantics).
 * Counts are plain numbers (exact up to 2^53).
 */
export type Counts = ArrayLike<number>;

export function assertT(t: number): void {
  if (!Number.isFinite(t) || t < 1) throw new RangeError(`t must be a number >= 1 (got ${t})`);
}

export function assertP(p: number): void {
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new RangeError(`p must be a number in [0, 1] (got ${p})`);
}

function total(counts: Counts): number {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i];
  return s;
}

/** Tail share of matches: sum(counts[counts < t]) / sum(counts) (strict <). */
export function tToP(counts: Counts, t: number): number {
  assertT(t);
  const sum = total(counts);
  if (sum === 0) throw new RangeError("no matches: the tail share is undefined");
  let tail = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] < t) tail += counts[i];
  return tail / sum;
}

/** Ascending copy of the counts (zeros included), the form pToT works on. */
export function sortedCounts(counts: Counts): Float64Array {
  return Float64Array.from(counts as ArrayLike<number>).sort();
}

/**
 * c = sort(counts) ascending with zeros; portion = cumsum(c) / c.sum(); idx = first argmin
 * |portion - p|; returns c[idx]. Pass `sorted` (from sortedCounts) to skip the sort.
 */
export function pToT(counts: Counts, p: number, sorted?: Float64Array): number {
  assertP(p);
  const c = sorted ?? sortedCounts(counts);
  const sum = total(c);
  if (sum === 0) throw new RangeError("no matches: t for a tail share is undefined");
  let cum = 0;
  let best = Infinity;
  let idx = 0;
  for (let i = 0; i < c.length; i++) {
    cum += c[i];
    const d = Math.abs(cum / sum - p);
    if (d < best) { best = d; idx = i; }
  }
  return c[idx];
}

/** p_e = t / max(count_e, t): 1 for tail and zero-count entries. */
export function entryProbability(count: number, t: number): number {
  return t / Math.max(count, t);
}

export function countToProb(counts: Counts, t: number): Float64Array {
  assertT(t);
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = entryProbability(counts[i], t);
  return out;
}
