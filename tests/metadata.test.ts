// Metadata loading: MetaCLIP metadata.json, plain text and parquet, with stable ids.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { firstOccurrences, loadMetadata, parseTextMetadata } from "../lib/metadata/load";
import { cli } from "./support/cli";
import { readParquet, tempDir, writeParquet } from "./support/fixtures";

const ENTRIES = ["dog", "Dog", "", "hot dog", "dog", "café", "St. Louis", "\u00a0"];

test("json, txt and parquet give the same ids, hash and duplicate/empty report", async (t) => {
  const dir = tempDir(t);
  const json = path.join(dir, "m.json");
  writeFileSync(json, JSON.stringify(ENTRIES));
  const txt = path.join(dir, "m.txt");
  writeFileSync(txt, ENTRIES.join("\n") + "\n");
  const pq = path.join(dir, "m.parquet");
  await writeParquet(pq, ENTRIES.map((entry, i) => ({ entry, source: i % 2 ? "wordnet" : "wiki" })));
  const loaded = await Promise.all([json, txt, pq].map(loadMetadata));
  for (const m of loaded) {
    assert.deepEqual(m.entries, ENTRIES);
    assert.equal(m.report.entries, 8);
    assert.equal(m.report.emptyEntries, 1);
    assert.deepEqual(m.report.emptyIds, [2]);
    assert.equal(m.report.duplicateEntries, 1);
    assert.deepEqual(m.report.duplicateExamples, [{ entry: "dog", ids: [0, 4] }]);
    assert.equal(m.report.metadataHash, loaded[0].report.metadataHash);
  }
  assert.deepEqual(loaded[2].sources, ENTRIES.map((_, i) => (i % 2 ? "wordnet" : "wiki")));
  assert.equal(loaded[0].sources, null);
});

test("text metadata: CRLF files, no trailing newline, a final newline adds no entry", () => {
  assert.deepEqual(parseTextMetadata("a\r\nb c\r\n"), ["a", "b c"]);
  assert.deepEqual(parseTextMetadata("a\nb"), ["a", "b"]);
  assert.deepEqual(parseTextMetadata("a\n\nb\n"), ["a", "", "b"]);
});

test("entry_counts.parquet keeps every entry in id order, zero counts and sources included", async (t) => {
  const dir = tempDir(t);
  const pq = path.join(dir, "m.parquet");
  await writeParquet(pq, ENTRIES.map((entry, i) => ({ entry, source: i < 4 ? "wordnet" : i === 7 ? null : "unigram" })));
  const pool = path.join(dir, "p q's pool.parquet"); // spaces and a quote in the path
  await writeParquet(pool, [{ text: "a hot dog, café." }, { text: "Dog" }, { text: "St. Louis" }]);
  const out = path.join(dir, "it's out");
  const r = cli("match", "--metadata", pq, "--pool", pool, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const rows = await readParquet(path.join(out, "entry_counts.parquet"));
  // "" matches wherever the normalised text has two spaces in a row: after "," and before "Louis"
  assert.deepEqual(rows.map((x) => [x.entry_id, x.entry, Number(x.count), x.source]), [
    [0, "dog", 1, "wordnet"], [1, "Dog", 1, "wordnet"], [2, "", 2, "wordnet"], [3, "hot dog", 1, "wordnet"],
    [4, "dog", 1, "unigram"], [5, "café", 1, "unigram"], [6, "St. Louis", 0, "unigram"], [7, "\u00a0", 0, null],
  ]);
  const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(manifest.match.metadata.duplicateEntries, 1);
  assert.match(r.stdout, /8 entries \(1 duplicate, 1 empty\)/);

  // JSON metadata can hold what parquet cannot: a lone surrogate (stored as U+FFFD) and a NUL
  const json = path.join(dir, "m.json");
  writeFileSync(json, JSON.stringify(["dog", "a\uD800b", "x\u0000y", "\u{1F600} emoji"]));
  const out2 = path.join(dir, "out2");
  assert.equal(cli("match", "--metadata", json, "--pool", pool, "--out", out2).code, 0);
  const rows2 = await readParquet(path.join(out2, "entry_counts.parquet"));
  assert.deepEqual(rows2.map((x) => [x.entry_id, x.entry, Number(x.count)]), [[0, "dog", 1], [1, "a\uFFFDb", 0], [2, "x\u0000y", 0], [3, "\u{1F600} emoji", 0]]);
});

test("firstOccurrences gives each entry the id of its first occurrence (against a Map)", () => {
  const words = ["dog", "Dog", "", "café", "cafe\u0301", "🐕", "\ud800", "a b", "New York"];
  const entries = Array.from({ length: 60_000 }, (_, i) => (i % 3 === 0 ? `${words[i % words.length]}${i % 7}` : `entry ${i}`));
  const first = firstOccurrences(entries);
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!seen.has(e)) seen.set(e, i);
    assert.equal(first[i], seen.get(e), `entry ${i} (${JSON.stringify(e)})`);
  });
  assert.ok(first.some((f, i) => f !== i), "some entries repeat");
});
