/** Reading a workspace's artifacts (the engine's output folder) back into the engine. */
import { openAsBlob } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { ParquetFile } from "parquet-wasm/node";
import path from "node:path";
import { InputError, firstLine } from "../errors";
import { queryRows, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { parseManifest, type Manifest } from "./manifest";

export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, "manifest.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(`${dir} is not a metacurate workspace: no manifest.json (run "metacurate match" first)`);
  }
  return parseManifest(text, file);
}

export async function requireArtifact(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  if (!(await stat(file).catch(() => null))?.isFile()) throw new InputError(`${dir} has no ${name} (run "metacurate match" first)`);
  return file;
}

/** Counts in entry_id order; entry ids must be 0..n-1. */
export async function readEntryCounts(con: DuckDBConnection, dir: string): Promise<Float64Array> {
  const file = await requireArtifact(dir, "entry_counts.parquet");
  let q: EntryCountsQuery;
  try {
    q = await queryEntryCounts(con, file);
  } catch (e) {
    throw new InputError(`${file} is not a valid entry_counts.parquet: ${firstLine(e)}`);
  }
  if (q.entries === 0) throw new InputError(`${file} has no entries`);
  if (!q.idsInOrder) throw new InputError(`${file}: entry_id must run from 0 to ${q.entries - 1} without gaps`);
  return q.counts;
}

export interface EntryCountsQuery {
  /** The counts in entry_id order. */
  counts: Float64Array;
  entries: number;
  /** entry_id runs 0..entries-1, each once. */
  idsInOrder: boolean;
  /** Counts that are null, negative or not integers. */
  badCounts: number;
}

/** An entry_counts.parquet's counts and what checks them, in one query; DuckDB's error as it comes (callers name the file as they show it). */
export async function queryEntryCounts(con: DuckDBConnection, file: string): Promise<EntryCountsQuery> {
  const [r] = await queryRows(con, `SELECT to_json(list(CAST(count AS DOUBLE) ORDER BY entry_id)) AS c, count(*) AS n,
    min(entry_id) AS lo, max(entry_id) AS hi, count(DISTINCT entry_id) AS d,
    count(*) FILTER (WHERE count IS NULL OR count < 0 OR count <> floor(count)) AS bad FROM read_parquet(${sqlString(file)})`);
  const entries = Number(r.n);
  return {
    counts: Float64Array.from((JSON.parse(String(r.c)) as number[] | null) ?? []),
    entries,
    idsInOrder: Number(r.lo) === 0 && Number(r.hi) === entries - 1 && Number(r.d) === entries,
    badCounts: Number(r.bad),
  };
}

/** Arrow offsets (32- or 64-bit) as numbers. */
type Offsets = Int32Array | BigInt64Array;

/**
 * Visits every row of matches.parquet in order with its uid (the UTF-8 bytes uids[us, ue)) and its
 * entry ids (ids[is, ie)); returns the number of rows. Read with parquet-wasm one row group at a time
 * straight into Arrow buffers (memory: one row group), several times faster than through DuckDB rows.
 */
export async function forEachMatchRow(dir: string,
  visit: (row: number, uids: Uint8Array, us: number, ue: number, ids: Int32Array, is: number, ie: number) => void,
  onGroup?: (rowsDone: number) => void): Promise<number> {
  const file = await requireArtifact(dir, "matches.parquet");
  const bad = (why: string) => new InputError(`${file} is not a valid matches.parquet: ${why}`);
  // loaded here, not at start-up: only the commands that read matches back need them
  const [{ DataType, tableFromIPC }, wasm] = await Promise.all([import("apache-arrow"), import("parquet-wasm/node")]);
  let pf: ParquetFile;
  try {
    pf = await wasm.ParquetFile.fromFile(await openAsBlob(file));
  } catch (e) {
    throw bad(firstLine(e));
  }
  let row = 0;
  try {
    const groups = pf.metadata().numRowGroups();
    for (let g = 0; g < groups; g++) {
      let table;
      try {
        table = tableFromIPC((await pf.read({ rowGroups: [g], columns: ["uid", "entry_ids"], batchSize: 1 << 16 })).intoIPCStream());
      } catch (e) {
        throw bad(firstLine(e));
      }
      for (const batch of table.batches) {
        const uid = batch.getChild("uid")?.data[0], list = batch.getChild("entry_ids")?.data[0];
        if (!uid || !list || !DataType.isUtf8(uid.type) && !DataType.isLargeUtf8(uid.type) || !DataType.isList(list.type)) throw bad("it needs a uid (text) and an entry_ids (list) column");
        if (uid.nullCount > 0 || list.nullCount > 0) throw bad(`a row near ${row} has a null uid or entry_ids`);
        const child = list.children[0];
        const uo = uid.valueOffsets as Offsets, lo = list.valueOffsets as Offsets, bytes = uid.values as Uint8Array;
        const raw = child.values as Int32Array | BigInt64Array;
        if (child.nullCount > 0 || !(raw instanceof Int32Array || raw instanceof BigInt64Array)) throw bad("entry_ids must be a list of non-null integers");
        const ids = raw instanceof Int32Array ? raw : Int32Array.from(raw, Number);
        for (let r = 0; r < batch.numRows; r++) visit(row++, bytes, Number(uo[r]), Number(uo[r + 1]), ids, Number(lo[r]), Number(lo[r + 1]));
      }
      onGroup?.(row);
    }
  } finally {
    pf.free();
  }
  return row;
}
