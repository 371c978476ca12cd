// The fast worldwide matcher (token trie + Aho–Corasick, lib/curation/worldwideMatcher.ts) against the
// brute-force reference with MetaCLIP 2's padding, language by language, on a mixed-language pool:
// Latin entries whole-word, CJK and Thai ones anywhere, kana only between spaces, ids in the caption's
// own language's range only.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bruteForceMatch } from "../lib/curation/bruteForce";
import { buildWorldwideTables, NO_LANGUAGE, WorldwideMatcher } from "../lib/curation/worldwideMatcher";
import { mulberry32 as rng } from "../lib/util/rng";

const LISTS = [
  { lang: "de", entries: ["Hund", "Katze", "rote Katze", "Inc.", "Haus", "dog", "(Band)", "猫"] },
  { lang: "en", entries: ["dog", "cat", "hot dog", "Inc.", "St. Louis", "(band)", "U.S.", "cat", "", " dog", "Tokyo東京", "東京tower", "a.b"] },
  { lang: "ja", entries: ["猫", "ねこ", "東京", "東京タワー", "タワー", "かわいい猫", "猫です", "。", "東京 タワー", "cat"] },
  { lang: "th", entries: ["แมว", "สุนัข", "แมวดำ", "น่ารัก", "ดำ"] },
  { lang: "zh", entries: ["猫", "可爱", "东京", "东京tower", "可爱的猫", "猫猫", "猫猫猫", "（猫）", "𠀀", "a𠀀", "。", "，"] },
];

const FRAGMENTS = [
  "dog", "cat", "hot", "Hund", "Katze", "rote", "Inc", ".", ",", " ", " ", "  ", "\t", "\n", "(", ")", "band", "Band", "St", "Louis", "U", "S",
  "猫", "可爱", "的", "东京", "东", "京", "tower", "東京", "タワー", "ねこ", "かわいい", "です", "。", "，", "（", "）", "𠀀", "a", "b",
  "แมว", "สุนัข", "ดำ", "น่ารัก", "?", "!", ":", ";", "`", "é", "\ud83d\ude00", "\ud840",
];

function caption(next: () => number): string {
  const n = 1 + Math.floor(next() * 10);
  let s = "";
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
  return s;
}

test("worldwide matcher equals the brute-force rules on 6,000 mixed-language captions, each in its own language's list", () => {
  const tables = buildWorldwideTables(LISTS);
  const matcher = new WorldwideMatcher(tables);
  const next = rng(27);
  let matched = 0, substringHits = 0;
  for (let i = 0; i < 6000; i++) {
    const text = caption(next);
    const li = Math.floor(next() * LISTS.length);
    const { offset } = tables.languages[li];
    const want = bruteForceMatch(text, LISTS[li].entries, "worldwide").map((id) => offset + id);
    assert.deepEqual(matcher.matchText(text, li), want, `${JSON.stringify(text)} in ${LISTS[li].lang}`);
    if (want.length > 0) matched++;
    if (want.some((id) => /[^\x00-\x7f]/.test(LISTS[li].entries[id - offset]))) substringHits++;
  }
  assert.ok(matched > 1000 && substringHits > 500, `the pool exercises both matchers (${matched} matched, ${substringHits} with a non-ASCII entry)`);
});

test("worldwide matcher: hand cases, ids offset by language, `other` matches nothing, many texts in one batch", () => {
  const tables = buildWorldwideTables(LISTS);
  const m = new WorldwideMatcher(tables);
  const lang = (code: string) => tables.languages.findIndex((l) => l.lang === code);
  const off = (code: string) => tables.languages[lang(code)].offset;
  assert.deepEqual(tables.languages.map((l) => [l.lang, l.offset, l.entries]), [["de", 0, 8], ["en", 8, 13], ["ja", 21, 10], ["th", 31, 5], ["zh", 36, 12]]);
  assert.deepEqual(m.matchText("我的猫猫很可爱", lang("zh")), [0, 1, 5].map((i) => off("zh") + i), "猫, 可爱, 猫猫; never ja's or de's 猫");
  assert.deepEqual(m.matchText("my cat, a hot dog. Apple Inc.", lang("en")), [0, 1, 2, 7].map((i) => off("en") + i),
    "dog, cat, hot dog, cat's duplicate; not \"Inc.\": spacing makes it \"Inc . \", which \" Inc.\" is not in");
  assert.deepEqual(m.matchText("かわいいねこです", lang("ja")), [], "kana-bounded entries need spaces");
  assert.deepEqual(m.matchText("東京タワーの猫です", lang("ja")), [0, 2, 6].map((i) => off("ja") + i), "東京 and 猫 are CJK-bounded; 東京タワー and タワー end in kana so need a space after");
  assert.deepEqual(m.matchText("แมวดำน่ารัก", lang("th")), [0, 2, 3, 4].map((i) => off("th") + i));
  assert.deepEqual(m.matchText("a dog", NO_LANGUAGE), []);
  // a batch of texts of different languages over one loaded buffer, as a match worker sends them
  const texts = ["my dog", "猫", "แมว", "Hund und Katze", "nothing"];
  const langs = [lang("en"), lang("zh"), lang("th"), lang("de"), NO_LANGUAGE];
  const bytes = new TextEncoder().encode(texts.join("\n"));
  const bounds = new Int32Array(2 * texts.length);
  let at = 0;
  texts.forEach((t, k) => { const n = new TextEncoder().encode(t).length; bounds[2 * k] = at; bounds[2 * k + 1] = at + n; at += n + 1; });
  m.countInKernel();
  m.setTexts(bytes);
  m.matchBatch(bounds, texts.length, langs);
  const got = texts.map((_t, k) => Array.from(m.ids.subarray(m.idStarts[k], m.idStarts[k + 1])));
  assert.deepEqual(got, [[off("en")], [off("zh")], [off("th")], [0, 1], []]);
  const counts = new Float64Array(tables.entryCount);
  m.takeCounts(counts);
  assert.deepEqual([...counts.entries()].filter(([, c]) => c > 0).map(([i]) => i), [0, 1, off("en"), off("th"), off("zh")]);
});
