// The tiny CLIP's words (lib/train/text): ASCII text gives exactly the tokens of the old ASCII rule (so the
// English demo trains as before), other scripts give their own words: German and Arabic by letters, Chinese,
// Japanese and Thai, written without spaces, by ICU's word segmenter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCaption, mulberry32 } from "../lib/demo/captions";
import { makeWorldwideCaption, DEMO_LANGUAGES } from "../lib/demo/worldwideCaptions";
import { tokenize, Vocab } from "../lib/train/text";

const OLD_ASCII_RULE = /[a-z0-9][a-z0-9'_.%-]*/g;

test("ASCII captions give the old rule's tokens, the English demo's 20,000 captions and odd ones included", () => {
  const rng = mulberry32(5);
  const texts = Array.from({ length: 20_000 }, (_, i) => makeCaption(i % 10, 0.3, rng).text);
  texts.push("Men's T-Shirt 50% OFF!! img_123.jpg", "a--b ''c __d", "UPPER lower 3.5mm", "tab\there\nnewline", "");
  for (const t of texts) assert.deepEqual(tokenize(t), t.toLowerCase().match(OLD_ASCII_RULE) ?? [], t);
});

test("other scripts: whole words in spaced scripts, ICU's words in unspaced ones; every demo language's captions give words", () => {
  assert.deepEqual(tokenize("Größe 38: Rote Katze"), ["größe", "38", "rote", "katze"]);
  assert.deepEqual(tokenize("فستان سهرة أسود"), ["فستان", "سهرة", "أسود"]);
  assert.ok(tokenize("我的猫很可爱").includes("猫"));
  assert.ok(tokenize("かわいいねこです").includes("ねこ"));
  assert.ok(tokenize("แมวน่ารักมาก").includes("แมว"));
  const rng = mulberry32(9);
  for (const lang of DEMO_LANGUAGES) {
    const captions = Array.from({ length: 400 }, (_, i) => makeWorldwideCaption(lang, i % 10, 0, rng).text);
    const vocab = Vocab.build(captions, []);
    assert.ok(vocab.size >= 10, `${lang}: ${vocab.size} words`);
    const encoded = captions.filter((c) => vocab.encode(c).length > 0).length;
    assert.ok(encoded >= 0.97 * captions.length, `${lang}: ${encoded} of ${captions.length} clean captions encode to words seen twice`);
  }
});
