/**
 * Balancing a worldwide workspace (MetaCLIP 2, ../shared/docs/metaclip2-notes.md): English's t sets p,
 * English's tail share; every other language's t is p_to_t of its own counts at p; an entry's keep
 * probability uses its own language's t. Ids are workspace-wide (lib/curation/worldwideMatcher), so a
 * language is a range of ids and every matched row's ids lie in its caption's language's range.
 * Isomorphic: the CLI, the jobs and the dashboard share it.
 */
import { ExpectedSize } from "./balance";
import { CountDistribution } from "./distribution";

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

/** Every language's t for English's t, and English's tail share p. */
export class WorldwideThresholds {
  /** Each language's counts, sorted once: t_to_p and p_to_t at many t in O(log n) each, the bits of tToP and pToT. */
  readonly shares: CountDistribution[];
  readonly english: number;

  constructor(readonly ranges: readonly LanguageRange[], counts: ArrayLike<number>) {
    this.english = ranges.findIndex((r) => r.lang === ENGLISH);
    if (this.english < 0) throw new RangeError(`no English list ("${ENGLISH}"): its t sets every other language's`);
    const sub = (r: LanguageRange) => Array.prototype.slice.call(counts, r.offset, r.offset + r.entries) as number[];
    this.shares = ranges.map((r) => new CountDistribution(sub(r)));
    if (this.shares[this.english].total === 0) throw new RangeError("English has no match: its tail share, which sets every language's t, is undefined");
  }

  /** p = t_to_p(counts_en, tEn). */
  tailShare(tEn: number): number {
    return this.shares[this.english].tailShare(tEn);
  }

  /** Entries of language i with count > t (t = 0: every matched entry). */
  headEntries(i: number, t: number): number {
    const s = this.shares[i];
    return s.entries - s.firstAbove(t);
  }

  /** Each language's t (by range index): tEn for English, p_to_t of its counts otherwise, null without matches. */
  at(tEn: number): (number | null)[] {
    const p = this.tailShare(tEn);
    return this.shares.map((s, i) => (i === this.english ? tEn : s.total === 0 ? null : s.tForTailShare(p)));
  }

  /** Each entry's t: its language's (0 for a language without matches, whose entries never match). */
  entryThresholds(tEn: number, entryCount: number): Float64Array {
    const byLang = this.at(tEn);
    const out = new Float64Array(entryCount);
    this.ranges.forEach((r, i) => out.fill(byLang[i] ?? 0, r.offset, r.offset + r.entries));
    return out;
  }

  /** English's t from which nothing changes: one above English's largest count (t_to_p is 1 only there, so every language keeps all). */
  get topT(): number {
    return this.shares[this.english].maxCount + 1;
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

/**
 * E(t_en) on a grid of English's t: each row at its own language's t for each grid point, summed as
 * ExpectedSize sums (rows kept for sure counted apart, the others' probabilities added in row order).
 */
export class WorldwideSizeCurve {
  rows = 0;
  private readonly certain: Float64Array;
  private readonly partial: Float64Array;
  /** tByLang[l * grid + k]: language l's t at grid point k (0: none). */
  private readonly tByLang: Float64Array;
  private rowCounts = new Float64Array(64);

  constructor(readonly grid: readonly number[], private readonly counts: ArrayLike<number>, private readonly thresholds: WorldwideThresholds) {
    const L = thresholds.ranges.length, G = grid.length;
    this.tByLang = new Float64Array(G * L);
    grid.forEach((t, k) => thresholds.at(t).forEach((tl, l) => { this.tByLang[l * G + k] = tl ?? 0; }));
    this.certain = new Float64Array(G);
    this.partial = new Float64Array(G);
  }

  addRow(ids: ArrayLike<number>, start: number, end: number): void {
    this.rows++;
    const n = end - start;
    if (n === 0) return;
    if (n > this.rowCounts.length) this.rowCounts = new Float64Array(2 * n);
    const c = this.rowCounts;
    for (let i = 0; i < n; i++) c[i] = this.counts[ids[start + i]];
    const G = this.grid.length, base = languageOfId(this.thresholds.ranges, ids[start]) * G, tByLang = this.tByLang;
    for (let k = 0; k < G; k++) {
      const t = tByLang[base + k];
      let prod = 1;
      if (t !== 0) for (let i = 0; i < n; i++) prod *= 1 - t / (c[i] > t ? c[i] : t);
      const p = 1 - prod;
      if (p === 1) this.certain[k]++; else this.partial[k] += p;
    }
  }

  values(): Float64Array {
    return Float64Array.from(this.certain, (c, k) => c + this.partial[k]);
  }
}
