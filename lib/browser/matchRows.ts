/** Matched rows as compressed sparse rows: ids of row r are ids[starts[r] .. starts[r+1]). */
import type { Table } from "apache-arrow";

export interface MatchRows {
  rows: number;
  starts: Int32Array;
  ids: Int32Array;
}

/** The entry_ids list column of a matches table, without making a JS object per row. */
export function matchRowsFromArrow(table: Table, fileName: string): MatchRows {
  const col = table.getChild("entry_ids");
  if (!col) throw new Error(`${fileName} has no entry_ids column (columns: ${table.schema.fields.map((f) => f.name).join(", ")})`);
  if (col.type.typeId !== 12 /* List */) throw new Error(`${fileName}: entry_ids is ${String(col.type)}, expected a list of integers`);
  const rows = table.numRows;
  let total = 0;
  for (const data of col.data) {
    const vo = data.valueOffsets as Int32Array;
    total += vo[data.offset + data.length] - vo[data.offset];
  }
  const starts = new Int32Array(rows + 1);
  const ids = new Int32Array(total);
  let r = 0, k = 0;
  for (const data of col.data) {
    const vo = data.valueOffsets as Int32Array;
    const child = data.children[0];
    const values = child.values as ArrayLike<number | bigint>;
    if (!values || typeof (values as { length?: number }).length !== "number") throw new Error(`${fileName}: entry_ids holds no integers`);
    for (let i = 0; i < data.length; i++) {
      if (data.nullCount > 0 && !data.getValid(data.offset + i)) throw new Error(`${fileName}: row ${r} has a null entry_ids list`);
      starts[r] = k;
      const a = child.offset + vo[data.offset + i], b = child.offset + vo[data.offset + i + 1];
      for (let j = a; j < b; j++) ids[k++] = Number(values[j]);
      r++;
    }
  }
  starts[rows] = k;
  return { rows, starts, ids };
}
