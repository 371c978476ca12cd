// Bulk appends into DuckDB from typed arrays: every column kind the pipeline writes reads back exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BIGINT, DOUBLE, INTEGER, LIST, VARCHAR } from "@duckdb/node-api";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../lib/pool/bulkAppend";
import { openDuckDB } from "../lib/pool/duckdb";

test("fixed, text, validity and list columns read back exactly, chunk after chunk", async () => {
  const con = await openDuckDB();
  try {
    await con.run("CREATE TABLE t (i INTEGER, b BIGINT, d DOUBLE, s VARCHAR, l INTEGER[])");
    const appender = await con.createAppender("t");
    const writer = new ChunkWriter(appender, [INTEGER, BIGINT, DOUBLE, VARCHAR, LIST(INTEGER)]);
    const rows = CHUNK_ROWS + 5; // two chunks, the second short
    const expected: unknown[][] = [];
    for (let from = 0; from < rows; from += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - from);
      const ints = new Int32Array(n), bigs = new BigInt64Array(n), doubles = new Float64Array(n);
      const starts = new Int32Array(n + 1), values: number[] = [];
      const nulls: number[] = [];
      writer.begin();
      for (let k = 0; k < n; k++) {
        const r = from + k;
        ints[k] = r - 1000;
        setInt64(new Uint32Array(bigs.buffer), k, r * 4294967311 + 7); // above 2^32
        doubles[k] = r / 3;
        const text = r % 7 === 0 ? null : `row ${r}: a\u0000b 日本 😀 ${"x".repeat(r % 40)}`;
        if (text === null) nulls.push(k); else writer.text(3, k, text);
        for (let j = 0; j < r % 4; j++) values.push(r * 10 + j); // r % 4 == 0: an empty list
        starts[k + 1] = values.length;
        expected.push([r - 1000, BigInt(r * 4294967311 + 7), r / 3, text, Array.from({ length: r % 4 }, (_, j) => r * 10 + j)]);
      }
      writer.fixed(0, ints, 0, n);
      writer.fixed(1, bigs, 0, n);
      writer.fixed(2, doubles, 0, n);
      writer.validity(3, n, nulls);
      writer.intLists(4, n, starts, Int32Array.from(values));
      writer.append(n);
    }
    appender.closeSync();
    const got = (await con.runAndReadAll("SELECT i, b, d, s, l FROM t")).getRows()
      .map(([i, b, d, s, l]) => [i, b, d, s, (l as { items: number[] }).items]);
    assert.equal(got.length, rows);
    assert.deepEqual(got, expected);
  } finally {
    con.closeSync();
  }
});

test("lists of lists over several rows, and a chunk larger than DuckDB's vector is refused", async () => {
  const con = await openDuckDB();
  try {
    await con.run("CREATE TABLE g (ids INTEGER[][])");
    const appender = await con.createAppender("g");
    const writer = new ChunkWriter(appender, [LIST(LIST(INTEGER))]);
    writer.begin();
    // lists: [1, 2], [], [3, 4, 5], [6]; rows: lists 0-1, none, lists 2-3
    writer.intListsOfLists(0, 3, Int32Array.of(0, 2, 2, 4), Int32Array.of(0, 2, 2, 5, 6), Int32Array.of(1, 2, 3, 4, 5, 6));
    writer.append(3);
    writer.begin();
    // rows that start past the first list: only lists 1-2 ([], [3, 4, 5]) are written
    writer.intListsOfLists(0, 1, Int32Array.of(1, 3), Int32Array.of(0, 2, 2, 5, 6), Int32Array.of(1, 2, 3, 4, 5, 6));
    writer.append(1);
    assert.throws(() => writer.fixed(0, new Int32Array(CHUNK_ROWS + 1), 0, CHUNK_ROWS + 1), /holds 0 to 2048 rows/);
    assert.throws(() => writer.append(CHUNK_ROWS + 1), /holds 0 to 2048 rows/);
    assert.throws(() => writer.intLists(0, 2, Int32Array.of(0, 2, 9), Int32Array.of(1, 2)), /run past the 2 given/);
    assert.throws(() => writer.intListsOfLists(0, 1, Int32Array.of(0, 5), Int32Array.of(0, 2, 2, 5, 6), Int32Array.of(1, 2, 3, 4, 5, 6)), /run past the 4 given/);
    appender.closeSync();
    const got = (await con.runAndReadAll("SELECT ids FROM g")).getRows() as [{ items: { items: number[] }[] }][];
    assert.deepEqual(got.map(([ids]) => ids.items.map((l) => l.items)), [[[1, 2], []], [], [[3, 4, 5], [6]], [[], [3, 4, 5]]]);
  } finally {
    con.closeSync();
  }
});
