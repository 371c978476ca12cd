/** Test fixtures: real parquet written by native DuckDB, temp folders, the shared LAION sample. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDuckDB, sqlString } from "../../lib/pool/duckdb";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const LAION_10K = path.resolve(REPO, "../shared/data/laion-10k.parquet");
export const hasLaion = existsSync(LAION_10K);
export const LAION_SKIP = hasLaion ? false : `../shared/data/laion-10k.parquet is absent (tests on real captions skipped)`;

export function tempDir(t: { after: (fn: () => void) => void }, prefix = "mc-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export type Row = Record<string, string | number | number[] | null>;

/** Writes rows to a parquet file through DuckDB (columns typed VARCHAR unless numeric). */
export async function writeParquet(file: string, rows: Row[], columnTypes?: Record<string, string>): Promise<void> {
  const con = await openDuckDB();
  try {
    const json = file + ".ndjson";
    writeFileSync(json, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const cols = columnTypes ?? Object.fromEntries(Object.keys(rows[0] ?? { text: "" }).map((k) => [k, "VARCHAR"]));
    const spec = "{" + Object.entries(cols).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(", ") + "}";
    const source = rows.length === 0
      ? `SELECT ${Object.entries(cols).map(([k, v]) => `CAST(NULL AS ${v}) AS "${k}"`).join(", ")} LIMIT 0`
      : `SELECT * FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = ${spec})`;
    await con.run(`COPY (${source}) TO ${sqlString(file)} (FORMAT parquet)`);
    rmSync(json);
  } finally {
    con.closeSync();
  }
}

/** The captions of the shared LAION sample, in file order (nulls as ""). */
export async function laionCaptions(): Promise<string[]> {
  const con = await openDuckDB();
  try {
    const r = await con.runAndReadAll(`SELECT TEXT FROM read_parquet(${sqlString(LAION_10K)}, file_row_number = true) ORDER BY file_row_number`);
    return r.getRows().map((x) => String(x[0] ?? ""));
  } finally {
    con.closeSync();
  }
}

/** Reads all rows of a parquet file as JSON-friendly objects, in file order. */
export async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const con = await openDuckDB();
  try {
    const r = await con.runAndReadAll(`SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(file)}, file_row_number = true) ORDER BY file_row_number`);
    return r.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    con.closeSync();
  }
}
