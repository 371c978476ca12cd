/**
 * manifest.json: what a workspace holds, how it was made, and from what. Written by the pipeline,
 * read by the CLI, the server and the browser (isomorphic; readManifest in artifacts.ts reads a file).
 */
import { InputError, firstLine } from "../errors";
import type { MetadataReport } from "../metadata/load";
import type { PoolFile } from "../pool/pool";

export const TOOL_VERSION = "0.1.0";

export interface MatchSection {
  metadata: MetadataReport;
  pool: { files: PoolFile[]; columns: { text: string; url: string | null; uid: string | null }; uid: string };
  rows_read: number;
  rows_null_text: number;
  rows_matched: number;
  total_matches: number;
  entries: number;
  entries_matched: number;
  zero_count_entries: number;
  max_count: number;
  total_count: number;
  size_curve_points: number;
  automaton: { nodes: number; table_bytes: number; rss_growth_bytes: number; from_cache?: boolean };
  workers: number;
  /** DuckDB's memory cap for the run; beyond it DuckDB spilled to the staging folder. */
  duckdb_memory_limit_gb: number;
  /** The process's peak resident memory (MB) when matching ended, its worker threads and DuckDB included. */
  peak_rss_mb: number;
  timings_ms: Record<string, number>;
  rows_per_second: number;
  /** A worldwide match (metadata: a folder of {lang}.json lists): each language's list and rows, in id order. */
  languages?: LanguageSection[];
  /** Where a worldwide match's caption languages came from. */
  language_source?: {
    /** The pool column the languages were read from, or the language-ID model (package, version) that guessed them (languages.parquet). */
    column?: string;
    lid?: string;
    map: { file: string; sha256: string; labels: number } | null;
    rows_other: number;
  };
  /** A sharded job's match task: shard `index` of `count`, pool rows [rows_from, rows_to); files outside it have sha256 "". */
  shard?: { index: number; count: number; rows_from: number; rows_to: number };
}

export interface LanguageSection {
  lang: string;
  /** Workspace-wide id of the list's first entry: entry_id = offset + the id in {lang}.json. */
  offset: number;
  entries: number;
  /** Rows read whose caption is in this language. */
  rows: number;
  rows_matched: number;
  /** Matches (sum of the language's entry counts). */
  total_count: number;
  entries_matched: number;
  max_count: number;
  metadata: { file: string; fileSha256: string; metadataHash: string; emptyEntries: number; duplicateEntries: number };
}

/** A worldwide balance, per language: t from English's tail share (null: the language has no match). */
export interface BalanceLanguage {
  lang: string;
  t: number | null;
  tail_share: number | null;
  rows_matched: number;
  rows_kept: number;
  expected_size: number;
}

export interface BalanceSection {
  metadata_hash: string;
  t: number;
  /** Tail share of matches at t (t_to_p); `p_requested` when t came from --p. */
  tail_share: number;
  p_requested: number | null;
  /** --target-size when t came from it: t is the integer whose exact expected size is closest. */
  target_size_requested?: number | null;
  seed: number;
  draw: string;
  /** A worldwide workspace's: t above is English's; every language's t, from English's tail share. */
  languages?: BalanceLanguage[];
  rows_matched: number;
  rows_kept: number;
  expected_size: number;
  keep_rate: number;
  subset_npy: boolean;
  source: string;
  duckdb_memory_limit_gb: number;
  /** The process's peak resident memory (MB) when balancing ended (in `curate`, the whole run's). */
  peak_rss_mb: number;
  timings_ms: Record<string, number>;
}

/** A sharded job's reduce: the global t (resolved from t, p or a target size over all shards) and E(t). */
export interface ReduceSection {
  t: number;
  tail_share: number;
  p_requested: number | null;
  target_size_requested: number | null;
  seed: number;
  /** Exact E(t) over every matched row of the pool, summed in pool order (the single process's bits). */
  expected_size: number;
  /** A worldwide pool's: each language's E at its t, in the match section's language order, summed the same way. */
  languages_expected_size?: number[];
  rows_matched: number;
  shards: ShardSummary[];
  timings_ms: Record<string, number>;
}

export interface ShardSummary {
  rows_from: number;
  rows_to: number;
  rows_matched: number;
  /** Set once the shard is balanced (in the merged workspace). */
  rows_kept?: number;
  match_ms: number;
  balance_ms?: number;
}

export interface Manifest {
  tool: "metacurate";
  version: string;
  match: MatchSection;
  balance?: BalanceSection;
  /** In a sharded job's reduce folder. */
  reduce?: ReduceSection;
  /** In a workspace a sharded job merged: how the pool was split. */
  shards?: ShardSummary[];
  /** When `metacurate columns` added filter_columns.parquet (the filter panel's per-row columns). */
  filter_columns?: FilterColumnsSection;
}

export interface FilterColumnsSection {
  rows: number;
  /** The files the columns were read from (the workspace's pool, or the same rows with more columns). */
  pool: PoolFile[];
  /** The pool's image size columns (written as original_width / original_height), or null. */
  size_columns: { width: string; height: string } | null;
  score_columns: string[];
  language_ids: { engine: string; model: string }[];
  timings_ms: Record<string, number>;
}

/** A manifest's text, checked to be a metacurate manifest; `where` names it in errors. */
export function parseManifest(text: string, where: string): Manifest {
  try {
    const m = JSON.parse(text) as Manifest;
    if (m.tool !== "metacurate" || !m.match) throw new Error("not a metacurate manifest");
    return m;
  } catch (e) {
    throw new InputError(`${where} is not a valid metacurate manifest: ${firstLine(e)}`);
  }
}
