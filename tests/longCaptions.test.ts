// Captions of any length match exactly as the spec says: 200k to 3M characters, alone and in one
// group, through the whole `match` command (worker threads, kernel-side counts) and through the
// matcher itself, where chunk edges fall inside matches of long entries.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { BATCH_BYTES, buildAutomaton, TokenMatcher } from "../lib/curation/automaton";
import { spacing } from "../lib/curation/normalize";
import { cli } from "./support/cli";
import { readParquet, tempDir, writeParquet } from "./support/fixtures";

function bruteForce(text: string, entries: string[]): number[] {
  const n = spacing(text);
  return entries.flatMap((e, id) => (n.includes(" " + e + " ") ? [id] : []));
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 2 ** 32; };
}

const WORDS = ["dog", "Dog", "hot", "red", "car", "a", "the", "photo", "café", "東京", "😀", "St", "Louis", "U.S.", "x", "", "1"];
const SEPS = [" ", " ", " ", "  ", "\t", ",", ".", ", ", ". ", ";", "\u00a0", "-"];

/** A caption of about `chars` characters from a small vocabulary, with every kind of separator. */
function longCaption(next: () => number, chars: number, noSpaceRun = 0): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const piece = WORDS[Math.floor(next() * WORDS.length)] + SEPS[Math.floor(next() * SEPS.length)];
    parts.push(piece);
    n += piece.length;
    if (noSpaceRun > 0 && next() < 0.0005) { const run = "q,".repeat(noSpaceRun / 2) + " "; parts.push(run); n += run.length; }
  }
  return parts.join("");
}

function entriesFor(next: () => number): string[] {
  const entries = new Set<string>(["dog", "hot dog", "red car", "St. Louis", "U.S.", "a , the", "café", "東京 😀", "x x x", "1", ",", "Dog"]);
  for (let i = 0; i < 400; i++) {
    const k = 1 + Math.floor(next() * 3);
    entries.add(Array.from({ length: k }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" "));
  }
  return [...entries];
}

test("captions of 200k to 3M characters match exactly through the match command (no kernel memory fault)", async (t) => {
  const dir = tempDir(t);
  const next = rng(7);
  const entries = entriesFor(next);
  const texts = [
    ...Array.from({ length: 15 }, () => longCaption(next, 200_000)), // one group of about 3 MB
    longCaption(next, 3_000_000),
    "a short hot dog caption",
    longCaption(next, 250_000, 40_000), // with separator-free runs longer than a chunk
    "",
  ];
  const rows = texts.map((text, i) => ({ uid: `u${i}`, url: `http://x/${i}`, text }));
  const pool = path.join(dir, "pool.parquet"), metadata = path.join(dir, "metadata.json"), out = path.join(dir, "out");
  await writeParquet(pool, rows);
  writeFileSync(metadata, JSON.stringify(entries));
  const r = cli("match", "--metadata", metadata, "--pool", pool, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const expected = texts.map((text) => bruteForce(text, entries));
  const got = await readParquet(path.join(out, "matches.parquet"));
  const want = expected.flatMap((ids, i) => (ids.length ? [{ uid: `u${i}`, entry_ids: ids, pool_row: String(i) }] : []));
  assert.deepEqual(got, want);
  // each caption counts an entry once, however many chunks it was matched in
  const counts = new Array(entries.length).fill(0);
  for (const ids of expected) for (const id of ids) counts[id]++;
  const countRows = await readParquet(path.join(out, "entry_counts.parquet"));
  assert.deepEqual(countRows.map((x) => Number(x.count)), counts);
});

test("a long caption's chunks overlap by more than the longest entry: matches across every chunk edge are found", () => {
  const next = rng(11);
  const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" "); // ~1.5 kB entry
  const entries = ["dog", "hot dog", long, "w299 dog", "dog w0"];
  const matcher = new TokenMatcher(buildAutomaton(entries));
  matcher.countInKernel();
  const texts: string[] = [];
  for (let k = 0; k < 6; k++) {
    // filler of varied length puts the long entry and the pairs across chunk edges at many offsets
    const filler = longCaption(next, BATCH_BYTES - 700 + Math.floor(next() * 1400));
    texts.push(filler + " " + long + " dog " + longCaption(next, BATCH_BYTES) + " dog " + long + " " + filler);
  }
  texts.push(long.replace("w150", "w150  ") + " " + "z".repeat(3 * BATCH_BYTES)); // a near-miss, then a run with no separator
  const counts = new Float64Array(entries.length), want = new Array(entries.length).fill(0);
  for (const text of texts) {
    const expected = bruteForce(text, entries);
    for (const id of expected) want[id]++;
    assert.deepEqual(matcher.matchText(text), expected);
  }
  matcher.takeCounts(counts);
  assert.deepEqual(Array.from(counts), want);
  // the matcher stays correct for short texts after the long ones re-laid its memory
  assert.deepEqual(matcher.matchText("a hot dog"), [0, 1]);
});
