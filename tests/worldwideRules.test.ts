// MetaCLIP 2's worldwide rules (lib/curation/worldwide.ts) against hand-worked cases from its code
// (metaclip/curation/substr_matching.py, curate.py): which characters are CJK-like, how entries are
// padded, what the brute-force reference then matches in mixed-language captions, each language's t.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bruteForceMatch } from "../lib/curation/bruteForce";
import { isCjkLike, languageThresholds, worldwidePattern } from "../lib/curation/worldwide";

test("CJK-like: the code's ranges end to end, Python's 32 ASCII punctuation marks and the wide ones; kana, Hangul and letters are not", () => {
  const ranges = [[0x4e00, 0x9fff], [0x3400, 0x4dbf], [0x20000, 0x2a6df], [0x2a700, 0x2b73f], [0x2b740, 0x2b81f], [0x2b820, 0x2ceaf], [0x2ceb0, 0x2ebef],
    [0xf900, 0xfaff], [0x2e80, 0x2eff], [0x2f00, 0x2fdf], [0x2ff0, 0x2fff], [0x0e00, 0x0e7f], [0x0e80, 0x0eff], [0x1000, 0x109f], [0x1780, 0x17ff], [0x0f00, 0x0fff]];
  for (const [lo, hi] of ranges) {
    assert.ok(isCjkLike(lo) && isCjkLike(hi), `${lo.toString(16)}–${hi.toString(16)}`);
  }
  for (const outside of [0x4dc0, 0xa000, 0x2a6e0, 0x2ebf0, 0xfb00, 0x0dff, 0x10a0, 0x1800, 0x2fe0]) assert.equal(isCjkLike(outside), false, outside.toString(16));
  const ascii = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  assert.equal(ascii.length, 32);
  for (const c of ascii) assert.ok(isCjkLike(c.codePointAt(0)!), c);
  for (const c of "，。、；：？！“”‘’（）【】《》〈〉「」『』～—") assert.ok(isCjkLike(c.codePointAt(0)!), c);
  for (const c of ["a", "Z", "0", " ", "é", "ß", "あ", "ア", "ー", "가", "Ａ", "·", "…", "–", "«"]) assert.equal(isCjkLike(c.codePointAt(0)!), false, c);
});

test("an entry is padded with a space on each side whose end character is not CJK-like", () => {
  assert.equal(worldwidePattern("dog"), " dog ");
  assert.equal(worldwidePattern("hot dog"), " hot dog ");
  assert.equal(worldwidePattern("猫"), "猫");
  assert.equal(worldwidePattern("แมว"), "แมว");
  assert.equal(worldwidePattern("東京tower"), "東京tower ");
  assert.equal(worldwidePattern("iPhone手机"), " iPhone手机");
  assert.equal(worldwidePattern("Inc."), " Inc.", "ends in punctuation: no trailing space, unlike MetaCLIP 1");
  assert.equal(worldwidePattern("(dog"), "(dog ");
  assert.equal(worldwidePattern("ねこ"), " ねこ ", "kana are not CJK-like");
  assert.equal(worldwidePattern("𠀀"), "𠀀", "a code point beyond the BMP (U+20000), read whole");
  assert.equal(worldwidePattern("a𠀀"), " a𠀀");
  assert.equal(worldwidePattern("\ud840"), " \ud840 ", "a lone surrogate is no CJK character");
  assert.equal(worldwidePattern(""), null);
});

test("brute force, worldwide: Latin entries as whole words, CJK and Thai ones anywhere, kana only between spaces", () => {
  const entries = ["dog", "猫", "可爱", "ねこ", "แมว", "东京tower", "Inc.", "hot dog", "", "cat"];
  const cases: [string, number[]][] = [
    ["a hot dog.", [0, 7]],
    ["hotdog and a catalog", []],
    ["我的猫很可爱", [1, 2]],
    ["かわいいねこです", []],
    ["かわいい ねこ です", [3]],
    ["แมวน่ารัก", [4]],
    ["在东京tower上", []],
    ["在东京tower 上", [5]],
    ["Apple Inc. shares", []],
    ["the cat's 猫", [1]],
    ["cat\tdog\n猫", [0, 1, 9]],
  ];
  for (const [text, want] of cases) assert.deepEqual(bruteForceMatch(text, entries, "worldwide"), want, text);
  // MetaCLIP 1's rule on the same captions: every entry padded on both sides
  assert.deepEqual(bruteForceMatch("我的猫很可爱", entries), []);
  assert.deepEqual(bruteForceMatch("我的 猫 很 可爱", entries), [1, 2]);
  // and MetaCLIP 1's empty entry, "  ", is found where spacing leaves two spaces (after a wrapped "."); MetaCLIP 2 has no empty entry
  assert.deepEqual(bruteForceMatch("a hot dog.", entries), [0, 7, 8]);
});

test("each language's t: English's t, else p_to_t of its counts at English's tail share (hand-computed)", () => {
  // en: sum 16; t_en = 3 → tail (counts < 3) = 0 + 1 + 2 = 3 → p = 0.1875
  // de: sorted [0, 1, 4, 5], sum 10, cumulative shares [0, 0.1, 0.5, 1] → |share − p| least at 0.1 → t = 1
  // zh: sorted [0, 0, 7]: shares [0, 0, 1] → the first least |share − p| is a zero count → t = 0, as the rule gives
  // th: no match at all → no t
  const counts = new Map<string, number[]>([["en", [0, 1, 2, 3, 10]], ["de", [5, 0, 1, 4]], ["zh", [7, 0, 0]], ["th", [0, 0]]]);
  assert.deepEqual(Object.fromEntries(languageThresholds(counts, 3)), { en: 3, de: 1, zh: 0, th: null });
  // a larger English t: p = (0 + 1 + 2 + 3) / 16 = 0.375 → de: least |share − p| at 0.5 → t = 4
  assert.equal(languageThresholds(counts, 4).get("de"), 4);
  assert.throws(() => languageThresholds(new Map([["de", [1]]]), 3), /no counts for English/);
});
