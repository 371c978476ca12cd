/**
 * filter_columns.parquet (written by `metacurate columns`) read from an Arrow table into the typed
 * arrays a preview runs on, and matches.parquet's pool_row column. Isomorphic: the browser's worker
 * reads the files with parquet-wasm, the tests with its Node build.
 */
import type { Table, Vector } from "apache-arrow";
import type { FilterColumns } from "./preview";

const LANGUAGE_IDS = ["fasttext", "cld3"] as const;

function numbers(col: Vector, fileName: string, name: string, nullAs: number): Float64Array {
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col.get(i) as number | bigint | null;
    if (v === null) { out[i] = nullAs; continue; }
    const x = Number(v);
    if (typeof v !== "number" && typeof v !== "bigint") throw new Error(`${fileName}: column ${name} holds ${typeof v}, not numbers`);
    out[i] = x;
  }
  return out;
}

export function filterColumnsFromArrow(table: Table, fileName: string): FilterColumns {
  const col = (name: string) => table.getChild(name);
  const words = col("caption_words"), chars = col("caption_chars");
  if (!words || !chars) throw new Error(`${fileName} has no caption_words / caption_chars columns (columns: ${table.schema.fields.map((f) => f.name).join(", ")}); it is written by metacurate columns`);
  const rows = table.numRows;
  const w = col("original_width"), h = col("original_height");
  const scores: FilterColumns["scores"] = {};
  for (const f of table.schema.fields) if (f.name.endsWith("_score")) scores[f.name] = numbers(col(f.name)!, fileName, f.name, NaN);
  const english: FilterColumns["english"] = {};
  for (const id of LANGUAGE_IDS) {
    const lang = col(`language_${id}`);
    if (!lang) continue;
    const en = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) en[i] = lang.get(i) === "en" ? 1 : 0;
    english[id] = en;
  }
  return {
    rows,
    words: Int32Array.from(numbers(words, fileName, "caption_words", -1)),
    chars: Int32Array.from(numbers(chars, fileName, "caption_chars", -1)),
    width: w ? numbers(w, fileName, "original_width", NaN) : null,
    height: h ? numbers(h, fileName, "original_height", NaN) : null,
    scores, english,
  };
}

/** Each matched row's position in the pool (matches.parquet's pool_row), or null when the file has none. */
export function poolRowsFromArrow(table: Table): Float64Array | null {
  const col = table.getChild("pool_row");
  if (!col) return null;
  const out = new Float64Array(table.numRows);
  for (let i = 0; i < out.length; i++) out[i] = Number(col.get(i));
  return out;
}
