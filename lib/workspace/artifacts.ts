/** Reading a workspace's artifacts (the engine's output folder) back into the engine. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError, firstLine } from "../errors";
import { queryRows, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { GROUP_ROWS } from "../pool/pool";

export async function requireArtifact(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  if (!(await stat(file).catch(() => null))?.isFile()) throw new InputError(`${dir} has no ${name} (run "metacurate match" first)`);
  return file;
}

/** Counts in entry_id order; entry ids must be 0..n-1. */
export async function readEntryCounts(con: DuckDBConnection, dir: string): Promise<Float64Array> {
  const file = await requireArtifact(dir, "entry_counts.parquet");
  let rows;
  try {
    rows = await queryRows(con, `SELECT to_json(list(CAST(count AS DOUBLE) ORDER BY entry_id)) AS c, count(*) AS n,
      min(entry_id) AS lo, max(entry_id) AS hi, count(DISTINCT entry_id) AS d FROM read_parquet(${sqlString(file)})`);
  } catch (e) {
    throw new InputError(`${file} is not a valid entry_counts.parquet: ${firstLine(e)}`);
  }
  const { c, n, lo, hi, d } = rows[0] as { c: string; n: number; lo: number; hi: number; d: number };
  if (Number(n) === 0) throw new InputError(`${file} has no entries`);
  if (Number(lo) !== 0 || Number(hi) !== Number(n) - 1 || Number(d) !== Number(n)) throw new InputError(`${file}: entry_id must run from 0 to ${Number(n) - 1} without gaps`);
  return Float64Array.from(JSON.parse(c) as number[]);
}

/** A run of consecutive rows of matches.parquet: uids and id lists, each joined by "\n". */
export interface MatchGroup {
  firstRow: number;
  rows: number;
  uids: Uint8Array;
  ids: Uint8Array;
}

export async function* matchGroups(con: DuckDBConnection, dir: string): AsyncGenerator<MatchGroup> {
  const file = await requireArtifact(dir, "matches.parquet");
  let total: number;
  try {
    total = Number((await queryRows(con, `SELECT count(*) AS n FROM read_parquet(${sqlString(file)})`))[0].n);
  } catch (e) {
    throw new InputError(`${file} is not a valid matches.parquet: ${firstLine(e)}`);
  }
  const window = GROUP_ROWS * 16;
  const fetch = async (start: number): Promise<MatchGroup[]> => {
    const reader = await con.runAndReadAll(`SELECT file_row_number // ${GROUP_ROWS} AS g, count(*) AS n,
        encode(string_agg(uid, chr(10) ORDER BY file_row_number)) AS u,
        encode(string_agg(array_to_string(entry_ids, ' '), chr(10) ORDER BY file_row_number)) AS i
      FROM read_parquet(${sqlString(file)}, file_row_number = true)
      WHERE file_row_number >= ${start} AND file_row_number < ${start + window}
      GROUP BY g ORDER BY g`);
    return reader.getRows().map((row) => {
      const [g, n, u, i] = row as [bigint, bigint, { bytes: Uint8Array } | null, { bytes: Uint8Array } | null];
      return { firstRow: Number(g) * GROUP_ROWS, rows: Number(n), uids: u?.bytes ?? new Uint8Array(0), ids: i?.bytes ?? new Uint8Array(0) };
    });
  };
  let next = total > 0 ? fetch(0) : null;
  for (let start = 0; start < total; start += window) {
    const groups = await next!;
    next = start + window < total ? fetch(start + window) : null;
    next?.catch(() => {});
    yield* groups;
  }
}

/**
 * Visits every row of matches.parquet in order with its uid (bytes[us, ue) of `uids`) and its
 * entry ids (ids[0, n)); returns the number of rows.
 */
export async function forEachMatchRow(con: DuckDBConnection, dir: string,
  visit: (row: number, uids: Uint8Array, us: number, ue: number, ids: Int32Array, n: number) => void,
  onGroup?: (rowsDone: number) => void): Promise<number> {
  let ids = new Int32Array(64);
  let rows = 0;
  const push = (n: number, v: number) => {
    if (n === ids.length) { const x = new Int32Array(n * 2); x.set(ids); ids = x; }
    ids[n] = v;
  };
  for await (const g of matchGroups(con, dir)) {
    let us = 0, is = 0;
    for (let r = 0; r < g.rows; r++) {
      let ue = g.uids.indexOf(10, us);
      if (ue < 0) ue = g.uids.length;
      let n = 0, v = 0, any = false, i = is;
      for (; i < g.ids.length; i++) {
        const c = g.ids[i];
        if (c === 10) break;
        if (c === 32) { if (any) push(n++, v); v = 0; any = false; } else { v = v * 10 + (c - 48); any = true; }
      }
      if (any) push(n++, v);
      visit(g.firstRow + r, g.uids, us, ue, ids, n);
      us = ue + 1;
      is = i + 1;
    }
    rows += g.rows;
    onGroup?.(rows);
  }
  return rows;
}
