// `metadata build --lang L`: one language's list by MetaCLIP 2's rules (metaclip/metadata/build_metadata.py),
// checked by hand: "0".."99", lemmas ("_" a space, "+" removed for zh), unigrams by count up to int(10%) of
// them, bigrams with PMI > 30 joined without a space for a language written without spaces, titles of every
// project of the language up to int(76%), each candidate stripped, too long or punctuation-only ones skipped;
// the folder it writes into is a worldwide metadata folder.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import { pmi } from "../lib/metadata/ngrams";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

test("metadata build --lang zh: MetaCLIP 2's order, caps, bigram join and filters, by hand", (t) => {
  const dir = tempDir(t);
  const lemmas = path.join(dir, "zh-lemmas.txt");
  writeFileSync(lemmas, ["猫", "小_狗", "冰+淇淋", "  ", "。", "猫", "1"].join("\n") + "\n");
  // a segmented corpus: 30 distinct words, so int(10%) = 3 unigrams; "长颈 鹿" is the only bigram with PMI > 30
  const words = Array.from({ length: 27 }, (_, i) => `词${i}`);
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) lines.push(`猫 狗 ${words[i % 27]} 猫`);
  for (let i = 0; i < 50; i++) lines.push("狗 猫 ！");
  lines.push("长颈 鹿");
  writeFileSync(path.join(dir, "corpus.txt"), lines.join("\n") + "\n");
  const pageviews = path.join(dir, "pageviews-20240101-000000.gz");
  writeFileSync(pageviews, gzipSync([
    "zh 北京 90 0", "zh.m 北京 30 0", "zh 上海 100 0", "zh Category:猫 500 0", "en London 900 0", "zh 广州 0 0", "zh 深圳 5 0", "zh 天津 4 0",
    "zh.b 杭州 3 0", "zh 南京 2 0", "zh_yue 香港 800 0", "zh 。 1000 0",
  ].join("\n") + "\n"));
  const out = path.join(dir, "meta");
  const r = cli("metadata", "build", "--lang", "zh", "--lemmas", lemmas, "--corpus", path.join(dir, "corpus.txt"), "--pageviews", pageviews, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(readFileSync(path.join(out, "zh.json"), "utf8")) as string[];
  const numbers = Array.from({ length: 100 }, (_, i) => String(i));
  // unigrams by count: 猫 (850), 狗 (450), then the 27 words (14 or 15 each: 词0…词21 have 15, in binary order) and 长颈, 鹿;
  // 31 distinct ("！" is stripped away), so int(10%) = 3 new ones: 猫 is a lemma already, so 狗, 词0, 词1
  // bigrams: none reaches PMI 30 in a corpus this small (by NLTK's formula, below)
  const totalUnigrams = 400 * 4 + 50 * 2 + 2;
  assert.ok(pmi(1, 1, 1, totalUnigrams) < 30, "in so small a corpus no bigram reaches PMI 30");
  // titles: zh, zh.m and zh.b merged (北京 120, 上海 100, 深圳 5, 天津 4, 杭州 3, 南京 2); zh_yue is another language;
  // Category:猫 (a colon), 广州 (0 views) and "。" (punctuation) dropped; 7 candidates ("。" counts) → int(0.76 × 7) = 5
  assert.deepEqual(list, [...numbers, "猫", "小 狗", "冰淇淋", "狗", "词0", "词1", "北京", "上海", "深圳", "天津", "杭州"]);
  assert.match(r.stdout, /zh: 111 entries \(number 100, wordnet 3, unigram 3, bigram 0, title 5\); caps: unigrams 3, bigrams \d+, titles 5/);

  // the folder is worldwide metadata once it has English
  writeFileSync(path.join(out, "en.json"), JSON.stringify(["cat"]));
  const bad = cli("metadata", "build", "--lang", "zh", "--wordnet", dir, "--out", out);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--wordnet is MetaCLIP 1's; with --lang, MetaCLIP 2's sources and caps apply/);
  assert.match(cli("metadata", "build", "--lang", "z h", "--lemmas", lemmas, "--out", out).stderr, /--lang must be a language code/);
});

test("metadata build --lang th joins a bigram above PMI 30 without a space; de keeps the space", (t) => {
  const dir = tempDir(t);
  // counts files: bigram counts chosen so PMI(a b) = log2(n_ii · N) − log2(n_ix · n_xi) > 30
  const counts = (a: string, b: string) => [`${a}\t1`, `${b}\t1`, `${a} ${b}\t1`, `ฟิลเลอร์\t${2 ** 31}`].join("\n") + "\n";
  for (const [lang, a, b] of [["th", "แมว", "ดำ"], ["de", "rote", "Katze"]]) {
    writeFileSync(path.join(dir, `${lang}.tsv`), counts(a, b));
    const r = cli("metadata", "build", "--lang", lang, "--unigrams", path.join(dir, `${lang}.tsv`), "--out", path.join(dir, "meta"));
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(readFileSync(path.join(dir, "meta", `${lang}.json`), "utf8")) as string[];
    assert.ok(pmi(1, 1, 1, 2 ** 31 + 2) > 30);
    // 3 distinct unigrams: int(0.3) = 0, and a cap of 0 still adds one (MetaCLIP 2's check comes after the add)
    assert.equal(list.length, 100 + 1 + 1, `${lang}: ${JSON.stringify(list.slice(100))}`);
    assert.equal(list[101], lang === "th" ? `${a}${b}` : `${a} ${b}`);
  }
});

test("metadata build into one folder keeps the lists built before (each language's, and MetaCLIP 1's files), never replaces a list written by hand; bad codes are refused", async (t) => {
  const dir = tempDir(t);
  const meta = path.join(dir, "meta");
  const build = (...args: string[]) => cli("metadata", "build", ...args, "--out", meta);
  writeFileSync(path.join(dir, "lemmas.txt"), "Katze\nHund\n");
  writeFileSync(path.join(dir, "en.tsv"), "cat\t5\ndog\t3\n");
  for (const lang of ["de", "th", "es"]) assert.equal(build("--lang", lang, "--lemmas", path.join(dir, "lemmas.txt")).code, 0);
  assert.equal(build("--unigrams", path.join(dir, "en.tsv"), "--min-count", "1").code, 0, "MetaCLIP 1's build into the folder");
  const read = (name: string) => JSON.parse(readFileSync(path.join(meta, name), "utf8")) as string[];
  for (const lang of ["de", "th", "es"]) assert.deepEqual(read(`${lang}.json`).slice(100), ["Katze", "Hund"], `${lang}.json is still there`);
  assert.ok(read("metadata.json").includes("cat"));
  // rebuilt: the new list replaces its old one only
  writeFileSync(path.join(dir, "lemmas2.txt"), "Maus\n");
  assert.equal(build("--lang", "de", "--lemmas", path.join(dir, "lemmas2.txt")).code, 0);
  assert.deepEqual(read("de.json").slice(100), ["Maus"]);
  assert.deepEqual(read("th.json").slice(100), ["Katze", "Hund"]);
  assert.ok(read("metadata.json").includes("cat"), "MetaCLIP 1's files stay too");
  assert.ok(existsSync(path.join(meta, "metadata.parquet")) && existsSync(path.join(meta, "summary.json")), "metadata.parquet and summary.json as well");
  // English's list is MetaCLIP 1's, copied to en.json: the folder is then a worldwide metadata folder (MetaCLIP 1's files are no language's list)
  copyFileSync(path.join(meta, "metadata.json"), path.join(meta, "en.json"));
  const pool = path.join(dir, "pool.parquet");
  await writeParquet(pool, [{ uid: "1", url: "u", text: "a cat", lang: "en" }, { uid: "2", url: "v", text: "eine Maus", lang: "de" }]);
  const m = cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", path.join(dir, "ws"));
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /languages 4 lists \(de, en, es, th\)/);

  // a list written by hand: kept when another is built, refused as the target of a build
  writeFileSync(path.join(meta, "zh.json"), JSON.stringify(["猫"]));
  assert.equal(build("--lang", "ja", "--lemmas", path.join(dir, "lemmas.txt")).code, 0);
  assert.deepEqual(read("zh.json"), ["猫"]);
  const refused = build("--lang", "zh", "--lemmas", path.join(dir, "lemmas.txt"));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /zh\.json exists and was not written by metacurate/);
  assert.deepEqual(read("zh.json"), ["猫"], "the hand-written list is untouched");

  // a link of the user's own is not replaced either
  symlinkSync(path.join(dir, "lemmas.txt"), path.join(meta, "ko.json"));
  assert.match(build("--lang", "ko", "--lemmas", path.join(dir, "lemmas.txt")).stderr, /ko\.json exists and was not written by metacurate/);

  // codes that cannot name a list
  for (const code of ["other", "OTHER"]) {
    const other = build("--lang", code, "--lemmas", path.join(dir, "lemmas.txt"));
    assert.equal(other.code, 2);
    assert.match(other.stderr, /"other" is where captions of no list go/);
  }
  assert.match(build("--lang", "summary", "--lemmas", path.join(dir, "lemmas.txt")).stderr, /summary\.json is MetaCLIP 1's build output's name/);
  const long = build("--lang", "x".repeat(301), "--lemmas", path.join(dir, "lemmas.txt"));
  assert.equal(long.code, 2);
  assert.match(long.stderr, /at most 32\), got "x{64}…" \(301 characters\)/);
});
