/**
 * t from a target size: the integer t in [1, max count] whose exact expected size E(t) is closest to
 * the target (ties: the smaller t). E is non-decreasing in t, so the search brackets the target: a
 * first pass evaluates E on a log grid over [1, max count], each later pass on evenly spaced points
 * inside the bracket, until it is one integer wide. Each pass sums every matched row (exact, the same
 * bits as ExpectedSize), so about five passes for counts up to 10^9. Isomorphic.
 */
import { SizeCurveAccumulator } from "./sizeCurve";

/** What evaluates E on a grid: SizeCurveAccumulator, or its WebAssembly twin. */
export interface SizeSums {
  addRow(ids: ArrayLike<number>, start: number, end: number): void;
  values(): Float64Array;
}

/** Visits every matched row once: its entry ids are ids[start, end). */
export type ForEachRow = (visit: (ids: ArrayLike<number>, start: number, end: number) => void) => Promise<unknown> | unknown;

export interface TargetSolution {
  t: number;
  expectedSize: number;
  /** Passes over the rows it took. */
  passes: number;
  /**
   * The largest expected size any t reaches, E(max count): every matched row kept. A target above it
   * is met by the smallest t reaching it (the `t` above), not by the target.
   */
  largest: number;
}

/** Points evaluated per pass. */
const POINTS = 64;

/**
 * `topT`: the t from which E stops growing: the largest count (every entry then keeps all its rows); a
 * worldwide workspace's is English's largest count + 1 (only above it is English's tail share 1, and so every
 * other language's t its own largest count).
 */
export async function tForTargetSize(forEachRow: ForEachRow, counts: ArrayLike<number>, target: number,
  makeSums: (grid: number[]) => SizeSums = (grid) => new SizeCurveAccumulator(grid, counts), topT?: number): Promise<TargetSolution> {
  if (!(Number.isFinite(target) && target > 0)) throw new RangeError(`a target size must be a positive number (got ${target})`);
  let maxCount = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > maxCount) maxCount = counts[i];
  if (maxCount < 1) throw new RangeError("no entry has a match, so no t reaches a target size");
  let passes = 0;
  const evaluate = async (grid: number[]): Promise<Float64Array> => {
    const sums = makeSums(grid);
    await forEachRow((ids, start, end) => sums.addRow(ids, start, end));
    passes++;
    return sums.values();
  };
  // bracket: E(lo) < goal <= E(hi); a target above every E(t) is met best by the smallest t reaching the top
  let grid = logGrid(topT ?? maxCount);
  let e = await evaluate(grid);
  const largest = e[e.length - 1];
  const goal = Math.min(target, largest);
  if (e[0] >= goal) return { t: 1, expectedSize: e[0], passes, largest };
  let k = firstAtLeast(e, goal);
  let lo = grid[k - 1], eLo = e[k - 1], hi = grid[k], eHi = e[k];
  while (hi - lo > 1) {
    grid = evenGrid(lo, hi);
    e = await evaluate(grid);
    k = firstAtLeast(e, goal);
    if (k > 0) { lo = grid[k - 1]; eLo = e[k - 1]; }
    if (k < grid.length) { hi = grid[k]; eHi = e[k]; }
  }
  return target - eLo <= eHi - target ? { t: lo, expectedSize: eLo, passes, largest } : { t: hi, expectedSize: eHi, passes, largest };
}

function firstAtLeast(e: Float64Array, target: number): number {
  let k = 0;
  while (k < e.length && e[k] < target) k++;
  return k;
}

/** 1, max count and log-spaced integers between, ascending and distinct. */
function logGrid(maxCount: number): number[] {
  const out = new Set<number>([1]);
  for (let i = 1; i < POINTS - 1; i++) out.add(Math.round(maxCount ** (i / (POINTS - 1))));
  out.add(maxCount);
  return [...out].sort((a, b) => a - b);
}

/** Integers strictly between lo and hi, evenly spaced, at most POINTS of them. */
function evenGrid(lo: number, hi: number): number[] {
  const out = new Set<number>();
  for (let i = 1; i <= POINTS; i++) {
    const t = Math.round(lo + ((hi - lo) * i) / (POINTS + 1));
    if (t > lo && t < hi) out.add(t);
  }
  if (out.size === 0) out.add(lo + 1);
  return [...out].sort((a, b) => a - b);
}
