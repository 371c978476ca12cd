/**
 * An entry_counts table (Arrow, decoded from parquet) → counts indexed by entry id, checked at the edge.
 * Pure: the page computes its figures and charts from this while DuckDB-WASM is still starting.
 */
import { DataType, type Table } from "apache-arrow";

export const ENTRY_COUNT_COLUMNS = ["entry_id", "entry", "count"] as const;

export interface EntryCountsColumns {
  /** count of entry id i at index i */
  countsById: Float64Array;
  hasSource: boolean;
}

function numbers(table: Table, name: string, fileName: string): ArrayLike<number | bigint> {
  const col = table.getChild(name)!;
  if (!DataType.isInt(col.type) && !DataType.isFloat(col.type)) throw new Error(`${fileName}: ${name} must be an integer column (it is ${col.type})`);
  if (col.nullCount > 0) throw new Error(`${fileName}: ${col.nullCount} rows have a null ${name}`);
  return col.toArray() as ArrayLike<number | bigint>;
}

/** Errors name the file and the problem: missing columns, no rows, ids not 0..n-1, bad counts. */
export function countsFromArrow(table: Table, fileName: string): EntryCountsColumns {
  const columns = table.schema.fields.map((f) => f.name);
  const missing = ENTRY_COUNT_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) throw new Error(`${fileName} is not an entry_counts file: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (has ${columns.join(", ")})`);
  const n = table.numRows;
  if (n === 0) throw new Error(`${fileName} has no entries`);
  const ids = numbers(table, "entry_id", fileName);
  const counts = numbers(table, "count", fileName);
  const countsById = new Float64Array(n).fill(-1);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const id = Number(ids[i]);
    if (!Number.isInteger(id) || id < 0 || id >= n || countsById[id] !== -1) throw new Error(`${fileName}: entry_id must run from 0 to ${n - 1} without gaps or repeats (row ${i} has ${id})`);
    const c = Number(counts[i]);
    if (!Number.isInteger(c) || c < 0) bad++;
    countsById[id] = c;
  }
  if (bad > 0) throw new Error(`${fileName}: ${bad} entries have a negative or non-integer count`);
  return { countsById, hasSource: columns.includes("source") };
}

/** Entry text by entry id (after countsFromArrow has checked the ids). */
export function entryNamesById(table: Table): string[] {
  const ids = table.getChild("entry_id")!.toArray() as ArrayLike<number | bigint>;
  const entries = table.getChild("entry")!;
  const out = new Array<string>(table.numRows);
  let i = 0;
  for (const e of entries) out[Number(ids[i++])] = e == null ? "" : String(e);
  return out;
}
