/** `metacurate stats`: the distribution of a workspace and, at a t (or p), what balancing does. */
import { ExpectedSize, keepProbability } from "../curation/balance";
import { CountDistribution } from "../curation/distribution";
import { entryProbability } from "../curation/threshold";
import { keepProbabilityByEntry, languageOfId, WorldwideThresholds } from "../curation/worldwideBalance";
import { InputError, firstLine } from "../errors";
import { openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import { forEachMatchRow, readEntryCounts, requireArtifact } from "../workspace/artifacts";
import { resolveT, validateBalanceOptions } from "./balance";
import { languageCounts } from "./match";
import { readManifest } from "../workspace/artifacts";

export interface StatsOptions {
  t?: number;
  p?: number;
  top?: number;
}

export interface TopEntry {
  entry_id: number;
  /** A worldwide workspace's: the entry's language. */
  lang?: string;
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

/** A worldwide workspace's language, at English's t when one is given. */
export interface LanguageStats {
  lang: string;
  /** Its t at English's t (null: no t given, or the language has no match). */
  t: number | null;
  rows: number;
  rows_matched: number;
  entries: number;
  /** Matches: the sum of its entries' counts. */
  matches: number;
  /** Exact expected curated rows of this language at its t (null without a t). */
  expected_size: number | null;
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
  /** At English's t in a worldwide workspace (tail share and head entries are English's; the expected size is every language's). */
  at_t: AtT | null;
  /** A worldwide workspace's languages, in id order. */
  languages?: LanguageStats[];
}

export async function computeStats(dir: string, opts: StatsOptions): Promise<Stats> {
  validateBalanceOptions(opts, false);
  const manifest = await readManifest(dir);
  const con = await openDuckDB();
  try {
    const counts = await readEntryCounts(con, dir);
    const ranges = manifest.match.languages ?? null;
    let worldwide: WorldwideThresholds | null = null;
    if (ranges) {
      try { worldwide = new WorldwideThresholds(ranges, counts); } catch (e) { if (opts.t !== undefined || opts.p !== undefined) throw new InputError(`no t for this worldwide workspace: ${firstLine(e)}`); }
    }
    // a worldwide workspace's t is English's: its distribution gives t for --p, the tail share and the head
    const tCounts = worldwide ? worldwide.englishCounts(counts) : counts;
    const dist = new CountDistribution(tCounts);
    const all = worldwide ? new CountDistribution(counts) : dist;
    const top = opts.top ?? 20;
    const file = await requireArtifact(dir, "entry_counts.parquet");
    const topRows = await queryRows(con, `SELECT entry_id, entry, count FROM read_parquet(${sqlString(file)}) ORDER BY count DESC, entry_id LIMIT ${top}`);
    let atT: AtT | null = null;
    let entryT: Float64Array | null = null;
    const byLang = ranges ? ranges.map(() => ({ rows: 0, expected: new ExpectedSize() })) : [];
    const hasT = opts.t !== undefined || opts.p !== undefined;
    if (hasT) {
      const t = resolveT(tCounts, opts);
      const f = dist.figuresAt(t);
      entryT = worldwide ? worldwide.entryThresholds(t, counts.length) : null;
      const sum = new ExpectedSize();
      const rows = await forEachMatchRow(dir, (_row, _u, _us, _ue, ids, is, ie) => {
        const p = entryT ? keepProbabilityByEntry(ids, is, ie, counts, entryT) : keepProbability(ids, is, ie, counts, t);
        sum.add(p);
        if (ranges && ie > is) byLang[languageOfId(ranges, ids[is])].expected.add(p);
      });
      const expected = sum.value;
      atT = {
        t, p_requested: opts.p ?? null, tail_share: f.tailShare,
        head_entries: f.headEntries, head_share: f.headShare, entries_at_t: f.entriesAtT,
        capped_matches: f.cappedMatches,
        expected_size: expected, keep_rate: rows > 0 ? expected / rows : 0,
        t_from_p_of_tail_share: dist.total > 0 ? dist.tForTailShare(f.tailShare) : t,
      };
    }
    const tOfLang = worldwide && atT ? worldwide.at(atT.t) : null;
    const languages: LanguageStats[] | undefined = ranges?.map((l, i) => {
      const matches = languageCounts(l, counts).total_count;
      return { lang: l.lang, t: tOfLang ? tOfLang[i] : null, rows: l.rows, rows_matched: l.rows_matched, entries: l.entries, matches,
        expected_size: atT ? byLang[i].expected.value : null };
    });
    return {
      workspace: dir,
      metadata_hash: manifest.match.metadata.metadataHash,
      rows_read: manifest.match.rows_read,
      rows_matched: manifest.match.rows_matched,
      entries: counts.length,
      zero_count_entries: all.zeroEntries,
      total_matches: all.total,
      max_count: all.maxCount,
      top_entries: topRows.map((r) => {
        const id = Number(r.entry_id);
        return {
          entry_id: id, ...(ranges ? { lang: ranges[languageOfId(ranges, id)].lang } : {}), entry: String(r.entry), count: Number(r.count),
          ...(atT ? { p_e: entryT ? (entryT[id] === 0 ? 0 : entryProbability(Number(r.count), entryT[id])) : entryProbability(Number(r.count), atT.t) } : {}),
        };
      }),
      at_t: atT,
      ...(languages ? { languages } : {}),
    };
  } finally {
    con.closeSync();
  }
}
