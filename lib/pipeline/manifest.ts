/** manifest.json: what a workspace holds, how it was made, and from what. */
import { readFile } from "node:fs/promises";
import path from "node:path";
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
  automaton: { nodes: number; table_bytes: number; rss_growth_bytes: number };
  workers: number;
  /** DuckDB's memory cap for the run; beyond it DuckDB spilled to the staging folder. */
  duckdb_memory_limit_gb: number;
  /** The process's peak resident memory (MB) when matching ended, its worker threads and DuckDB included. */
  peak_rss_mb: number;
  timings_ms: Record<string, number>;
  rows_per_second: number;
}

export interface BalanceSection {
  metadata_hash: string;
  t: number;
  /** Tail share of matches at t (t_to_p); `p_requested` when t came from --p. */
  tail_share: number;
  p_requested: number | null;
  seed: number;
  draw: string;
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

export interface Manifest {
  tool: "metacurate";
  version: string;
  match: MatchSection;
  balance?: BalanceSection;
}

export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, "manifest.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(`${dir} is not a metacurate workspace: no manifest.json (run "metacurate match" first)`);
  }
  try {
    const m = JSON.parse(text) as Manifest;
    if (m.tool !== "metacurate" || !m.match) throw new Error("not a metacurate manifest");
    return m;
  } catch (e) {
    throw new InputError(`${file} is not a valid metacurate manifest: ${firstLine(e)}`);
  }
}

/** Peak resident memory of this process so far, in MB (Linux reports maxRSS in KB). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
