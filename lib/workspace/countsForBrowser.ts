/**
 * A workspace's entry counts as the dashboard's first figures need them: one Arrow IPC stream of the
 * counts in entry-id order (checked: ids 0..n-1, no gaps), a few bytes per entry, so the page draws
 * before it has decoded the parquet (entry_counts.parquet follows, for the entries table). Built once
 * per file version and kept (the last few), as the page's head asks for it on every load. Node only.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { Float64, makeVector, Table, tableToIPC } from "apache-arrow";
import { openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import { InputError, firstLine } from "../errors";
import { queryEntryCounts, type EntryCountsQuery } from "./artifacts";
import { realInside } from "./confined";

export interface BrowserCounts {
  /** Arrow IPC stream: one column `count` (float64), row i = entry id i. */
  ipc: Uint8Array;
  hasSource: boolean;
}

const KEPT = 8;
const cache = new Map<string, Promise<BrowserCounts>>();

export async function countsForBrowser(dir: string): Promise<BrowserCounts> {
  const file = await realInside(dir, path.join(dir, "entry_counts.parquet"), "entry_counts.parquet");
  const s = await stat(file);
  const key = `${file}\0${s.dev}\0${s.ino}\0${s.size}\0${s.mtimeMs}`;
  let built = cache.get(key);
  if (!built) {
    built = build(file);
    cache.set(key, built);
    built.catch(() => cache.delete(key));
    while (cache.size > KEPT) cache.delete(cache.keys().next().value!);
  }
  return built;
}

async function build(file: string): Promise<BrowserCounts> {
  const con = await openDuckDB();
  try {
    let q: EntryCountsQuery;
    let hasSource: boolean;
    try {
      hasSource = (await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).some((c) => c.column_name === "source");
      q = await queryEntryCounts(con, file);
    } catch (e) {
      throw new InputError(`entry_counts.parquet is not a readable entry_counts file: ${firstLine(e)}`);
    }
    // named as the dashboard knows the file: no server path in a response
    if (q.entries === 0) throw new InputError("entry_counts.parquet has no entries");
    if (!q.idsInOrder) throw new InputError(`entry_counts.parquet: entry_id must run from 0 to ${q.entries - 1} without gaps or repeats`);
    if (q.badCounts > 0) throw new InputError(`entry_counts.parquet: ${q.badCounts} entries have a null, negative or non-integer count`);
    return { ipc: tableToIPC(new Table({ count: makeVector({ type: new Float64(), data: q.counts }) }), "stream"), hasSource };
  } finally {
    con.closeSync();
  }
}
