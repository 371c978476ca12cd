/**
 * DataComp's baseline filters (mlfoundations/datacomp baselines/apply_filter.py, as read in
 * ../shared/docs/datacomp-filters.md), one condition at a time so each can be counted. A row is kept
 * when it meets every condition of its filter. Isomorphic: the CLI's filter and the dashboard's panel
 * share these rules.
 *
 * - no_filter: every row.
 * - basic_filter: language = en (fastText top-1, newlines made spaces, no confidence cut) and
 *   len(text.split()) > min_words (2) and len(text) > min_chars (5) and min(w, h) >= min_side (200)
 *   and max(w, h) / min(w, h) <= max_aspect (3.0).
 * - clip_score: score >= τ, τ given (--threshold) or the score at position ⌊N·f⌋ of the pool's scores
 *   sorted descending (--fraction f; N counts every row, NaN last; ties at τ are all kept).
 * - laion2b: language = en (CLD3, no reliability cut) and clip_b32_similarity_score >= 0.28.
 * A null caption fails every caption condition; a missing (null) or NaN score fails the score, as
 * pandas' NaN >= τ is false; a null or 0 width or height fails the size conditions (IEEE arithmetic,
 * as numpy's: min 0 < 200, and max/0 = ∞ > 3).
 */
export const FILTER_NAMES = ["no_filter", "basic_filter", "clip_score", "laion2b"] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export const LID_ENGINES = ["fasttext", "cld3", "none"] as const;
export type LidEngine = (typeof LID_ENGINES)[number];

export const DATACOMP_DEFAULTS = { minWords: 2, minChars: 5, minSide: 200, maxAspect: 3, laion2bThreshold: 0.28 } as const;

/** DataComp's score columns, by --arch. */
export const SCORE_COLUMNS = { b32: "clip_b32_similarity_score", l14: "clip_l14_similarity_score" } as const;

export type Condition = "language" | "words" | "chars" | "min_side" | "aspect" | "score";

export interface FilterParams {
  name: FilterName;
  /** The language identifier of basic_filter (fastText) or laion2b (CLD3), or none (no language condition). */
  lid: LidEngine;
  minWords: number;
  minChars: number;
  minSide: number;
  maxAspect: number;
  /** clip_score and laion2b: the score column and its threshold (resolved from --fraction before rows are read). */
  scoreColumn: string | null;
  threshold: number | null;
}

/** The conditions a filter checks, in DataComp's order. */
export function conditionsOf(p: Pick<FilterParams, "name" | "lid">): Condition[] {
  switch (p.name) {
    case "no_filter": return [];
    case "basic_filter": return [...(p.lid === "none" ? [] : ["language" as const]), "words", "chars", "min_side", "aspect"];
    case "clip_score": return ["score"];
    case "laion2b": return [...(p.lid === "none" ? [] : ["language" as const]), "score"];
  }
}

/** What the conditions read of a row (the caption as Python counts it: lib/filters/pythonText.ts). */
export interface FilterRow {
  /** len(text.split()), or null for a null caption. */
  words: number | null;
  /** len(text), or null for a null caption. */
  chars: number | null;
  width: number | null;
  height: number | null;
  score: number | null;
  /** The language identifier's top label (e.g. "en"), when the filter has a language condition. */
  language: string | null;
}

/** Whether the row meets the condition. */
export function meets(c: Condition, row: FilterRow, p: FilterParams): boolean {
  switch (c) {
    case "language": return row.language === "en";
    case "words": return row.words !== null && row.words > p.minWords;
    case "chars": return row.chars !== null && row.chars > p.minChars;
    case "min_side": return row.width !== null && row.height !== null && Math.min(row.width, row.height) >= p.minSide;
    case "aspect": {
      if (row.width === null || row.height === null) return false;
      return Math.max(row.width, row.height) / Math.min(row.width, row.height) <= p.maxAspect;
    }
    case "score": return row.score !== null && p.threshold !== null && row.score >= p.threshold;
  }
}

/** A condition's tally: rows that fail it whatever the others say, and rows that fail it having met every condition before it. */
export interface ConditionTally { alone: number; inOrder: number }

/** Whether the row meets every condition, counting each condition it fails in `tallies` (one per condition, in order). */
export function keepsRow(conditions: readonly Condition[], row: FilterRow, p: FilterParams, tallies: ConditionTally[]): boolean {
  let keep = true;
  for (let c = 0; c < conditions.length; c++) {
    if (meets(conditions[c], row, p)) continue;
    tallies[c].alone++;
    if (keep) tallies[c].inOrder++;
    keep = false;
  }
  return keep;
}

/** DataComp's --fraction threshold: position ⌊N·f⌋ of the scores sorted descending, NaN (and null) last. */
export function fractionIndex(rows: number, fraction: number): number {
  return Math.floor(rows * fraction);
}
