/**
 * Loads metadata: MetaCLIP's metadata.json (a JSON array of strings), plain text (one entry per
 * line) or parquet (an `entry` column, or the only string column; optional `source`).
 * Entry id = position in the file; nothing is ever reordered or dropped, duplicates and empty
 * entries keep their ids and are reported.
 */
import { jsonErrorMessage } from "../util/jsonError";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, firstLine } from "../errors";
import { openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import { sha256Bytes, sha256Text } from "../util/files";

export interface Metadata {
  entries: string[];
  /** Source per entry (e.g. "wordnet"), when the file says. */
  sources: (string | null)[] | null;
  report: MetadataReport;
}

export interface MetadataReport {
  file: string;
  format: "json" | "txt" | "parquet";
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

export function metadataFormat(file: string): Metadata["report"]["format"] {
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

export function parseJsonMetadata(file: string, text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`metadata ${file} is not valid JSON: ${jsonErrorMessage(text, e)}`);
  }
  if (!Array.isArray(value)) throw new InputError(`metadata ${file} must be a JSON array of strings (MetaCLIP metadata.json)`);
  const bad = value.findIndex((v) => typeof v !== "string");
  if (bad >= 0) throw new InputError(`metadata ${file}: entry ${bad} is ${JSON.stringify(value[bad])?.slice(0, 40)}, not a string`);
  return value as string[];
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

/**
 * For each entry, the id of its first occurrence: an open-addressing table of ids keyed by an FNV-1a
 * hash of the UTF-16 code units, equal strings compared with ===. About 3x faster than a Map of
 * 500,000 strings, which rehashes as it grows.
 */
export function firstOccurrences(entries: readonly string[]): Int32Array {
  const first = new Int32Array(entries.length);
  let size = 1024;
  while (size < 2 * entries.length) size *= 2;
  const mask = size - 1, slots = new Int32Array(size).fill(-1);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    let h = 0x811c9dc5;
    for (let j = 0; j < e.length; j++) h = Math.imul(h ^ e.charCodeAt(j), 0x01000193);
    let at = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const id = slots[at];
      if (id < 0) { slots[at] = i; first[i] = i; break; }
      if (entries[id] === e) { first[i] = id; break; }
      at = (at + 1) & mask;
    }
  }
  return first;
}

function describe(file: string, format: MetadataReport["format"], bytes: number, fileSha256: string, entries: string[]): MetadataReport {
  const emptyIds: number[] = [];
  let emptyEntries = 0;
  const dupIds = new Map<string, number[]>();
  let duplicateEntries = 0;
  const firstIds = firstOccurrences(entries);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e === "") { emptyEntries++; if (emptyIds.length < 10) emptyIds.push(i); }
    const first = firstIds[i];
    if (first === i) continue;
    duplicateEntries++;
    const ids = dupIds.get(e);
    if (ids) ids.push(i); else if (dupIds.size < 10) dupIds.set(e, [first, i]);
  }
  return {
    file: path.resolve(file), format, bytes,
    fileSha256,
    metadataHash: sha256Text(JSON.stringify(entries)),
    entries: entries.length, emptyEntries, duplicateEntries, emptyIds,
    duplicateExamples: [...dupIds].map(([entry, ids]) => ({ entry, ids })),
  };
}
