/**
 * A DataComp filter previewed on a workspace's per-row columns (filter_columns.parquet), and composed
 * with balancing in either order — the numbers the dashboard's filter panel shows. The rules are
 * lib/filters/rules.ts's, so a preview counts exactly what `metacurate filter` counts on the same pool.
 * Isomorphic (the browser's worker runs it).
 */
import { InputError } from "../errors";
import { ExpectedSize, keepProbability } from "../curation/balance";
import { keepProbabilityByEntry, languageOfId, WorldwideThresholds } from "../curation/worldwideBalance";
import { conditionsOf, fractionIndex, keepsRow, type Condition, type FilterParams, type FilterRow } from "./rules";

/** Every pool row's filter inputs, in pool order. */
export interface FilterColumns {
  rows: number;
  /** len(text.split()) and len(text); -1 for a null caption. */
  words: Int32Array;
  chars: Int32Array;
  /** original_width / original_height (NaN for null); null when the pool has none. */
  width: Float64Array | null;
  height: Float64Array | null;
  /** Score columns by name (NaN for null or NaN). */
  scores: Record<string, Float64Array>;
  /** Per language identifier (fasttext, cld3): 1 where its top label is "en". */
  english: Partial<Record<"fasttext" | "cld3", Uint8Array>>;
}

export interface FilterPreview {
  rows: number;
  rowsKept: number;
  threshold: number | null;
  conditions: { condition: Condition; removedAlone: number; removedInOrder: number }[];
  /** 1 for each pool row the filter keeps. */
  kept: Uint8Array;
}

/** What a workspace's columns cannot give a filter (a missing score column, sizes or language), or null. */
export function missingInput(cols: FilterColumns, params: FilterParams): string | null {
  for (const c of conditionsOf(params)) {
    if ((c === "min_side" || c === "aspect") && (!cols.width || !cols.height)) return "the pool has no original_width / original_height columns";
    if (c === "score" && !(params.scoreColumn! in cols.scores)) return `the pool has no score column "${params.scoreColumn}"`;
    if (c === "language" && !cols.english[params.lid as "fasttext" | "cld3"]) return `no ${params.lid} language per row (metacurate columns --lid ${params.lid})`;
  }
  return null;
}

/**
 * DataComp's --fraction threshold over every row's score, as `metacurate filter` resolves it: position
 * ⌊N·f⌋ of the scores sorted descending, NaN last; an error when that position holds no score.
 */
export function fractionThreshold(scores: Float64Array, fraction: number, column: string): number {
  const n = fractionIndex(scores.length, fraction);
  const sorted = scores.filter((s) => !Number.isNaN(s)).sort((a, b) => b - a);
  if (n >= sorted.length) {
    throw new InputError(`--fraction ${fraction} keeps the top ${n.toLocaleString("en-US")} of ${scores.length.toLocaleString("en-US")} rows by "${column}", but only ${sorted.length.toLocaleString("en-US")} rows have a score; choose a fraction below ${(sorted.length / scores.length).toFixed(4)}`);
  }
  return sorted[n];
}

/** The filter over the columns: the rows each condition removes (alone, and in DataComp's order) and the rows kept. */
export function previewFilter(cols: FilterColumns, params: FilterParams, fraction?: number): FilterPreview {
  const missing = missingInput(cols, params);
  if (missing) throw new InputError(`${params.name} cannot run here: ${missing}`);
  const conditions = conditionsOf(params);
  const score = params.scoreColumn ? cols.scores[params.scoreColumn] : null;
  const resolved: FilterParams = { ...params, threshold: fraction !== undefined && score ? fractionThreshold(score, fraction, params.scoreColumn!) : params.threshold };
  const english = params.lid === "none" ? undefined : cols.english[params.lid];
  const counts = conditions.map(() => ({ alone: 0, inOrder: 0 }));
  const kept = new Uint8Array(cols.rows);
  const row: FilterRow = { words: null, chars: null, width: null, height: null, score: null, language: null };
  let rowsKept = 0;
  for (let r = 0; r < cols.rows; r++) {
    row.words = cols.words[r] < 0 ? null : cols.words[r];
    row.chars = cols.chars[r] < 0 ? null : cols.chars[r];
    row.width = cols.width && !Number.isNaN(cols.width[r]) ? cols.width[r] : null;
    row.height = cols.height && !Number.isNaN(cols.height[r]) ? cols.height[r] : null;
    row.score = score && !Number.isNaN(score[r]) ? score[r] : null;
    row.language = english ? (english[r] ? "en" : "") : null;
    if (keepsRow(conditions, row, resolved, counts)) { kept[r] = 1; rowsKept++; }
  }
  return {
    rows: cols.rows, rowsKept, threshold: resolved.threshold, kept,
    conditions: conditions.map((condition, i) => ({ condition, removedAlone: counts[i].alone, removedInOrder: counts[i].inOrder })),
  };
}

/** The matched rows: entry ids per row (CSR) and each row's position in the pool. */
export interface MatchedRows {
  rows: number;
  starts: Int32Array;
  ids: Int32Array;
  poolRow: Float64Array;
}

/** One language's part of a worldwide workspace's composition (t is English's; each language at its own). */
export interface LanguageComposition {
  lang: string;
  /** Matched rows, and those the filter keeps. */
  matched: number;
  matchedKept: number;
  /** The language's t over the workspace's counts, and over the filtered counts (null: no match). */
  t: number | null;
  tAfterFilter: number | null;
  balance: number;
  filterThenBalance: number | null;
  balanceThenFilter: number;
}

export interface Composition {
  /** Entry counts over the matched rows the filter keeps (what `curate` on filtered.parquet counts). */
  countsAfterFilter: Float64Array;
  /** Matched rows the filter keeps. */
  matchedKept: number;
  /** Expected sizes at t: balance alone, filter then balance (t over the filtered counts; null when they cannot set one), balance then filter. */
  balance: number;
  filterThenBalance: number | null;
  balanceThenFilter: number;
  /** Why filter then balance has no size: a worldwide filter that leaves English no match (its tail share sets every t). */
  filterThenBalanceProblem: string | null;
  /** Worldwide: each entry's t (its language's) over the counts and over the filtered counts (null: as above); else null. */
  entryT: Float64Array | null;
  entryTAfterFilter: Float64Array | null;
  /** Worldwide: each language's rows, t and sizes, in the workspace's language order; else null. */
  languages: LanguageComposition[] | null;
}

/**
 * The filter composed with balancing at t, in pool order with the engine's own summation, so filter
 * then balance is the expected size `curate --pool filtered.parquet --t t` records, to the bit. On a
 * worldwide workspace (its thresholds over `counts` given) t is English's and every row is balanced at
 * its language's t (lib/curation/worldwideBalance), which the filtered counts set anew for filter then balance.
 */
export function composeWithBalance(matched: MatchedRows, counts: Float64Array, kept: Uint8Array, t: number, worldwide: WorldwideThresholds | null = null): Composition {
  const { starts, ids, poolRow } = matched;
  const countsAfterFilter = new Float64Array(counts.length);
  let matchedKept = 0;
  for (let r = 0; r < matched.rows; r++) {
    if (!kept[poolRow[r]]) continue;
    matchedKept++;
    for (let k = starts[r]; k < starts[r + 1]; k++) countsAfterFilter[ids[k]]++;
  }
  if (worldwide) return composeWorldwide(matched, counts, countsAfterFilter, matchedKept, kept, t, worldwide);
  const balance = new ExpectedSize(), both = new ExpectedSize(), after = new ExpectedSize();
  for (let r = 0; r < matched.rows; r++) {
    const p = keepProbability(ids, starts[r], starts[r + 1], counts, t);
    balance.add(p);
    if (!kept[poolRow[r]]) continue;
    after.add(p);
    both.add(keepProbability(ids, starts[r], starts[r + 1], countsAfterFilter, t));
  }
  return {
    countsAfterFilter, matchedKept, balance: balance.value, filterThenBalance: both.value, balanceThenFilter: after.value,
    filterThenBalanceProblem: null, entryT: null, entryTAfterFilter: null, languages: null,
  };
}

function composeWorldwide(matched: MatchedRows, counts: Float64Array, countsAfterFilter: Float64Array, matchedKept: number, kept: Uint8Array, tEn: number, before: WorldwideThresholds): Composition {
  const { starts, ids, poolRow } = matched;
  const ranges = before.ranges;
  let after: WorldwideThresholds | null = null, problem: string | null = null;
  try {
    after = new WorldwideThresholds(ranges, countsAfterFilter);
  } catch (e) {
    problem = `after the filter, ${e instanceof Error ? e.message : String(e)}`;
  }
  const entryT = before.entryThresholds(tEn, counts.length), entryTAfter = after ? after.entryThresholds(tEn, counts.length) : null;
  const sums = () => ({ balance: new ExpectedSize(), both: new ExpectedSize(), after: new ExpectedSize() });
  const all = sums(), byLang = ranges.map(() => ({ ...sums(), matched: 0, matchedKept: 0 }));
  for (let r = 0; r < matched.rows; r++) {
    const s = starts[r], e = starts[r + 1];
    if (e === s) continue;
    const lang = byLang[languageOfId(ranges, ids[s])];
    const p = keepProbabilityByEntry(ids, s, e, counts, entryT);
    all.balance.add(p); lang.balance.add(p); lang.matched++;
    if (!kept[poolRow[r]]) continue;
    all.after.add(p); lang.after.add(p); lang.matchedKept++;
    if (entryTAfter) {
      const q = keepProbabilityByEntry(ids, s, e, countsAfterFilter, entryTAfter);
      all.both.add(q); lang.both.add(q);
    }
  }
  const tBefore = before.at(tEn), tAfter = after ? after.at(tEn) : ranges.map(() => null);
  return {
    countsAfterFilter, matchedKept, balance: all.balance.value, filterThenBalance: after ? all.both.value : null, balanceThenFilter: all.after.value,
    filterThenBalanceProblem: problem, entryT, entryTAfterFilter: entryTAfter,
    languages: ranges.map((range, i) => ({
      lang: range.lang, matched: byLang[i].matched, matchedKept: byLang[i].matchedKept, t: tBefore[i], tAfterFilter: tAfter[i],
      balance: byLang[i].balance.value, filterThenBalance: after ? byLang[i].both.value : null, balanceThenFilter: byLang[i].after.value,
    })),
  };
}
