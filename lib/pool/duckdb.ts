/** Native DuckDB for the engine: offline, no extension autoloading, SQL quoting helpers. */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export type { DuckDBConnection };

export async function openDuckDB(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  return instance.connect();
}

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
