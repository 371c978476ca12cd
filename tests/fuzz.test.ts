// Fuzzing the pool reader and the matcher with a fixed seed and a time bound: random Unicode (lone
// surrogates included where a JS string can hold them), random bytes, NULs, control characters,
// random lengths up to 300k, null captions, files that are not parquet and parquet files with bytes
// flipped. Nothing crashes; every caption that is accepted is matched exactly as the spec says.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { buildAutomaton, TokenMatcher } from "../lib/curation/automaton";
import { spacing } from "../lib/curation/normalize";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { cli } from "./support/cli";
import { readParquet, tempDir, writeParquet } from "./support/fixtures";

const SEED = 20261204;
/** Each test stops starting new rounds after this long (a round already started finishes). */
const BUDGET_MS = 25_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 2 ** 32; };
}

const SPECIAL = [" ", "  ", "\t", "\n", "\r", "\0", ",", ".", ";", ":", "?", "!", "`", "\u00a0", "\u2028", "\ufeff", "\u0301", "é", "日", "😀", "\x7f", "\x1b"];

/** A random string: words from a small alphabet (so entries match), random code points, random bytes, specials. */
function randomText(next: () => number, maxLen: number, loneSurrogates: boolean): string {
  const len = next() < 0.05 ? Math.floor(next() * maxLen) : Math.floor(next() * 200);
  const parts: string[] = [];
  let n = 0;
  while (n < len) {
    const r = next();
    let piece: string;
    if (r < 0.45) piece = ["dog", "Dog", "a", "hot", "red", "ab", "x"][Math.floor(next() * 7)];
    else if (r < 0.75) piece = SPECIAL[Math.floor(next() * SPECIAL.length)];
    else if (r < 0.85) piece = String.fromCharCode(Math.floor(next() * 256)); // a random byte as a code point
    else if (r < 0.95) {
      let cp = Math.floor(next() * 0x110000);
      if (!loneSurrogates && cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
      piece = String.fromCodePoint(cp);
    } else piece = loneSurrogates ? String.fromCharCode(0xd800 + Math.floor(next() * 0x800)) : "z";
    parts.push(piece);
    n += piece.length;
  }
  return parts.join("");
}

function randomEntries(next: () => number, texts: string[]): string[] {
  const entries = new Set<string>(["dog", "hot dog", "a", "red", "Dog", ",", "dog ,", "😀", "日", "ab x"]);
  for (const t of texts.slice(0, 40)) {
    const tokens = spacing(t).split(" ").filter((x) => x.length > 0 && x.length < 20);
    for (let k = 0; k < 3 && tokens.length; k++) {
      const i = Math.floor(next() * tokens.length), n = 1 + Math.floor(next() * 3);
      entries.add(tokens.slice(i, i + n).join(" "));
    }
  }
  return [...entries];
}

function bruteForce(text: string, entries: string[]): number[] {
  const n = spacing(text);
  return entries.flatMap((e, id) => (n.includes(" " + e + " ") ? [id] : []));
}

test("fuzz: the matcher on random strings (lone surrogates, NULs, any length) equals the spec", () => {
  const next = rng(SEED);
  const start = Date.now();
  let texts = 0;
  for (let round = 0; round < 200 && Date.now() - start < BUDGET_MS; round++) {
    const batch = Array.from({ length: 30 }, () => randomText(next, 300_000, true));
    const entries = randomEntries(next, batch);
    const matcher = new TokenMatcher(buildAutomaton(entries));
    for (const text of batch) {
      assert.deepEqual(matcher.matchText(text), bruteForce(text, entries), `round ${round}: ${JSON.stringify(text.slice(0, 80))}…`);
      texts++;
    }
  }
  assert.ok(texts >= 300, `only ${texts} texts in the time bound`);
});

test("fuzz: random pools through the match command: no crash, every accepted caption matched exactly", async (t) => {
  const dir = tempDir(t);
  const next = rng(SEED + 1);
  const start = Date.now();
  let rounds = 0;
  for (let round = 0; round < 12 && Date.now() - start < BUDGET_MS; round++, rounds++) {
    const rows = Array.from({ length: 1 + Math.floor(next() * 300) }, (_, i) => ({ uid: `r${round}-${i}`, text: next() < 0.05 ? null : randomText(next, 300_000, false) }));
    const pool = path.join(dir, `pool-${round}.parquet`), metadata = path.join(dir, `meta-${round}.json`), out = path.join(dir, `out-${round}`);
    await writeParquet(pool, rows);
    const entries = randomEntries(next, rows.map((r) => r.text ?? ""));
    writeFileSync(metadata, JSON.stringify(entries));
    const hasNull = rows.some((r) => r.text === null);
    const r = cli("match", "--metadata", metadata, "--pool", pool, "--out", out, "--skip-null-text");
    assert.equal(r.code, 0, `round ${round}: ${r.stderr}`);
    const want = rows.flatMap((row, i) => {
      const ids = row.text === null ? [] : bruteForce(row.text, entries);
      return ids.length ? [{ uid: row.uid, entry_ids: ids, pool_row: String(i) }] : [];
    });
    assert.deepEqual(await readParquet(path.join(out, "matches.parquet")), want, `round ${round}`);
    if (hasNull) {
      const refused = cli("match", "--metadata", metadata, "--pool", pool, "--out", out);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /null/);
    }
  }
  assert.ok(rounds >= 3, `only ${rounds} rounds in the time bound`);
});

test("fuzz: files that are not parquet, and parquet with bytes flipped, are refused by name or read exactly; never a crash", async (t) => {
  const dir = tempDir(t);
  const next = rng(SEED + 2);
  const metadata = path.join(dir, "meta.json");
  writeFileSync(metadata, JSON.stringify(["dog", "hot dog", "red"]));
  const good = path.join(dir, "good.parquet");
  await writeParquet(good, Array.from({ length: 200 }, (_, i) => ({ uid: `u${i}`, text: `a ${i % 3 ? "hot" : "red"} dog ${i}` })));
  const original = readFileSync(good);
  const start = Date.now();
  for (let round = 0; round < 16 && Date.now() - start < BUDGET_MS; round++) {
    const file = path.join(dir, `bad-${round}.parquet`);
    if (round % 4 === 0) {
      writeFileSync(file, Buffer.from(Array.from({ length: Math.floor(next() * 5000) }, () => Math.floor(next() * 256))));
    } else {
      const bytes = Buffer.from(original);
      for (let k = 0; k < 1 + Math.floor(next() * 8); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      writeFileSync(file, bytes);
    }
    const out = path.join(dir, `out-${round}`);
    const r = cli("match", "--metadata", metadata, "--pool", file, "--out", out);
    assert.ok(r.code === 0 || r.code === 3, `round ${round}: exit ${r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error/);
    if (r.code === 3) assert.match(r.stderr, new RegExp(`bad-${round}\\.parquet`), "the file is named");
    if (r.code === 0) {
      // whatever DuckDB reads from the damaged file is what must have been matched, exactly
      const con = await openDuckDB();
      let texts: (string | null)[];
      try {
        texts = (await con.runAndReadAll(`SELECT text FROM read_parquet(${sqlString(file)}, file_row_number = true) ORDER BY file_row_number`)).getRows().map((x) => (x[0] === null ? null : String(x[0])));
      } finally {
        con.closeSync();
      }
      const got = await readParquet(path.join(out, "matches.parquet"));
      const want = texts.flatMap((text, i) => {
        const ids = text === null ? [] : bruteForce(text.replace(/[\n\r]/g, " "), ["dog", "hot dog", "red"]);
        return ids.length ? [i] : [];
      });
      assert.deepEqual(got.map((x) => Number(x.pool_row)), want, `round ${round}`);
    }
  }
});
