// MetaCLIP 2's substring matcher (CJK-like entries, Aho–Corasick) keys an edge by node * 256 + byte + 1
// in 32 bits: past 2^23 nodes the key wraps negative. A Chinese list of Wikipedia titles can hold more
// than 8M bytes of such entries, so the tables must still find exactly what a brute-force scan finds
// with more nodes than that; a list beyond the tables' capacity is refused naming its file.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildSubstringTables, findSubstrings, MAX_NODES } from "../lib/curation/substringMatcher";
import { buildWorldwideTables } from "../lib/curation/worldwideMatcher";
import { encodeWtf8Into, wtf8Length } from "../lib/curation/utf8";
import { mulberry32 } from "../lib/util/rng";

test("substring tables with more than 2^23 nodes find exactly the patterns a brute-force scan finds", { timeout: 300_000 }, () => {
  const next = mulberry32(11);
  const char = () => String.fromCharCode(0x4e00 + Math.floor(next() * 20_000));
  const patterns: string[] = [];
  const seen = new Set<string>();
  while (patterns.length < 1_100_000) {
    const p = char() + char() + char() + char();
    if (!seen.has(p)) { seen.add(p); patterns.push(p); }
  }
  const t = buildSubstringTables(patterns, patterns.map((_p, i) => i));
  assert.ok(t.nodeCount > 2 ** 23, `${t.nodeCount} nodes: past the int32 key's sign bit`);
  const idOf = new Map(patterns.map((p, i) => [p, i]));
  // texts made of patterns from every part of the list (the last built have the largest node ids) and noise
  for (let k = 0; k < 300; k++) {
    let text = "";
    for (let j = 0; j < 6; j++) text += next() < 0.6 ? patterns[k % 2 ? patterns.length - 1 - Math.floor(next() * 1000) : Math.floor(next() * patterns.length)] : char();
    const bytes = new Uint8Array(wtf8Length(text));
    encodeWtf8Into(text, bytes, 0);
    const found: number[] = [];
    const n = findSubstrings(t, bytes, 0, bytes.length, found, 0);
    const got = [...new Set(found.slice(0, n))].sort((a, b) => a - b);
    // brute force: every 4-character substring looked up
    const want = [...new Set(Array.from({ length: Math.max(0, text.length - 3) }, (_v, i) => idOf.get(text.slice(i, i + 4))).filter((id): id is number => id !== undefined))].sort((a, b) => a - b);
    assert.deepEqual(got, want, text);
  }
});

test("a language whose substring entries exceed the tables' capacity is refused naming its list", () => {
  const big = "東".repeat(Math.ceil(MAX_NODES / 3) + 1);
  assert.throws(() => buildWorldwideTables([{ lang: "en", entries: ["dog"] }, { lang: "zh", entries: [big] }]),
    /metadata zh\.json: its substring entries .* hold [\d,]+ bytes, more than the 16,777,214 the matcher's tables can key/);
});
