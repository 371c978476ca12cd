// The page's edge checks: entry_counts columns and ids, and a metadata.json opened beside them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tableFromArrays, type Table } from "apache-arrow";
import { countsFromArrow, entryNamesById } from "../lib/browser/entryCounts";
import { metadataHash, metadataMismatch, parseMetadataJson } from "../lib/browser/metadataCheck";
import { sha256Text } from "../lib/util/files";

const arrow = (columns: Record<string, unknown>): Table => tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]) as unknown as Table;
const table = (ids: number[], counts: number[], extra: Record<string, unknown[]> = {}) =>
  arrow({ entry_id: Int32Array.from(ids), entry: ids.map((i) => `e${i}`), count: Float64Array.from(counts), ...extra });

test("counts come back indexed by entry id, whatever the row order", () => {
  const t = table([2, 0, 1], [5, 7, 0]);
  assert.deepEqual(Array.from(countsFromArrow(t, "x.parquet").countsById), [7, 0, 5]);
  assert.deepEqual(entryNamesById(t), ["e0", "e1", "e2"]);
  assert.equal(countsFromArrow(t, "x.parquet").hasSource, false);
  assert.equal(countsFromArrow(table([0], [1], { source: ["wordnet"] }), "x.parquet").hasSource, true);
  // 64-bit ids and counts (what the engine writes) work too
  const big = arrow({ entry_id: BigInt64Array.from([1n, 0n]), entry: ["b", "a"], count: BigInt64Array.from([3n, 4n]) });
  assert.deepEqual(Array.from(countsFromArrow(big, "big.parquet").countsById), [4, 3]);
});

test("bad entry_counts tables are refused with the file named", () => {
  assert.throws(() => countsFromArrow(arrow({ entry_id: Int32Array.from([0]), count: Int32Array.from([1]) }), "a.parquet"), /a\.parquet is not an entry_counts file: missing column entry/);
  assert.throws(() => countsFromArrow(table([], []), "b.parquet"), /b\.parquet has no entries/);
  assert.throws(() => countsFromArrow(table([0, 2], [1, 1]), "c.parquet"), /c\.parquet: entry_id must run from 0 to 1 without gaps or repeats \(row 1 has 2\)/);
  assert.throws(() => countsFromArrow(table([0, 0], [1, 1]), "d.parquet"), /without gaps or repeats/);
  assert.throws(() => countsFromArrow(table([0, 1], [1, -3]), "e.parquet"), /e\.parquet: 1 entries have a negative or non-integer count/);
  assert.throws(() => countsFromArrow(table([0, 1], [1.5, 2]), "f.parquet"), /non-integer count/);
  assert.throws(() => countsFromArrow(arrow({ entry_id: Int32Array.from([0]), entry: ["a"], count: ["many"] }), "g.parquet"), /g\.parquet: count must be an integer column/);
});

test("a metadata.json must be the list the counts were made from; its hash is the engine's", async () => {
  const list = ["dog", "St. Louis", "café", "\ud800", "😀"];
  assert.deepEqual(parseMetadataJson(JSON.stringify(list), "m.json"), list);
  assert.equal(await metadataHash(list), sha256Text(JSON.stringify(list)));
  assert.throws(() => parseMetadataJson("{", "m.json"), /m\.json is not valid JSON/);
  assert.throws(() => parseMetadataJson('{"a": 1}', "m.json"), /m\.json must be a JSON array of strings/);
  assert.throws(() => parseMetadataJson('["a", 3]', "m.json"), /m\.json: entry 1 is not a string/);
  assert.equal(metadataMismatch(list, (i) => list[i], 5, "m.json", "c.parquet"), null);
  assert.match(metadataMismatch(list, (i) => list[i], 4, "m.json", "c.parquet")!, /m\.json has 5 entries but c\.parquet has 4/);
  assert.match(metadataMismatch(list, (i) => (i === 2 ? "cafe" : list[i]), 5, "m.json", "c.parquet")!, /differs from c\.parquet at entry 2 \("café" vs "cafe"\)/);
});
