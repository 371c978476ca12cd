/** A workspace's parquet files read as the dashboard's worker reads them: Arrow tables, matched rows as CSR. */
import { readFileSync } from "node:fs";
import { tableFromIPC, type Table } from "apache-arrow";
import { poolRowsFromArrow } from "../../lib/filters/columnsArrow";
import type { MatchedRows } from "../../lib/filters/preview";

export async function arrow(file: string): Promise<Table> {
  const { readParquet: read } = await import("parquet-wasm/node");
  return tableFromIPC(read(readFileSync(file)).intoIPCStream());
}

export function matchedRows(table: Table): MatchedRows {
  const list = table.getChild("entry_ids")!;
  const starts = new Int32Array(table.numRows + 1), ids: number[] = [];
  for (let r = 0; r < table.numRows; r++) {
    starts[r] = ids.length;
    for (const id of list.get(r)!.toArray() as Int32Array) ids.push(Number(id));
  }
  starts[table.numRows] = ids.length;
  return { rows: table.numRows, starts, ids: Int32Array.from(ids), poolRow: poolRowsFromArrow(table)! };
}
