/** `metacurate stats`: the distribution of a workspace and, at a t (or p), what balancing does. */
import { ExpectedSize, keepProbability } from "../curation/balance";
import { CountDistribution } from "../curation/distribution";
import { entryProbability } from "../curation/threshold";
import { openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import { forEachMatchRow, readEntryCounts, requireArtifact } from "../workspace/artifacts";
import { resolveT, validateBalanceOptions } from "./balance";
import { readManifest } from "../workspace/artifacts";

export interface StatsOptions {
  t?: number;
  p?: number;
  top?: number;
}

export interface TopEntry {
  entry_id: number;
  entry: string;
  count: number;
  p_e?: number;
}

export interface AtT {
  t: number;
  p_requested: number | null;
  tail_share: number;
  head_entries: number;
  head_share: number;
  entries_at_t: number;
  capped_matches: number;
  expected_size: number;
  keep_rate: number;
  t_from_p_of_tail_share: number;
}

export interface Stats {
  workspace: string;
  metadata_hash: string;
  rows_read: number;
  rows_matched: number;
  entries: number;
  zero_count_entries: number;
  total_matches: number;
  max_count: number;
  top_entries: TopEntry[];
  at_t: AtT | null;
}

export async function computeStats(dir: string, opts: StatsOptions): Promise<Stats> {
  validateBalanceOptions(opts, false);
  const manifest = await readManifest(dir);
  const con = await openDuckDB();
  try {
    const counts = await readEntryCounts(con, dir);
    const dist = new CountDistribution(counts);
    const top = opts.top ?? 20;
    const file = await requireArtifact(dir, "entry_counts.parquet");
    const topRows = await queryRows(con, `SELECT entry_id, entry, count FROM read_parquet(${sqlString(file)}) ORDER BY count DESC, entry_id LIMIT ${top}`);
    let atT: AtT | null = null;
    const hasT = opts.t !== undefined || opts.p !== undefined;
    if (hasT) {
      const t = resolveT(counts, opts);
      const f = dist.figuresAt(t);
      const sum = new ExpectedSize();
      const rows = await forEachMatchRow(dir, (_row, _u, _us, _ue, ids, is, ie) => sum.add(keepProbability(ids, is, ie, counts, t)));
      const expected = sum.value;
      atT = {
        t, p_requested: opts.p ?? null, tail_share: f.tailShare,
        head_entries: f.headEntries, head_share: f.headShare, entries_at_t: f.entriesAtT,
        capped_matches: f.cappedMatches,
        expected_size: expected, keep_rate: rows > 0 ? expected / rows : 0,
        t_from_p_of_tail_share: dist.total > 0 ? dist.tForTailShare(f.tailShare) : t,
      };
    }
    return {
      workspace: dir,
      metadata_hash: manifest.match.metadata.metadataHash,
      rows_read: manifest.match.rows_read,
      rows_matched: manifest.match.rows_matched,
      entries: counts.length,
      zero_count_entries: dist.zeroEntries,
      total_matches: dist.total,
      max_count: dist.maxCount,
      top_entries: topRows.map((r) => ({
        entry_id: Number(r.entry_id), entry: String(r.entry), count: Number(r.count),
        ...(atT ? { p_e: entryProbability(Number(r.count), atT.t) } : {}),
      })),
      at_t: atT,
    };
  } finally {
    con.closeSync();
  }
}
