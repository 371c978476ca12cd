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
