// Highlight spans follow the matching rule and point at the caption's own characters.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matchSpans, spacingWithOffsets } from "../lib/curation/highlight";
import { spacing } from "../lib/curation/normalize";
import { bruteForceMatch } from "../lib/curation/bruteForce";

test("spacingWithOffsets builds exactly spacing(text)", () => {
  for (const text of ["", "a,b.c;d:e?f!g`h", "tab\there\nnew\rline", "St. Louis, U.S.", "café 😀 \ud800 x", "..."]) {
    const { normalised, origin } = spacingWithOffsets(text);
    assert.equal(normalised, spacing(text));
    for (let i = 0; i < normalised.length; i++) if (origin[i] >= 0 && normalised[i] !== " ") assert.equal(text[origin[i]], normalised[i]);
  }
});

test("spans cover the matched entries in the original caption, overlapping matches included", () => {
  const text = "A photo of St. Louis, U.S. at night: the red dog, red dog.";
  // "St. Louis" never matches (the caption becomes "St .  Louis"); the spaced form "St .  Louis" does
  const entries = ["photo", "St. Louis", "St .  Louis", "red dog", "dog", "night", "Louis ,  U", "cat"].map((entry, id) => ({ id, entry }));
  const spans = matchSpans(text, entries);
  const ids = new Set(spans.map((s) => s.entryId));
  assert.deepEqual([...ids].sort((a, b) => a - b), bruteForceMatch(text, entries.map((e) => e.entry)));
  const shown = spans.map((s) => `${s.entryId}:${text.slice(s.start, s.end)}`);
  assert.deepEqual(shown, ["0:photo", "2:St. Louis", "6:Louis, U", "5:night", "3:red dog", "4:dog", "3:red dog", "4:dog"]);
});

test("no span for an entry that only appears inside a word", () => {
  assert.deepEqual(matchSpans("doghouse hotdog", [{ id: 0, entry: "dog" }]), []);
});

test("worldwide spans: MetaCLIP 2's padding finds CJK and Thai entries inside unspaced text, Latin ones as whole words, kana ones only between spaces", () => {
  const entries = ["猫", "可爱", "ねこ", "แมว", "dog", "東京tower"].map((entry, id) => ({ id, entry }));
  const cases = ["我的猫很可爱", "かわいいねこです", "かわいい ねこ です", "แมวน่ารัก", "hotdog and a dog.", "在东京tower 上 東京tower 下"];
  for (const text of cases) {
    const spans = matchSpans(text, entries, "worldwide");
    // every span is a matched entry's own characters in the caption, and every matched entry has one
    for (const s of spans) assert.equal(text.slice(s.start, s.end), entries[s.entryId].entry, `${text}: ${JSON.stringify(s)}`);
    assert.deepEqual([...new Set(spans.map((s) => s.entryId))].sort((a, b) => a - b), bruteForceMatch(text, entries.map((e) => e.entry), "worldwide"), text);
  }
  assert.deepEqual(matchSpans("我的猫很可爱", entries, "worldwide").map((s) => [s.start, s.end]), [[2, 3], [4, 6]]);
  assert.deepEqual(matchSpans("我的猫很可爱", entries), [], "MetaCLIP 1's padding: nothing inside unspaced text");
});
