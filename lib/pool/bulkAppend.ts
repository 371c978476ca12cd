/**
 * Bulk appends from typed arrays into DuckDB tables, without a JS value per cell.
 *
 * The node-api's value-by-value setters cost about half a microsecond a cell, more than the rest of
 * the pipeline per row. Here fixed-width columns are copied into the chunk's vectors in one call,
 * lists are written as their (offset, length) entries plus one flat child copy, and a VARCHAR is
 * assigned once per cell (callers pack many short strings into one and split them in SQL).
 */
import duckdb from "@duckdb/node-bindings";
import { DuckDBDataChunk, type DuckDBAppender, type DuckDBType } from "@duckdb/node-api";

/** DuckDB's vector size: the most rows a data chunk holds. */
export const CHUNK_ROWS = 2048;

type Fixed = Int32Array | BigInt64Array | Float64Array;

/** Stores a non-negative integer below 2^53 as int64 slot i of `words` (little-endian 32-bit halves), no BigInt. */
export function setInt64(words: Uint32Array, i: number, value: number): void {
  words[2 * i] = value >>> 0;
  words[2 * i + 1] = Math.floor(value / 4294967296);
}

export class ChunkWriter {
  private readonly chunk: DuckDBDataChunk;
  private readonly vectors: duckdb.Vector[];
  private entries = new Uint32Array(4 * CHUNK_ROWS);
  private outerEntries = new Uint32Array(4 * CHUNK_ROWS);
  private utf8 = new Uint8Array(1024);
  private readonly encoder = new TextEncoder();

  constructor(private readonly appender: DuckDBAppender, types: readonly DuckDBType[]) {
    this.chunk = DuckDBDataChunk.create(types);
    this.vectors = types.map((_, i) => duckdb.data_chunk_get_vector(this.chunk.chunk, i));
  }

  private vector(column: number): duckdb.Vector {
    return this.vectors[column];
  }

  /** Starts a chunk; fill every column for its rows (at most CHUNK_ROWS), then call append(rows). */
  begin(): void {
    duckdb.data_chunk_reset(this.chunk.chunk);
  }

  /** A fixed-width column (INTEGER, BIGINT, DOUBLE) from values[from, from + rows). */
  fixed(column: number, values: Fixed, from: number, rows: number): void {
    checkRows(rows);
    if (from + rows > values.length) throw new RangeError(`${rows} values from ${from} run past the ${values.length} given`);
    duckdb.copy_data_to_vector(this.vector(column), 0, values.buffer as ArrayBuffer, values.byteOffset + from * values.BYTES_PER_ELEMENT, rows * values.BYTES_PER_ELEMENT);
  }

  /** One VARCHAR cell; `utf8` must be valid UTF-8. */
  varchar(column: number, row: number, utf8: Uint8Array): void {
    duckdb.vector_assign_string_element_len(this.vector(column), row, utf8);
  }

  /** One VARCHAR cell from a JS string (a lone surrogate becomes U+FFFD, as UTF-8 requires). */
  text(column: number, row: number, s: string): void {
    if (this.utf8.length < 3 * s.length) this.utf8 = new Uint8Array(3 * s.length);
    const { written } = this.encoder.encodeInto(s, this.utf8);
    duckdb.vector_assign_string_element_len(this.vector(column), row, this.utf8.subarray(0, written));
  }

  /** The validity of a nullable column for this chunk: the rows in `nullRows` are NULL, the others not. */
  validity(column: number, rows: number, nullRows: readonly number[]): void {
    checkRows(rows);
    const mask = new Uint8Array(Math.ceil(rows / 64) * 8).fill(0xff);
    for (const r of nullRows) mask[r >> 3] &= ~(1 << (r & 7));
    const vector = this.vector(column);
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
  }

  /** An INTEGER[] column: row i holds values[starts[i], starts[i + 1]), i < rows. */
  intLists(column: number, rows: number, starts: Int32Array, values: Int32Array): void {
    checkRows(rows);
    writeIntLists(this.vector(column), rows, starts, values, this.entryBuffer(rows));
  }

  /**
   * An INTEGER[][] column: row i holds lists [outerStarts[i], outerStarts[i + 1]), list j being
   * values[starts[j], starts[j + 1]).
   */
  intListsOfLists(column: number, rows: number, outerStarts: Int32Array, starts: Int32Array, values: Int32Array): void {
    checkRows(rows);
    const first = outerStarts[0], lists = outerStarts[rows] - first;
    if (!(lists >= 0 && first + lists < starts.length)) throw new RangeError(`lists [${first}, ${first + lists}) run past the ${starts.length - 1} given`);
    const outer = this.vector(column);
    if (this.outerEntries.length < 4 * rows) this.outerEntries = new Uint32Array(4 * rows);
    for (let i = 0; i < rows; i++) {
      setInt64(this.outerEntries, 2 * i, outerStarts[i] - first);
      setInt64(this.outerEntries, 2 * i + 1, outerStarts[i + 1] - outerStarts[i]);
    }
    duckdb.copy_data_to_vector(outer, 0, this.outerEntries.buffer as ArrayBuffer, 0, rows * 16);
    duckdb.list_vector_reserve(outer, lists);
    duckdb.list_vector_set_size(outer, lists);
    writeIntLists(duckdb.list_vector_get_child(outer), lists, starts.subarray(first, first + lists + 1), values, this.entryBuffer(lists));
  }

  append(rows: number): void {
    checkRows(rows);
    duckdb.data_chunk_set_size(this.chunk.chunk, rows);
    this.appender.appendDataChunk(this.chunk);
  }

  private entryBuffer(n: number): Uint32Array {
    if (this.entries.length < 4 * n) this.entries = new Uint32Array(4 * n);
    return this.entries;
  }
}

/** The raw copies write into vectors of CHUNK_ROWS slots: more would write past them. */
function checkRows(rows: number): void {
  if (!(rows >= 0 && rows <= CHUNK_ROWS)) throw new RangeError(`a data chunk holds 0 to ${CHUNK_ROWS} rows (got ${rows})`);
}

/** Fills a list vector: entry i is (offset, length) as two uint64, written as 32-bit halves. */
function writeIntLists(vector: duckdb.Vector, rows: number, starts: Int32Array, values: Int32Array, entries: Uint32Array): void {
  const base = starts[0], total = starts[rows] - base;
  if (!(total >= 0 && base + total <= values.length)) throw new RangeError(`list values [${base}, ${base + total}) run past the ${values.length} given`);
  for (let i = 0; i < rows; i++) {
    setInt64(entries, 2 * i, starts[i] - base);
    setInt64(entries, 2 * i + 1, starts[i + 1] - starts[i]);
  }
  duckdb.copy_data_to_vector(vector, 0, entries.buffer as ArrayBuffer, 0, rows * 16);
  duckdb.list_vector_reserve(vector, total);
  duckdb.list_vector_set_size(vector, total);
  if (total > 0) duckdb.copy_data_to_vector(duckdb.list_vector_get_child(vector), 0, values.buffer as ArrayBuffer, values.byteOffset + base * 4, total * 4);
}
