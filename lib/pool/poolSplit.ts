/**
 * How a sharded job splits a pool: S contiguous ranges of pool rows, cut between files when there
 * are at least S files, else between parquet row groups (so a single large file is split too), else
 * also inside row groups every CUT_ROWS rows (a small file of one row group: each shard then reads
 * the whole group and keeps its rows).
 * A pure function of the files' row counts and row-group sizes, so every task of a job (and a
 * rerun) computes the same ranges from the pool alone.
 */
import { InputError, UsageError } from "../errors";
import { queryRows, sqlString, type DuckDBConnection } from "./duckdb";

/** Rows [from, to) of the pool (positions in the pool: files in order, then row order). */
export interface RowRange {
  from: number;
  to: number;
}

/** The finest cut inside a row group (the matcher's group of rows). */
export const CUT_ROWS = 8192;

export interface FileLayout {
  rows: number;
  /** Row counts of the file's row groups, in order (they sum to rows). */
  rowGroups: number[];
}

/** The S ranges; cut points are the ones nearest to equal shares among the allowed boundaries. */
export function splitPool(files: FileLayout[], count: number): RowRange[] {
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`the number of shards must be a positive integer (got ${count})`);
  const total = files.reduce((n, f) => n + f.rows, 0);
  const fileBounds: number[] = [];
  const groupBounds: number[] = [];
  const fineBounds: number[] = [];
  let at = 0;
  for (const f of files) {
    let inFile = at;
    for (const g of f.rowGroups) {
      for (let c = CUT_ROWS; c < g; c += CUT_ROWS) fineBounds.push(inFile + c);
      inFile += g;
      if (inFile < at + f.rows) groupBounds.push(inFile);
    }
    at += f.rows;
    if (at < total && f.rows > 0) fileBounds.push(at);
  }
  const tiers = [fileBounds, [...fileBounds, ...groupBounds], [...fileBounds, ...groupBounds, ...fineBounds]].map((t) => [...new Set(t)].sort((a, b) => a - b));
  const candidates = tiers.find((t) => t.length >= count - 1) ?? tiers[2];
  if (candidates.length < count - 1) {
    throw new UsageError(`the pool cannot be split into ${count} shards: its ${total} rows in ${files.length} file(s) allow at most ${candidates.length + 1} (cut between files, row groups or every ${CUT_ROWS} rows)`);
  }
  // cut i goes to the candidate nearest i·total/S, leaving enough candidates for the cuts after it
  const cuts: number[] = [];
  let next = 0;
  for (let i = 1; i < count; i++) {
    const target = (i * total) / count;
    const last = candidates.length - (count - i); // the latest candidate this cut may take
    let best = next;
    for (let c = next; c <= last; c++) if (Math.abs(candidates[c] - target) < Math.abs(candidates[best] - target)) best = c;
    cuts.push(candidates[best]);
    next = best + 1;
  }
  const bounds = [0, ...cuts, total];
  return bounds.slice(0, -1).map((from, i) => ({ from, to: bounds[i + 1] }));
}

/** A parquet file's row-group sizes, from its footer. */
export async function readFileLayout(con: DuckDBConnection, file: string): Promise<FileLayout> {
  let rows;
  try {
    rows = await queryRows(con, `SELECT row_group_id AS g, any_value(row_group_num_rows) AS n
      FROM parquet_metadata(${sqlString(file)}) GROUP BY row_group_id ORDER BY row_group_id`);
  } catch (e) {
    throw new InputError(`pool file ${file} is not a readable parquet file: ${(e as Error).message.split("\n")[0]}`);
  }
  const rowGroups = rows.map((r) => Number(r.n));
  return { rows: rowGroups.reduce((a, b) => a + b, 0), rowGroups };
}
