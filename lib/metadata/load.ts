/**
 * Loads metadata: MetaCLIP's metadata.json (a JSON array of strings), plain text (one entry per
 * line) or parquet (an `entry` column, or the only string column; optional `source`).
 * Entry id = position in the file; nothing is ever reordered or dropped, duplicates and empty
 * entries keep their ids and are reported.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, firstLine } from "../errors";
import { openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import { sha256Bytes } from "../util/files";
import { readMetadataFolder, type LanguageList } from "./folder";
import { describeEntries, parseJsonMetadata } from "./entryList";

export interface Metadata {
  entries: string[];
  /** Source per entry (e.g. "wordnet"), when the file says. */
  sources: (string | null)[] | null;
  report: MetadataReport;
  /** A worldwide metadata folder's lists, in id order (lib/metadata/folder); absent for one list. */
  languages?: LanguageList[];
}

export { firstOccurrences, parseJsonMetadata } from "./entryList";

export interface MetadataReport {
  file: string;
  /** "folder": MetaCLIP 2's folder of {lang}.json lists (fileSha256 then hashes each list's file, in order). */
  format: "json" | "txt" | "parquet" | "folder";
  bytes: number;
  fileSha256: string;
  /** sha256 of the entry list as a JSON array: the same list gives the same hash in any format. */
  metadataHash: string;
  entries: number;
  emptyEntries: number;
  duplicateEntries: number;
  /** A few examples of each problem, for the user. */
  emptyIds: number[];
  duplicateExamples: { entry: string; ids: number[] }[];
}

export function metadataFormat(file: string): Exclude<MetadataReport["format"], "folder"> {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".parquet") return "parquet";
  return "txt";
}

/**
 * The last metadata loaded in this process, by its absolute path: a job's task host (bin/taskHost.ts)
 * runs task after task on the same file. Reused only when the file's bytes hash the same now.
 */
let last: Metadata | null = null;

export async function loadMetadata(file: string): Promise<Metadata> {
  const s = await stat(file).catch(() => null);
  if (!s) throw new InputError(`metadata file ${file} does not exist`);
  if (s.isDirectory()) return { ...(await readMetadataFolder(file)), sources: null };
  if (!s.isFile()) throw new InputError(`metadata ${file} is not a file`);
  const format = metadataFormat(file);
  const bytes = await readFile(file);
  const fileSha256 = sha256Bytes(bytes);
  if (last && last.report.file === path.resolve(file) && last.report.fileSha256 === fileSha256 && last.report.bytes === bytes.length) return last;
  let entries: string[];
  let sources: (string | null)[] | null = null;
  if (format === "json") entries = parseJsonMetadata(file, bytes.toString("utf8"));
  else if (format === "txt") entries = parseTextMetadata(bytes.toString("utf8"));
  else ({ entries, sources } = await readParquetMetadata(file));
  if (entries.length === 0) throw new InputError(`metadata ${file} has no entries`);
  last = { entries, sources, report: describe(file, format, bytes.length, fileSha256, entries) };
  return last;
}

/** One entry per line; a final newline does not add an entry; CRLF line ends are accepted. */
export function parseTextMetadata(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const crlf = lines.length > 0 && lines.every((l) => l.endsWith("\r"));
  return crlf ? lines.map((l) => l.slice(0, -1)) : lines;
}

async function readParquetMetadata(file: string): Promise<{ entries: string[]; sources: (string | null)[] | null }> {
  const con = await openDuckDB();
  try {
    let columns: { column_name: string; column_type: string }[];
    try {
      columns = (await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)) as typeof columns;
    } catch (e) {
      throw new InputError(`metadata ${file} is not a readable parquet file: ${firstLine(e)}`);
    }
    const names = columns.map((c) => c.column_name);
    const strings = columns.filter((c) => c.column_type === "VARCHAR").map((c) => c.column_name);
    const entryCol = names.includes("entry") ? "entry" : strings.length === 1 ? strings[0] : null;
    if (!entryCol) throw new InputError(`metadata ${file} needs an "entry" column (columns: ${names.join(", ")})`);
    const hasSource = names.includes("source") && entryCol !== "source";
    const rows = await queryRows(con, `SELECT to_json(list(CAST("${entryCol.replaceAll('"', '""')}" AS VARCHAR) ORDER BY file_row_number)) AS e,
      ${hasSource ? `to_json(list(CAST(source AS VARCHAR) ORDER BY file_row_number))` : "NULL"} AS s
      FROM read_parquet(${sqlString(file)}, file_row_number = true)`);
    const entries = JSON.parse(String(rows[0].e ?? "[]")) as (string | null)[];
    const nullAt = entries.indexOf(null);
    if (nullAt >= 0) throw new InputError(`metadata ${file}: entry ${nullAt} is null`);
    const sources = hasSource ? (JSON.parse(String(rows[0].s)) as (string | null)[]) : null;
    return { entries: entries as string[], sources };
  } finally {
    con.closeSync();
  }
}

function describe(file: string, format: MetadataReport["format"], bytes: number, fileSha256: string, entries: string[]): MetadataReport {
  return { file: path.resolve(file), format, bytes, fileSha256, ...describeEntries(entries) };
}
