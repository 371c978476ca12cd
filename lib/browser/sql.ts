/**
 * SQL the dashboard runs in DuckDB-WASM, as pure builders (tested against native DuckDB on engine
 * outputs). Tables: `entries` (entry_id, entry, count, source) made from an entry_counts parquet.
 */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * entries from the raw table: typed columns, source when the file has one, and the entry lower-cased
 * once for search (contains() on it is several times faster than ILIKE).
 */
export function createEntriesSql(raw: string, hasSource: boolean): string {
  return `CREATE OR REPLACE TABLE entries AS SELECT CAST(entry_id AS INTEGER) AS entry_id, CAST(entry AS VARCHAR) AS entry,
    CAST(count AS BIGINT) AS count, ${hasSource ? "CAST(source AS VARCHAR)" : "CAST(NULL AS VARCHAR)"} AS source,
    lower(CAST(entry AS VARCHAR)) AS entry_lower FROM ${raw}`;
}

/** MetaCLIP Table 13 count bands (paper scale: 5.6B matches in Pool 1). */
export const PAPER_BANDS = [0, 10_000, 20_000, 50_000, 100_000, 500_000, 1_000_000, 50_000_000] as const;
export const PAPER_TOTAL_MATCHES = 5.6e9;

/** A count band of this pool: its lower edge, and the paper's bands it stands for (several when they scale to less than one count apart). */
export interface ScaledBand {
  lower: number;
  paper: number[];
}

/**
 * MetaCLIP's bands scaled to a pool with `totalMatches` matches. Paper bands whose scaled edges round
 * to the same count are one band here (never an empty "1–1" per paper band, never one dropped).
 */
export function scaledBands(totalMatches: number): ScaledBand[] {
  const scale = totalMatches / PAPER_TOTAL_MATCHES;
  const out: ScaledBand[] = [];
  PAPER_BANDS.forEach((b, i) => {
    const lower = i === 0 ? 0 : Math.round(b * scale);
    const last = out[out.length - 1];
    if (last && lower <= last.lower) last.paper.push(i);
    else out.push({ lower, paper: [i] });
  });
  return out;
}

/** A worldwide workspace's language: its entries are the ids [offset, offset + entries). */
export interface IdRange { offset: number; entries: number }

function inRange(range: IdRange | null | undefined, where = "WHERE"): string {
  return range ? `${where} entry_id >= ${Math.floor(range.offset)} AND entry_id < ${Math.floor(range.offset + range.entries)}` : "";
}

/** Per count band: entries, matches before balancing, and Σ min(count, t) after. `lower` ascending from 0. */
export function bandTableSql(lower: readonly number[], t: number, range?: IdRange | null): string {
  const cases = lower.map((lo, i) => `WHEN count >= ${lo}${i + 1 < lower.length ? ` AND count < ${lower[i + 1]}` : ""} THEN ${i}`).join(" ");
  return `SELECT band::INTEGER AS band, count(*)::INTEGER AS entries, sum(count)::DOUBLE AS before, sum(least(count, ${Number(t)}))::DOUBLE AS after
    FROM (SELECT CASE ${cases} END AS band, count FROM entries ${inRange(range)}) GROUP BY band ORDER BY band`;
}

/** Per metadata source: entries, zero-count entries, matches before, Σ min(count, t) after. */
export function sourceTableSql(t: number, range?: IdRange | null): string {
  return `SELECT coalesce(source, '(none)') AS source, count(*)::INTEGER AS entries, count(*) FILTER (WHERE count = 0)::INTEGER AS zero,
    sum(count)::DOUBLE AS before, sum(least(count, ${Number(t)}))::DOUBLE AS after
    FROM entries ${inRange(range)} GROUP BY ALL ORDER BY before DESC, source`;
}

export type EntrySort = "count" | "entry" | "entry_id";

export interface EntryQuery {
  search: string;
  sort: EntrySort;
  desc: boolean;
  /** A worldwide workspace's language filter: its range of ids. */
  range?: IdRange | null;
}

/** Case-insensitive literal substring (no wildcards), within a language's ids when given. */
function entryFilter(search: string, range?: IdRange | null): string {
  const conditions = [search ? `contains(entry_lower, lower(${sqlString(search)}))` : "", inRange(range, "")].filter(Boolean);
  return conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
}

function entryOrder(q: EntryQuery): string {
  const dir = q.desc ? "DESC" : "ASC";
  return q.sort === "entry_id" ? `entry_id ${dir}` : `${q.sort} ${dir}, entry_id ASC`;
}

/** One window of the (filtered, sorted) entries table; `total` on every row is the number of matching entries. */
export function entryPageSql(q: EntryQuery, offset: number, limit: number): string {
  return `SELECT entry_id, entry, count::DOUBLE AS count, source, (count(*) OVER ())::INTEGER AS total FROM entries ${entryFilter(q.search, q.range)}
    ORDER BY ${entryOrder(q)} LIMIT ${Math.max(0, Math.floor(limit))} OFFSET ${Math.max(0, Math.floor(offset))}`;
}

/** Every matching entry id in display order: fetched once per search/sort, so any window is a lookup by id. */
export function entryOrderSql(q: EntryQuery): string {
  return `SELECT entry_id FROM entries ${entryFilter(q.search, q.range)} ORDER BY ${entryOrder(q)}`;
}

export function entriesByIdSql(ids: readonly number[]): string {
  const list = ids.filter((i) => Number.isInteger(i) && i >= 0).join(", ");
  return `SELECT entry_id, entry, count::DOUBLE AS count, source FROM entries WHERE entry_id IN (${list || "NULL"}) ORDER BY entry_id`;
}

/** The entry whose text is exactly `text` (matching is case-sensitive, so is this). */
export function entryByTextSql(text: string): string {
  return `SELECT entry_id FROM entries WHERE entry = ${sqlString(text)} ORDER BY entry_id LIMIT 1`;
}
