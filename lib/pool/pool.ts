/**
 * A pool: one or more parquet files of (uid, url, text) rows, read by native DuckDB.
 *
 * Row identity is (file index, row number in file). Without a uid column the uid is derived from
 * the content, as DataComp does: uid = md5 of the UTF-8 bytes of url + "\t" + text (nulls as ""),
 * 32 lowercase hex digits; identical (url, text) pairs share a uid, wherever and however the pool
 * is split into files.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError, UsageError, firstLine } from "../errors";
import { queryRows, sqlIdent, sqlString, type DuckDBConnection } from "./duckdb";
import { readFileLayout, splitPool, type RowRange } from "./poolSplit";

export interface PoolColumnFlags {
  text?: string;
  url?: string;
  uid?: string;
  /** A worldwide match's caption language column. */
  lang?: string;
}

export interface PoolOptions {
  /** Skip rows whose caption is null (counted in the manifest) instead of refusing the pool. */
  skipNullText?: boolean;
  /** Read only shard I of S (splitPool): its rows are checked; the files' columns and row counts are still read. */
  shard?: { index: number; count: number };
}

export interface PoolFile {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}

export interface Pool {
  files: PoolFile[];
  textColumn: string;
  urlColumn: string | null;
  uidColumn: string | null;
  rows: number;
  /** The rows a sharded run reads (its shard's); all rows when absent. */
  range?: RowRange;
}

const TEXT_DEFAULTS = ["text", "TEXT", "caption"];
const URL_DEFAULTS = ["url", "URL"];
const UID_DEFAULTS = ["uid"];

export const DERIVED_UID_RULE = 'md5(url || "\\t" || text), nulls as ""';

/** Checks every file, resolves the columns and counts rows; the files' sha256 are left to the caller (""). */
export async function inspectPool(con: DuckDBConnection, paths: string[], flags: PoolColumnFlags, options: PoolOptions = {}): Promise<Pool> {
  if (paths.length === 0) throw new UsageError("no pool file given (--pool FILE [FILE...])");
  const seen = new Set<string>();
  const files: PoolFile[] = [];
  let common: string[] | null = null;
  for (const p of paths) {
    const abs = path.resolve(p);
    if (seen.has(abs)) throw new UsageError(`pool file ${p} is given twice`);
    seen.add(abs);
    const s = await stat(abs).catch(() => null);
    if (!s) throw new InputError(`pool file ${p} does not exist`);
    if (!s.isFile()) throw new InputError(`pool file ${p} is not a file`);
    if (s.size === 0) throw new InputError(`pool file ${p} is empty (0 bytes), not parquet`);
    let names: string[];
    let rows: number;
    try {
      const cols = await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(abs)})`);
      names = cols.map((c) => String(c.column_name));
      rows = Number((await queryRows(con, `SELECT count(*) AS n FROM read_parquet(${sqlString(abs)})`))[0].n);
    } catch (e) {
      throw new InputError(`pool file ${p} is not a readable parquet file: ${firstLine(e)}`);
    }
    // every read numbers the rows with DuckDB's file_row_number, which a column of that name would shadow
    const reserved = names.find((n) => n.toLowerCase() === "file_row_number");
    if (reserved) throw new InputError(`pool file ${p} has a column named "${reserved}", a name DuckDB's reader keeps for the row number it adds: rename that column`);
    common = common ? common.filter((n) => names.includes(n)) : names;
    files.push({ path: abs, bytes: s.size, sha256: "", rows });
    for (const [flag, col] of Object.entries(flags)) {
      if (col !== undefined && !names.includes(col)) {
        throw new InputError(`pool file ${p} has no column "${col}" (--${flag}-col); columns: ${names.join(", ")}`);
      }
    }
  }
  const available = common ?? [];
  const pick = (given: string | undefined, defaults: string[]) => given ?? defaults.find((d) => available.includes(d)) ?? null;
  const textColumn = pick(flags.text, TEXT_DEFAULTS);
  if (!textColumn) {
    throw new InputError(`pool has no text column (looked for ${TEXT_DEFAULTS.join(", ")}; choose one with --text-col); columns: ${available.join(", ")}`);
  }
  const pool: Pool = {
    files, textColumn, urlColumn: pick(flags.url, URL_DEFAULTS), uidColumn: pick(flags.uid, UID_DEFAULTS),
    rows: files.reduce((n, f) => n + f.rows, 0),
  };
  if (pool.rows === 0) throw new InputError(`pool has no rows (${paths.join(", ")})`);
  if (options.shard) {
    const layouts = [];
    for (const f of files) layouts.push(await readFileLayout(con, f.path));
    pool.range = splitPool(layouts, options.shard.count)[options.shard.index];
  }
  if (!options.skipNullText) await checkNullTexts(con, pool, pool.range);
  if (pool.uidColumn) await checkUids(con, pool, pool.range);
  return pool;
}

/** Each file holding rows of `rows` (all files without it), with the SQL condition picking those rows. */
function filesInRange(pool: Pool, rows?: { from: number; to: number }): { file: PoolFile; where: string }[] {
  const offsets = fileOffsets(pool);
  return pool.files.flatMap((file, i) => {
    if (!rows) return [{ file, where: "true" }];
    const first = Math.max(0, rows.from - offsets[i]), end = Math.min(file.rows, rows.to - offsets[i]);
    return first < end ? [{ file, where: `file_row_number >= ${first} AND file_row_number < ${end}` }] : [];
  });
}

async function checkNullTexts(con: DuckDBConnection, pool: Pool, rows?: { from: number; to: number }): Promise<void> {
  for (const { file: f, where } of filesInRange(pool, rows)) {
    const [r] = await queryRows(con, `SELECT count(*) AS n, list(file_row_number ORDER BY file_row_number)[1:5] AS rows
      FROM read_parquet(${sqlString(f.path)}, file_row_number = true) WHERE ${sqlIdent(pool.textColumn)} IS NULL AND ${where}`);
    const n = Number(r.n);
    if (n > 0) {
      const rows = (r.rows as number[]).join(", ");
      throw new InputError(`pool file ${f.path} has ${n} null captions in column "${pool.textColumn}" (rows ${rows}${n > 5 ? ", ..." : ""}); pass --skip-null-text to skip them`);
    }
  }
}

async function checkUids(con: DuckDBConnection, pool: Pool, rows?: { from: number; to: number }): Promise<void> {
  for (const { file: f, where } of filesInRange(pool, rows)) {
    const uid = `CAST(${sqlIdent(pool.uidColumn!)} AS VARCHAR)`;
    const [r] = await queryRows(con, `SELECT count(*) FILTER (WHERE ${uid} IS NULL) AS nulls,
      count(*) FILTER (WHERE contains(${uid}, chr(10))) AS newlines FROM read_parquet(${sqlString(f.path)}, file_row_number = true) WHERE ${where}`);
    if (Number(r.nulls) > 0) throw new InputError(`pool file ${f.path}: uid column "${pool.uidColumn}" has ${r.nulls} null values`);
    if (Number(r.newlines) > 0) throw new InputError(`pool file ${f.path}: uid column "${pool.uidColumn}" has ${r.newlines} values with a line break`);
  }
}

function columnOrNull(col: string | null): string {
  return col ? `CAST(${sqlIdent(col)} AS VARCHAR)` : "CAST(NULL AS VARCHAR)";
}

export function uidSql(pool: Pool): string {
  if (pool.uidColumn) return columnOrNull(pool.uidColumn);
  return `md5(coalesce(${columnOrNull(pool.urlColumn)}, '') || chr(9) || coalesce(${columnOrNull(pool.textColumn)}, ''))`;
}

/** Position of each file's first row in the pool: files in the order given, then row order. */
export function fileOffsets(pool: Pool): number[] {
  const offsets: number[] = [];
  let n = 0;
  for (const f of pool.files) { offsets.push(n); n += f.rows; }
  return offsets;
}

/** A column the pool's files hold besides its uid, url and text (the curated set carries it). */
export interface PoolColumn {
  name: string;
  type: string;
}

/**
 * The pool's other columns (sizes, scores, labels…): those every file holds with one type, in the
 * first file's order, except the uid, url and text columns and any whose name (case aside, as DuckDB
 * compares names) is one of `taken`, the columns a curated set already has.
 */
export async function poolOtherColumns(con: DuckDBConnection, pool: Pool, taken: readonly string[]): Promise<PoolColumn[]> {
  const skip = new Set([pool.textColumn, pool.urlColumn, pool.uidColumn, ...taken].filter((c): c is string => c !== null).map((c) => c.toLowerCase()));
  let common: PoolColumn[] | null = null;
  for (const f of pool.files) {
    const cols = (await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(f.path)})`)).map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
    common = common === null ? cols : common.filter((c) => cols.some((d) => d.name === c.name && d.type === c.type));
  }
  return (common ?? []).filter((c) => !skip.has(c.name.toLowerCase()));
}

/**
 * SQL relation over the pool: pool_row (0-based position in the pool), uid, url, text (and the
 * `other` columns by their names); only the rows with pool_row in [rows.from, rows.to] when given,
 * read from the files (and row groups) holding them.
 */
export function poolRelation(pool: Pool, rows?: { from: number; to: number }, other: readonly PoolColumn[] = []): string {
  const offsets = fileOffsets(pool);
  const parts = pool.files.flatMap((f, i) => {
    const first = rows ? Math.max(0, rows.from - offsets[i]) : 0, last = rows ? Math.min(f.rows - 1, rows.to - offsets[i]) : f.rows - 1;
    if (rows && first > last) return [];
    return [`SELECT ${offsets[i]} + file_row_number AS pool_row, ${uidSql(pool)} AS uid,
      ${columnOrNull(pool.urlColumn)} AS url, ${columnOrNull(pool.textColumn)} AS "text"${other.map((c) => `, ${sqlIdent(c.name)}`).join("")}
    FROM read_parquet(${sqlString(f.path)}, file_row_number = true)${rows ? ` WHERE file_row_number BETWEEN ${first} AND ${last}` : ""}`];
  });
  // no file holds such rows: an empty relation (callers count what their joins found)
  if (parts.length === 0) return `SELECT CAST(NULL AS BIGINT) AS pool_row, CAST(NULL AS VARCHAR) AS uid, CAST(NULL AS VARCHAR) AS url, CAST(NULL AS VARCHAR) AS "text"${other.map((c) => `, CAST(NULL AS ${c.type}) AS ${sqlIdent(c.name)}`).join("")} WHERE false`;
  return parts.join("\nUNION ALL\n");
}

/**
 * SQL relation of every column of the pool's rows (files of differing columns unioned by name) and
 * __pool_row, their position in the pool; `where` (over __pool_row) picks rows.
 */
export function poolAllColumns(pool: Pool, where = "true"): string {
  const offsets = fileOffsets(pool);
  return pool.files.map((f, i) => `SELECT * FROM (SELECT ${offsets[i]} + file_row_number AS __pool_row, * EXCLUDE (file_row_number)
    FROM read_parquet(${sqlString(f.path)}, file_row_number = true)) WHERE ${where}`).join(" UNION ALL BY NAME ");
}

/** A run of consecutive rows of one file: texts joined by "\n" (their own \n, \r made spaces). */
export interface TextGroup {
  /** pool_row of the group's first row. */
  poolRow: number;
  rows: number;
  bytes: Uint8Array;
  /** The rows' uids, joined by "\n" (a uid never holds one). */
  uids: Uint8Array;
  /** Row offsets (within the group) whose text is null: they never match. */
  nullRows: number[];
  /** A worldwide match's: each row's language index (lib/pool/languages). */
  langs?: Uint16Array;
}

export const GROUP_ROWS = 8192;
const WINDOW_GROUPS = 16;

/**
 * Streams the texts (and uids) of the pool in file order as TextGroups. Memory is bounded by one
 * window (WINDOW_GROUPS groups) in flight plus the one being read ahead. The first window is
 * requested at once, so DuckDB reads it while the caller is still busy (building the automaton).
 */
export function textGroups(con: DuckDBConnection, pool: Pool, rows?: { from: number; to: number }, langIndexSql?: string): AsyncIterable<TextGroup> {
  const text = columnOrNull(pool.textColumn);
  const offsets = fileOffsets(pool);
  const windows: { file: number; start: number; end: number }[] = [];
  const windowRows = GROUP_ROWS * WINDOW_GROUPS;
  pool.files.forEach((f, file) => {
    const first = rows ? Math.max(0, rows.from - offsets[file]) : 0, end = rows ? Math.min(f.rows, rows.to - offsets[file]) : f.rows;
    for (let start = first; start < end; start += windowRows) windows.push({ file, start, end: Math.min(end, start + windowRows) });
  });
  // translate() only where there is a line break: on 1M distinct captions it cost 0.8-1.0 s of CPU, contains() a tenth of that
  const caption = `coalesce(${text}, '')`;
  const oneLine = `CASE WHEN contains(${caption}, chr(10)) OR contains(${caption}, chr(13)) THEN translate(${caption}, chr(10) || chr(13), '  ') ELSE ${caption} END`;
  const fetchWindow = async (w: (typeof windows)[number]): Promise<TextGroup[]> => {
    // groups of GROUP_ROWS counted from the window's first row (a shard may start anywhere in a file)
    const sql = `SELECT (file_row_number - ${w.start}) // ${GROUP_ROWS} AS g, count(*) AS n,
        encode(string_agg(${oneLine}, chr(10) ORDER BY file_row_number)) AS b,
        list((file_row_number - ${w.start}) % ${GROUP_ROWS} ORDER BY file_row_number) FILTER (WHERE ${text} IS NULL) AS nulls,
        encode(string_agg(${uidSql(pool)}, chr(10) ORDER BY file_row_number)) AS u
        ${langIndexSql ? `, list(CAST(${langIndexSql} AS USMALLINT) ORDER BY file_row_number) AS langs` : ""}
      FROM read_parquet(${sqlString(pool.files[w.file].path)}, file_row_number = true)
      WHERE file_row_number >= ${w.start} AND file_row_number < ${w.end}
      GROUP BY g ORDER BY g`;
    let reader;
    try {
      reader = await con.runAndReadAll(sql);
    } catch (e) {
      throw new InputError(`cannot read text column "${pool.textColumn}" of ${pool.files[w.file].path}: ${firstLine(e)}`);
    }
    const groups: TextGroup[] = [];
    for (const row of reader.getRows()) {
      const [g, n, b, nulls, u, langs] = row as [bigint, bigint, { bytes: Uint8Array } | null, { items: bigint[] } | null, { bytes: Uint8Array }, { items: number[] } | undefined];
      groups.push({
        poolRow: offsets[w.file] + w.start + Number(g) * GROUP_ROWS, rows: Number(n),
        bytes: b ? b.bytes : new Uint8Array(0),
        uids: u.bytes,
        nullRows: nulls ? nulls.items.map(Number) : [],
        ...(langs ? { langs: Uint16Array.from(langs.items) } : {}),
      });
    }
    return groups;
  };
  const fetch = (i: number): Promise<TextGroup[]> | null => {
    if (i >= windows.length) return null;
    const p = fetchWindow(windows[i]);
    p.catch(() => {}); // surfaced when awaited; never an unhandled rejection if the caller stops early
    return p;
  };
  const first = fetch(0);
  return {
    async *[Symbol.asyncIterator]() {
      let next = first;
      for (let i = 0; i < windows.length; i++) {
        const groups = await next!;
        next = fetch(i + 1);
        yield* groups;
      }
    },
  };
}
