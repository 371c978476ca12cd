/**
 * The expected curated size E(t) = Σ over matched rows of keepProbability (summed as ExpectedSize
 * does), on a log-spaced grid of t. Exact: every row counts, nothing is sampled.
 */

/** round(10^(k/perDecade)) for k = 0, 1, ... while <= maxCount, deduplicated, ending at maxCount. */
export function sizeCurveGrid(maxCount: number, perDecade = 10): number[] {
  const grid: number[] = [];
  for (let k = 0; ; k++) {
    const t = Math.round(10 ** (k / perDecade));
    if (t > maxCount) break;
    if (grid[grid.length - 1] !== t) grid.push(t);
  }
  if (grid.length === 0 || grid[grid.length - 1] !== maxCount) grid.push(Math.max(1, maxCount));
  return grid;
}

export class SizeCurveAccumulator {
  /** Per grid point: rows kept for sure (from the rows whose smallest count is <= t, as a histogram) and the rest. */
  private readonly certainFrom: Float64Array;
  private readonly certain: Float64Array;
  private readonly partial: Float64Array;
  /** The current row's counts, in id order. */
  private rowCounts = new Float64Array(64);
  rows = 0;

  constructor(readonly grid: readonly number[], private readonly counts: ArrayLike<number>) {
    this.certainFrom = new Float64Array(grid.length + 1);
    this.certain = new Float64Array(grid.length);
    this.partial = new Float64Array(grid.length);
  }

  /** Adds one matched row whose ids are ids[start, end). */
  addRow(ids: ArrayLike<number>, start: number, end: number): void {
    const counts = this.counts, grid = this.grid, n = end - start;
    if (this.rowCounts.length < n) this.rowCounts = new Float64Array(2 * n);
    const cs = this.rowCounts;
    let minCount = Infinity;
    for (let i = 0; i < n; i++) { const c = counts[ids[start + i]]; cs[i] = c; if (c < minCount) minCount = c; }
    // from the first t >= the smallest count on, a factor (1 - t/t) = 0 makes the probability exactly 1
    let lo = 0, hi = grid.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (grid[mid] >= minCount) hi = mid; else lo = mid + 1; }
    this.certainFrom[lo]++;
    // below it every count exceeds t: keepProbability's factors are 1 - t/c, multiplied in the same order
    for (let k = 0; k < lo; k++) {
      const t = grid[k];
      let prod = 1;
      for (let i = 0; i < n; i++) prod *= 1 - t / cs[i];
      const p = 1 - prod;
      if (p === 1) this.certain[k]++;
      else this.partial[k] += p;
    }
    this.rows++;
  }

  /** E(t) at each grid point, the same bits as ExpectedSize over the same rows. */
  values(): Float64Array {
    return curveValues(this.certainFrom, this.certain, this.partial);
  }
}

/**
 * E(t) at each grid point from an accumulator's sums: rows certain at t (those certain from a lower
 * grid point on, plus those whose probability rounded to 1 there) and the others' probabilities.
 */
export function curveValues(certainFrom: ArrayLike<number>, certain: ArrayLike<number>, partial: ArrayLike<number>): Float64Array {
  const out = new Float64Array(certain.length);
  let fromBelow = 0;
  for (let k = 0; k < certain.length; k++) {
    fromBelow += certainFrom[k];
    out[k] = certain[k] + fromBelow + partial[k];
  }
  return out;
}
