/**
 * The entry-count distribution, sorted once, so every "what if t = …" figure is a binary search.
 * Used by `metacurate stats` and by the dashboard, so both print the same bits: every sum here is a
 * sum of integers (exact below 2^53) and every ratio is the same single division the reference does.
 */
import { assertP, assertT } from "./threshold";

export interface FiguresAtT {
  t: number;
  /** Entries with count > t (the ones balancing subsamples). */
  headEntries: number;
  /** Their share of all matches. */
  headShare: number;
  /** MetaCLIP's p: share of matches in entries with count < t (strict, as t_to_p). */
  tailShare: number;
  /** Entries whose count equals t. */
  entriesAtT: number;
  /** Σ_e min(count_e, t): matches left after capping every entry at t. */
  cappedMatches: number;
}

export class CountDistribution {
  /** Counts ascending, zeros included. */
  readonly sorted: Float64Array;
  /** prefix[i] = sorted[0] + … + sorted[i-1]. */
  readonly prefix: Float64Array;
  readonly total: number;
  readonly zeroEntries: number;
  readonly maxCount: number;

  constructor(counts: ArrayLike<number>) {
    this.sorted = Float64Array.from(counts).sort();
    const n = this.sorted.length;
    this.prefix = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) this.prefix[i + 1] = this.prefix[i] + this.sorted[i];
    this.total = this.prefix[n];
    this.zeroEntries = this.firstAbove(0);
    this.maxCount = n > 0 ? this.sorted[n - 1] : 0;
  }

  get entries(): number {
    return this.sorted.length;
  }

  /** Index of the first count >= x. */
  firstAtLeast(x: number): number {
    let lo = 0, hi = this.sorted.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.sorted[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** Index of the first count > x. */
  firstAbove(x: number): number {
    let lo = 0, hi = this.sorted.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.sorted[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** Σ min(count, t) over entries ranked [0, i) ascending plus the capped rest: the capped cumulative curve. */
  cappedCumulative(i: number, t: number): number {
    const cut = this.firstAbove(t);
    return i <= cut ? this.prefix[i] : this.prefix[cut] + (i - cut) * t;
  }

  /** t_to_p: identical to threshold.tToP on the same counts. */
  tailShare(t: number): number {
    assertT(t);
    if (this.total === 0) throw new RangeError("no matches: the tail share is undefined");
    return this.prefix[this.firstAtLeast(t)] / this.total;
  }

  /** p_to_t: identical to threshold.pToT (first argmin of |cumsum/sum − p|), in O(log n). */
  tForTailShare(p: number): number {
    assertP(p);
    const n = this.sorted.length;
    if (this.total === 0) throw new RangeError("no matches: t for a tail share is undefined");
    const portion = (i: number) => this.prefix[i + 1] / this.total;
    // first i whose portion >= p; portions are non-decreasing, so the argmin is there or just before.
    let lo = 0, hi = n - 1;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (portion(mid) < p) lo = mid + 1; else hi = mid; }
    let best = lo;
    if (lo > 0) {
      const below = portion(lo - 1);
      // the first index holding that same portion value (zeros and ties keep the cumsum flat)
      let first = lo - 1, a = 0, b = lo - 1;
      while (a < b) { const mid = (a + b) >>> 1; if (portion(mid) < below) a = mid + 1; else b = mid; }
      first = a;
      if (Math.abs(below - p) <= Math.abs(portion(lo) - p)) best = first;
    }
    return this.sorted[best];
  }

  figuresAt(t: number): FiguresAtT {
    assertT(t);
    const n = this.sorted.length;
    const cut = this.firstAbove(t);
    const headEntries = n - cut;
    const headMatches = this.total - this.prefix[cut];
    return {
      t,
      headEntries,
      headShare: this.total > 0 ? headMatches / this.total : 0,
      tailShare: this.total > 0 ? this.tailShare(t) : 1,
      entriesAtT: cut - this.firstAtLeast(t),
      cappedMatches: this.prefix[cut] + headEntries * t,
    };
  }
}
