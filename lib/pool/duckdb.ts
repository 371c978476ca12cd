/** Native DuckDB for the engine: offline, no extension autoloading, SQL quoting helpers. */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export type { DuckDBConnection };

/**
 * An in-memory database. `spillDir` is where DuckDB may spill what outgrows `memoryLimitGb` (DuckDB's
 * defaults: ".tmp" in the current folder, 80% of RAM); the pipeline points it into its staging folder.
 */
export async function openDuckDB(spillDir?: string, memoryLimitGb?: number): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    // the engine's COPY statements without ORDER BY rely on it (it is DuckDB's default)
    preserve_insertion_order: "true",
    ...(spillDir ? { temp_directory: spillDir } : {}),
    ...(memoryLimitGb ? { memory_limit: `${Math.round(memoryLimitGb * 1024)}MB` } : {}),
  });
  const con = await instance.connect();
  instances.set(con, instance);
  return con;
}

const instances = new WeakMap<DuckDBConnection, DuckDBInstance>();

/**
 * A second connection to the database of `con` (opened by openDuckDB): its statements run beside a
 * query still pending on `con` (an appender's flush on `con` itself fails that query).
 */
export async function anotherConnection(con: DuckDBConnection): Promise<DuckDBConnection> {
  const instance = instances.get(con);
  if (!instance) throw new Error("anotherConnection: not a connection openDuckDB opened");
  return instance.connect();
}

/** COPY options of the engine's parquet outputs: zstd. */
export const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd";

/**
 * COPY options of the outputs with a row per pool row (uids, urls, captions, entry id lists): no
 * dictionary pages. Their values rarely repeat within a row group, so DuckDB builds a dictionary
 * only to drop it, or keeps one that zstd beats (1M rows: matches.parquet 23.4 against 25.1 MB and
 * about 10% less CPU; on a pool of repeated captions 2.3 against 4.6 MB and 20% less).
 */
export const PARQUET_ROW_OPTIONS = "FORMAT parquet, COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 1";

export function sqlString(s: string): string {
  return "'" + s.replaceAll("'", "''") + "'";
}

export function sqlIdent(s: string): string {
  return '"' + s.replaceAll('"', '""') + '"';
}

/** Runs a query and returns its rows as JSON-friendly objects (BigInt → number). */
export async function queryRows(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** Whether a DuckDB column type (as DESCRIBE gives it) holds numbers. */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(type);
}
