/**
 * The expected curated size E(t) = sum over matched rows (in row order) of keepProbability, on a
 * log-spaced grid of t. Exact: every row counts, nothing is sampled.
 */
import { keepProbability } from "./balance";

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
  readonly sums: Float64Array;
  rows = 0;

  constructor(readonly grid: readonly number[], private readonly counts: ArrayLike<number>) {
    this.sums = new Float64Array(grid.length);
  }

  /** Adds one matched row whose ids are ids[start, end). */
  addRow(ids: ArrayLike<number>, start: number, end: number): void {
    const counts = this.counts, grid = this.grid, sums = this.sums;
    let minCount = Infinity;
    for (let i = start; i < end; i++) if (counts[ids[i]] < minCount) minCount = counts[ids[i]];
    for (let k = 0; k < grid.length; k++) {
      // t >= the smallest count gives a factor (1 - 1) = 0, so keepProbability is exactly 1
      sums[k] += grid[k] >= minCount ? 1 : keepProbability(ids, start, end, counts, grid[k]);
    }
    this.rows++;
  }
}
