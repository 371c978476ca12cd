// The fast matcher against a brute-force implementation of the spec (`" " + entry + " "` in
// spacing(text)), on generated captions (always) and on the 10,000 real LAION captions with a
// metadata of over 90,000 entries (when ../shared is present), through the whole `match` command.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { buildAutomaton, TokenMatcher } from "../lib/curation/automaton";
import { spacing } from "../lib/curation/normalize";
import { cli } from "./support/cli";
import { LAION_10K, LAION_SKIP, laionCaptions, readParquet, tempDir, writeParquet } from "./support/fixtures";
import { list100k, TRICKY_ENTRIES } from "./support/metadataLists";

function bruteForceAll(texts: string[], entries: string[]): number[][] {
  const padded = entries.map((e) => " " + e + " ");
  return texts.map((text) => {
    const n = spacing(text);
    const ids: number[] = [];
    for (let e = 0; e < padded.length; e++) if (padded[e].length <= n.length && n.includes(padded[e])) ids.push(e);
    return ids;
  });
}

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 2 ** 32; };
}

function generatedCorpus(seed: number, count: number): { texts: string[]; entries: string[] } {
  const next = rng(seed);
  const words = ["dog", "Dog", "hot", "a", "A", "of", "the", "photo", "café", "cafe\u0301", "東京", "😀", "T-shirt", "St", "Louis",
    "U.S.", "e.g", "red", "car", "New", "York", "x86-64", "Dog's", "(dog)", "", "\u00a0", "ß", "\ud800", "\udc00", "1", "100"];
  const seps = [" ", " ", " ", "  ", "\t", "\n", "\r", ",", ".", ";", ":", "?", "!", "`", ", ", ". ", "\u00a0", "\f", "-", "/"];
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(next() * 14);
    let s = next() < 0.2 ? pick(seps) : "";
    for (let k = 0; k < n; k++) s += pick(words) + (k < n - 1 || next() < 0.3 ? pick(seps) : "");
    texts.push(s);
  }
  const entries = new Set<string>(TRICKY_ENTRIES);
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(next() * 3);
    entries.add(Array.from({ length: n }, () => pick(words)).join(next() < 0.9 ? " " : "  "));
  }
  for (const t of texts.slice(0, 300)) for (const piece of spacing(t).split(" ")) entries.add(piece);
  return { texts, entries: [...entries] };
}

test("generated captions with every tricky character: matcher = brute force", () => {
  for (const seed of [1, 2, 3]) {
    const { texts, entries } = generatedCorpus(seed, 3000);
    const matcher = new TokenMatcher(buildAutomaton(entries));
    const expected = bruteForceAll(texts, entries);
    let matched = 0;
    texts.forEach((text, i) => {
      const got = matcher.matchText(text);
      matched += got.length;
      assert.deepEqual(got, expected[i], `seed ${seed}, caption ${i}: ${JSON.stringify(text)}`);
    });
    assert.ok(matched > texts.length, "the generated corpus must actually produce matches");
  }
});

test("real LAION captions, >= 90,000 entries: match command = brute force, row by row", { skip: LAION_SKIP, timeout: 600_000 }, async (t) => {
  const captions = await laionCaptions();
  const entries = await list100k(captions);
  assert.ok(entries.length >= 90_000);
  for (const e of ["St. Louis", "U.S.", "T-shirt", "Dog's", "café", "e.g."]) assert.ok(entries.includes(e), e);
  const expected = bruteForceAll(captions, entries);

  // the string API
  const matcher = new TokenMatcher(buildAutomaton(entries));
  captions.forEach((c, i) => assert.deepEqual(matcher.matchText(c), expected[i], `caption ${i}: ${JSON.stringify(c)}`));

  // the whole pipeline: parquet → DuckDB → worker threads → matches.parquet
  const dir = tempDir(t);
  const metadata = path.join(dir, "metadata.json");
  writeFileSync(metadata, JSON.stringify(entries));
  const out = path.join(dir, "ws");
  const r = cli("match", "--metadata", metadata, "--pool", LAION_10K, "--out", out, "--workers", "2");
  assert.equal(r.code, 0, r.stderr);
  const rows = await readParquet(path.join(out, "matches.parquet"));
  const pool = await readParquet(LAION_10K);
  const matchedRows = expected.flatMap((ids, i) => (ids.length > 0 ? [{ i, ids }] : []));
  assert.equal(rows.length, matchedRows.length);
  rows.forEach((row, k) => {
    const { i, ids } = matchedRows[k];
    assert.deepEqual(row.entry_ids, ids, `row ${i}`);
    const uid = createHash("md5").update(`${pool[i].URL ?? ""}\t${pool[i].TEXT ?? ""}`).digest("hex");
    assert.equal(row.uid, uid, `uid of row ${i}`);
    assert.equal(Number(row.pool_row), i, `pool_row of row ${i}`);
  });
  const counts = new Array(entries.length).fill(0);
  for (const ids of expected) for (const id of ids) counts[id]++;
  const countRows = await readParquet(path.join(out, "entry_counts.parquet"));
  assert.equal(countRows.length, entries.length);
  countRows.forEach((row, id) => {
    assert.equal(row.entry_id, id);
    assert.equal(Number(row.count), counts[id], `count of ${JSON.stringify(entries[id])}`);
  });
  assert.equal(Number(countRows[entries.indexOf("St. Louis")].count), 0);
});

test("a pool with 1 MB captions, CJK, emoji and odd whitespace goes through the match command exactly", async (t) => {
  const dir = tempDir(t);
  const { texts, entries } = generatedCorpus(9, 400);
  texts.push("red car ".repeat(140_000), "東京 😀 café\u00a0x", "");
  // parquet strings are UTF-8, so a lone surrogate can only reach a pool as U+FFFD
  const rows = texts.map((text, i) => ({ uid: i.toString(16).padStart(32, "0"), url: `http://x/${i}`, text: text.toWellFormed() }));
  const pool = path.join(dir, "pool.parquet");
  await writeParquet(pool, rows);
  const metadata = path.join(dir, "m.json");
  const all = [...entries, "red car"];
  writeFileSync(metadata, JSON.stringify(all));
  const out = path.join(dir, "ws");
  const r = cli("match", "--metadata", metadata, "--pool", pool, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const expected = bruteForceAll(rows.map((r) => r.text), all);
  const got = await readParquet(path.join(out, "matches.parquet"));
  const want = expected.flatMap((ids, i) => (ids.length ? [{ uid: rows[i].uid, entry_ids: ids, pool_row: String(i) }] : []));
  assert.deepEqual(got, want);
});

test("deeply nested entries (walks thousands of tokens deep, thousands of matches per text) match exactly", () => {
  const entries = Array.from({ length: 3000 }, (_, k) => Array(k + 1).fill("a").join(" "));
  entries.push("b a", "a b", "a a b");
  const tables = buildAutomaton(entries);
  assert.equal(tables.maxDepth, 3000);
  const matcher = new TokenMatcher(tables);
  const texts = ["a", "a a a b a", Array(50).fill("a").join(" ") + " b a a", "b a, a a b", Array(3100).fill("a").join(" ")];
  const expected = bruteForceAll(texts, entries);
  texts.forEach((text, i) => assert.deepEqual(matcher.matchText(text), expected[i], `text ${i}`));
});

test("the matcher runs where SharedArrayBuffer is absent (a page without cross-origin isolation)", async () => {
  const saved = globalThis.SharedArrayBuffer;
  try {
    // @ts-expect-error: simulating a browser page that does not expose SharedArrayBuffer
    delete globalThis.SharedArrayBuffer;
    const tables = buildAutomaton(["hot dog", "dog", "T-shirt"]);
    assert.ok(!(tables.edgeTable.buffer instanceof saved));
    assert.deepEqual(new TokenMatcher(tables).matchText("a hot dog, T-shirt"), [0, 1, 2]);
  } finally {
    globalThis.SharedArrayBuffer = saved;
  }
});

test("the kernel's line scan finds every line break, across 16-byte blocks, and refuses a wrong count", () => {
  const matcher = new TokenMatcher(buildAutomaton(["dog"]));
  const lines = ["", "a", "x".repeat(15), "y".repeat(16), "", "z".repeat(33), "é日本😀", ""];
  const bytes = new TextEncoder().encode(lines.join("\n"));
  const expected: number[] = [];
  bytes.forEach((b, i) => { if (b === 10) expected.push(i); });
  assert.deepEqual(Array.from(matcher.lineEnds(bytes, lines.length - 1)), expected);
  matcher.setTexts(bytes);
  assert.deepEqual(Array.from(matcher.textLineEnds(lines.length - 1)), expected);
  assert.throws(() => matcher.lineEnds(bytes, lines.length - 2), /hold 7 line breaks, expected 6/);
  assert.throws(() => matcher.lineEnds(bytes, 3), /hold more than 4 line breaks, expected 3/);
  assert.throws(() => matcher.lineEnds(bytes, lines.length), /hold 7 line breaks, expected 8/);
  // the scan's scratch is given back zeroed: matching afterwards is unaffected
  assert.deepEqual(matcher.matchText("a dog"), [0]);
});

test("kernel-side counts: each text counts an entry once; takeCounts adds them up and starts again", () => {
  const matcher = new TokenMatcher(buildAutomaton(["dog", "hot dog", "cat"]));
  matcher.countInKernel();
  const counts = new Float64Array(3);
  matcher.matchText("dog dog hot dog");
  matcher.matchText("a cat");
  matcher.takeCounts(counts);
  assert.deepEqual(Array.from(counts), [1, 1, 1]);
  matcher.matchText("dog");
  matcher.takeCounts(counts);
  assert.deepEqual(Array.from(counts), [2, 1, 1]);
});
