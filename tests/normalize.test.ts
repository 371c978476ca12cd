// One test per MetaCLIP normalisation / matching rule (spec §1.2), each checked on `spacing`
// itself, on the brute-force reference, and on the fast matcher.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildAutomaton, TokenMatcher } from "../lib/curation/automaton";
import { bruteForceMatch } from "../lib/curation/bruteForce";
import { spacing } from "../lib/curation/normalize";

function matches(entries: string[], text: string): string[] {
  const fast = new TokenMatcher(buildAutomaton(entries)).matchText(text);
  const slow = bruteForceMatch(text, entries);
  assert.deepEqual(fast, slow, `matcher and brute force disagree on ${JSON.stringify(text)}`);
  return fast.map((i) => entries[i]);
}

test("spacing pads, wraps every one of the 7 characters, maps only \\t \\n \\r, never collapses", () => {
  assert.equal(spacing("a,b.c;d:e?f!g`h"), " a , b . c ; d : e ? f ! g ` h ");
  assert.equal(spacing("x..y"), " x .  . y ");
  assert.equal(spacing("a\tb\nc\rd"), " a b c d ");
  assert.equal(spacing("a  b"), " a  b ");
  assert.equal(spacing("a\u00a0b\fc\vd\u2000e"), " a\u00a0b\fc\vd\u2000e ");
  assert.equal(spacing("(a)-b/c'd\"e&f|g"), " (a)-b/c'd\"e&f|g ");
});

test("matching is case-sensitive, with no lowercasing", () => {
  assert.deepEqual(matches(["dog", "a", "A", "Dog"], "A dog."), ["dog", "A"]);
});

test("each of the 7 wrapped characters separates a word", () => {
  for (const c of [",", ".", ";", ":", "?", "!", "`"]) assert.deepEqual(matches(["dog", c], `hot${c}dog`), ["dog", c], c);
});

test("other punctuation does not separate: (dog), dogs, dog/cat, Dog's do not match dog; T-shirt matches", () => {
  assert.deepEqual(matches(["dog"], "(dog) dogs dog/cat Dog's dog-house"), []);
  assert.deepEqual(matches(["T-shirt", "shirt"], "Adult T-shirt"), ["T-shirt"]);
});

test("only \\t \\n \\r become spaces; NBSP, \\f, \\v and U+2000 are ordinary characters", () => {
  assert.deepEqual(matches(["red car"], "red\tcar"), ["red car"]);
  assert.deepEqual(matches(["red car"], "red\ncar"), ["red car"]);
  assert.deepEqual(matches(["red car"], "red\rcar"), ["red car"]);
  for (const ws of ["\u00a0", "\f", "\v", "\u2000", "\u3000"]) assert.deepEqual(matches(["red car", "red", "car"], `red${ws}car`), [], JSON.stringify(ws));
});

test("runs of spaces are not collapsed", () => {
  assert.deepEqual(matches(["red car", "red  car"], "red  car"), ["red  car"]);
});

test("entries are not normalised: an entry with a wrapped character inside a word never matches", () => {
  assert.deepEqual(matches(["St. Louis", "U.S.", "Mr.", "e.g.", "St", "Louis"], "St. Louis, U.S. and Mr. Smith e.g. here"), ["St", "Louis"]);
});

test("overlapping matches are all found and neighbours share a space", () => {
  assert.deepEqual(matches(["hot dog", "dog", "dog dog", "hot"], "hot dog dog"), ["hot dog", "dog", "dog dog", "hot"]);
});

test("an entry is reported once per text however often it occurs", () => {
  const entries = ["a", "b"];
  const ids = new TokenMatcher(buildAutomaton(entries)).matchText("a b a b a");
  assert.deepEqual(ids, [0, 1]);
});

test("every occurrence of a wrapped character is spaced (replaceAll, not replace)", () => {
  assert.deepEqual(matches(["b", "c"], "a,b,c"), ["b", "c"]);
});

test("empty entries, leading/trailing spaces and empty tokens follow the padded-substring rule", () => {
  assert.deepEqual(matches(["", " a", "a ", "a"], "x  a"), ["", " a", "a"]);
  assert.deepEqual(matches(["", ","], "a, b"), ["", ","]);
  assert.deepEqual(matches([""], ""), [""]);
});

test("duplicate entries keep their own ids and both match", () => {
  const ids = new TokenMatcher(buildAutomaton(["dog", "cat", "dog"])).matchText("a dog");
  assert.deepEqual(ids, [0, 2]);
});

test("Unicode: accents (no NFC), CJK, emoji and lone surrogates match exactly", () => {
  assert.deepEqual(matches(["café", "cafe\u0301"], "café au lait"), ["café"]);
  assert.deepEqual(matches(["cafe\u0301", "café"], "cafe\u0301 noir"), ["cafe\u0301"]);
  assert.deepEqual(matches(["東京", "東"], "東京 タワー"), ["東京"]);
  assert.deepEqual(matches(["😀", "😀 smile"], "😀 smile"), ["😀", "😀 smile"]);
  assert.deepEqual(matches(["\ud800", "\udc00", "\ud800\udc00"], "x \ud800 y \ud800\udc00 z"), ["\ud800", "\ud800\udc00"]);
  assert.deepEqual(matches(["\ufffd"], "x \ud800 y"), []);
});

test("a 1 MB caption is matched without a crash or a wrong match", () => {
  const entries = ["dog", "red car", "x"];
  const text = "red car ".repeat(131072) + "dog" + " ✓".repeat(100000);
  assert.ok(text.length > 1_000_000);
  assert.deepEqual(matches(entries, text), ["dog", "red car"]);
  const huge = "y".repeat(1_200_000);
  assert.deepEqual(matches(["y", "yy"], huge), []);
});
