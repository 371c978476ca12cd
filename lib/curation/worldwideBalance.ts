/**
 * Balancing a worldwide workspace (MetaCLIP 2, ../shared/docs/metaclip2-notes.md): English's t sets p,
 * English's tail share; every other language's t is p_to_t of its own counts at p; an entry's keep
 * probability uses its own language's t. Ids are workspace-wide (lib/curation/worldwideMatcher), so a
 * language is a range of ids and every matched row's ids lie in its caption's language's range.
 * Isomorphic: the CLI, the jobs and the dashboard share it.
 */
import { ExpectedSize } from "./balance";
import { assertP, assertT } from "./threshold";

export interface LanguageRange {
  lang: string;
  /** Workspace-wide id of the list's first entry. */
  offset: number;
  entries: number;
}

export const ENGLISH = "en";

/** Index of the language whose range holds `id` (ranges in id order, back to back). */
export function languageOfId(ranges: readonly LanguageRange[], id: number): number {
  let lo = 0, hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid].offset <= id) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * One language's counts sorted once, so t_to_p and p_to_t at many points cost a binary search each and
 * give the same bits as tToP / pToT (lib/curation/threshold): integer sums are exact in any order.
 */
export class SortedShares {
  readonly sorted: Float64Array;
  readonly total: number;
  private readonly cum: Float64Array;

  constructor(counts: ArrayLike<number>) {
    this.sorted = Float64Array.from(counts as ArrayLike<number>).sort();
    this.cum = new Float64Array(this.sorted.length);
    let s = 0;
    for (let i = 0; i < this.sorted.length; i++) { s += this.sorted[i]; this.cum[i] = s; }
    this.total = s;
  }

  /** Index of the first sorted count >= t. */
  private firstAtLeast(t: number): number {
    let lo = 0, hi = this.sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.sorted[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** t_to_p: the share of matches on entries with count < t. */
  tailShare(t: number): number {
    assertT(t);
    if (this.total === 0) throw new RangeError("no matches: the tail share is undefined");
    const i = this.firstAtLeast(t);
    return (i === 0 ? 0 : this.cum[i - 1]) / this.total;
  }

  /** Entries with count > t. */
  headEntries(t: number): number {
    let lo = 0, hi = this.sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.sorted[mid] <= t) lo = mid + 1; else hi = mid; }
    return this.sorted.length - lo;
  }

  /** p_to_t: the count at the first argmin of |cumsum / total − p|. */
  tForShare(p: number): number {
    assertP(p);
    if (this.total === 0) throw new RangeError("no matches: t for a tail share is undefined");
    const n = this.sorted.length, d = (i: number) => Math.abs(this.cum[i] / this.total - p);
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.cum[mid] / this.total < p) lo = mid + 1; else hi = mid; }
    if (lo === n) return this.sorted[n - 1];
    if (lo === 0) return this.sorted[0];
    // equal shares before lo are runs of zero counts: the first of them holds the same count
    return d(lo) < d(lo - 1) ? this.sorted[lo] : this.sorted[lo - 1];
  }
}

export interface LanguageThreshold {
  lang: string;
  /** null: the language has no match, so no t. */
  t: number | null;
}

/** Every language's t for English's t, and English's tail share p. */
export class WorldwideThresholds {
  readonly shares: SortedShares[];
  readonly english: number;

  constructor(readonly ranges: readonly LanguageRange[], counts: ArrayLike<number>) {
    this.english = ranges.findIndex((r) => r.lang === ENGLISH);
    if (this.english < 0) throw new RangeError(`no English list ("${ENGLISH}"): its t sets every other language's`);
    const sub = (r: LanguageRange) => Array.prototype.slice.call(counts, r.offset, r.offset + r.entries) as number[];
    this.shares = ranges.map((r) => new SortedShares(sub(r)));
    if (this.shares[this.english].total === 0) throw new RangeError("English has no match: its tail share, which sets every language's t, is undefined");
  }

  /** p = t_to_p(counts_en, tEn). */
  tailShare(tEn: number): number {
    return this.shares[this.english].tailShare(tEn);
  }

  /** Each language's t (by range index): tEn for English, p_to_t of its counts otherwise, null without matches. */
  at(tEn: number): (number | null)[] {
    const p = this.tailShare(tEn);
    return this.shares.map((s, i) => (i === this.english ? tEn : s.total === 0 ? null : s.tForShare(p)));
  }

  /** Each entry's t: its language's (0 for a language without matches, whose entries never match). */
  entryThresholds(tEn: number, entryCount: number): Float64Array {
    const byLang = this.at(tEn);
    const out = new Float64Array(entryCount);
    this.ranges.forEach((r, i) => out.fill(byLang[i] ?? 0, r.offset, r.offset + r.entries));
    return out;
  }

  /** English's counts: a worldwide workspace's t is English's. */
  englishCounts(counts: Float64Array): Float64Array {
    const en = this.ranges[this.english];
    return counts.subarray(en.offset, en.offset + en.entries);
  }
}

/**
 * keepProbability with each entry's own t: 1 − ∏ (1 − t_e / max(count_e, t_e)), over the ids in
 * ascending order. t_e = 0 (MetaCLIP 2's p_to_t landing on a zero count) keeps nothing of its language.
 */
export function keepProbabilityByEntry(ids: ArrayLike<number>, start: number, end: number, counts: ArrayLike<number>, entryT: ArrayLike<number>): number {
  let prod = 1;
  for (let i = start; i < end; i++) {
    const id = ids[i], c = counts[id], t = entryT[id];
    prod *= t === 0 ? 1 : 1 - t / (c > t ? c : t);
  }
  return 1 - prod;
}

/** E(t_en) on a grid of English's t: each row at its own language's t for each grid point, summed as ExpectedSize. */
export class WorldwideSizeCurve {
  rows = 0;
  private readonly sums: ExpectedSize[];
  /** tByLang[k * languages + l]: language l's t at grid point k (0: none). */
  private readonly tByLang: Float64Array;

  constructor(readonly grid: readonly number[], private readonly counts: ArrayLike<number>, private readonly thresholds: WorldwideThresholds) {
    const L = thresholds.ranges.length;
    this.tByLang = new Float64Array(grid.length * L);
    grid.forEach((t, k) => thresholds.at(t).forEach((tl, l) => { this.tByLang[k * L + l] = tl ?? 0; }));
    this.sums = grid.map(() => new ExpectedSize());
  }

  addRow(ids: ArrayLike<number>, start: number, end: number): void {
    this.rows++;
    if (end === start) return;
    const ranges = this.thresholds.ranges, L = ranges.length, l = languageOfId(ranges, ids[start]);
    for (let k = 0; k < this.grid.length; k++) {
      const t = this.tByLang[k * L + l];
      let prod = 1;
      for (let i = start; i < end; i++) { const c = this.counts[ids[i]]; prod *= t === 0 ? 1 : 1 - t / (c > t ? c : t); }
      this.sums[k].add(1 - prod);
    }
  }

  values(): Float64Array {
    return Float64Array.from(this.sums, (s) => s.value);
  }
}
