// Worldwide input that is wrong gets a clear error naming the problem, and leaves no output: a language
// missing from the metadata folder, a language column with nulls or labels no list has, a {lang}.json
// that is not a list of strings, a folder without English, flags that do not fit together.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";
import { worldwideRows, writeWorldwide } from "./support/worldwidePool";

async function setup(t: { after: (fn: () => void) => void }, opts: { labels?: boolean; nulls?: boolean } = {}) {
  const dir = tempDir(t);
  const { meta, pool } = await writeWorldwide(dir, worldwideRows(400, 5, opts));
  return { dir, meta, pool, out: path.join(dir, "ws") };
}

function refused(r: { code: number; stderr: string }, pattern: RegExp, out: string): void {
  assert.notEqual(r.code, 0, "refused");
  assert.match(r.stderr, pattern);
  assert.equal(existsSync(out), false, "no output folder is left");
}

test("a caption language with no list in the folder is named with its rows, unless a --lid-map sends it to other", async (t) => {
  const { dir, meta, pool, out } = await setup(t);
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", out), /language column "lang" holds 1 value\(s\) with no \{lang\}\.json in the metadata folder: "fr" \(31 rows\); add their lists, or map them with --lid-map/, out);
  const map = path.join(dir, "map.json");
  writeFileSync(map, JSON.stringify({ en: "en", de: "de", zh: "zh", ja: "ja", th: "th", fr: "fr" }));
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out), /label "fr" maps to language "fr", which the metadata folder has no \{lang\}\.json for/, out);
  writeFileSync(map, JSON.stringify({ en: "en", de: "de", zh: "zh", ja: "ja", th: "th" }));
  const ok = cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /31 rows in other languages match nothing/);
  const matched = await readParquet(path.join(out, "matches.parquet"));
  assert.ok(matched.every((m) => m.lang !== "fr" && m.lang !== "other"));
});

test("nulls in the language column: an error naming the column, their count and the first row; with a map they are other", async (t) => {
  const { dir, meta, pool, out } = await setup(t, { nulls: true });
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", out), /language column "lang" has 19 null values \(first at pool row 7\)/, out);
  const map = path.join(dir, "map.json");
  writeFileSync(map, JSON.stringify({ en: "en", de: "de", zh: "zh", ja: "ja", th: "th" }));
  const run = cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /50 rows in other languages match nothing/, "31 fr + 19 nulls");
});

test("an unknown language-ID label: an error without a map, other with one", async (t) => {
  const { dir, meta, pool, out } = await setup(t, { labels: true });
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", out), /"__label__[a-z]+" \(\d+ rows\)/, out);
  const map = path.join(dir, "map.json");
  writeFileSync(map, JSON.stringify({ __label__en: "en", en: "en" }));
  const ok = cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /languages 5 lists/);
  assert.match(ok.stdout, /\n {2}de +0 of 0 rows matched/, "a label the map does not hold is other (here every one but English's)");
  assert.match(ok.stdout, /\n {2}en +\d+ of \d+ rows matched/);
});

test("a {lang}.json that is not a list of strings, an empty one, a badly named one, nested deep, a FIFO, a link to nothing (a byte-order mark is read), a folder without English", async (t) => {
  const { meta, pool, out } = await setup(t);
  const run = () => cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", out);
  const de = path.join(meta, "de.json");
  writeFileSync(de, JSON.stringify({ Hund: 1 }));
  refused(run(), /metadata .*de\.json must be a JSON array of strings/, out);
  writeFileSync(de, JSON.stringify(["Hund", 7]));
  refused(run(), /metadata .*de\.json: entry 1 is 7, not a string/, out);
  writeFileSync(de, '["Hund", ');
  refused(run(), /metadata .*de\.json is not valid JSON/, out);
  writeFileSync(de, "[]");
  refused(run(), /metadata .*de\.json has no entries/, out);
  writeFileSync(de, '["Hund"]');
  writeFileSync(path.join(meta, "de fr.json"), '["x"]');
  refused(run(), /"de fr\.json" is not named \{lang\}\.json with a language code/, out);
  rmSync(path.join(meta, "de fr.json"));
  mkdirSync(path.join(meta, "xx.json"));
  refused(run(), /metadata .*xx\.json cannot be read: it is a folder/, out);
  rmSync(path.join(meta, "xx.json"), { recursive: true });
  // nested 100,000 deep: named as an array, not a stack overflow
  writeFileSync(de, `[${"[".repeat(100_000)}${"]".repeat(100_000)}]`);
  refused(run(), /metadata .*de\.json: entry 0 is an array \(1 item\), not a string/, out);
  writeFileSync(de, '["Hund"]');
  // a FIFO would block the read for ever (a job refuses a list leading out of the data directory at submit: tests/jobs.test.ts)
  execFileSync("mkfifo", [path.join(meta, "xx.json")]);
  refused(run(), /metadata .*xx\.json is not a regular file \(a FIFO, socket or device\)/, out);
  rmSync(path.join(meta, "xx.json"));
  symlinkSync(path.join(meta, "gone.json.bak"), path.join(meta, "xx.json"));
  refused(run(), /metadata .*xx\.json cannot be read: it is a link to nothing/, out);
  rmSync(path.join(meta, "xx.json"));
  writeFileSync(path.join(meta, "DE.json"), '["Hund"]');
  refused(run(), /DE\.json and de\.json name one language \(codes are compared without case\)|de\.json and DE\.json name one language/, out);
  rmSync(path.join(meta, "DE.json"));
  writeFileSync(path.join(meta, "other.json"), '["chat"]');
  refused(run(), /"other\.json": "other" names the captions in no listed language, which match nothing; it cannot have a list/, out);
  rmSync(path.join(meta, "other.json"));
  writeFileSync(path.join(meta, "fr.JSON"), '["chat"]'); // not a .json file: not a list of the folder
  writeFileSync(de, '\ufeff["Hund"]'); // a byte-order mark, as Windows editors write: read as the list it begins
  const map = path.join(path.dirname(meta), "map.json");
  writeFileSync(map, JSON.stringify({ en: "en", de: "de", zh: "zh", ja: "ja", th: "th" }));
  const ok = cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /languages 5 lists \(de, en, ja, th, zh\)/);
  rmSync(out, { recursive: true });
  rmSync(path.join(meta, "en.json"));
  refused(run(), /has no en\.json: English's t sets every other language's t/, out);
});

test("flags that do not fit: a folder without --lang-col, --lang-col with one list, --lid-map alone, a missing column, a bad map", async (t) => {
  const { dir, meta, pool, out } = await setup(t);
  refused(cli("match", "--metadata", meta, "--pool", pool, "--out", out), /is a folder of per-language lists \(MetaCLIP 2\): give each caption's language with --lang-col C or --lid fasttext\|cld3/, out);
  const single = path.join(dir, "metadata.json");
  writeFileSync(single, '["dog"]');
  refused(cli("match", "--metadata", single, "--pool", pool, "--lang-col", "lang", "--out", out), /--lang-col needs worldwide metadata, a folder of \{lang\}\.json lists/, out);
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lid-map", single, "--out", out), /--lid-map maps the labels of a language column or model: give --lang-col C or --lid ENGINE too/, out);
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "language", "--out", out), /has no column "language" \(--lang-col\)/, out);
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", single, "--out", out), /--lid-map .*metadata\.json must be a JSON object from labels to metadata languages/, out);
  const map = path.join(dir, "map.json");
  writeFileSync(map, JSON.stringify({ en: ["en"] }));
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out), /label "en" maps to an array \(1 item\), not a language code/, out);
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", path.join(dir, "none.json"), "--out", out), /--lid-map .*none\.json cannot be read: no such file/, out);
  // a map none of whose keys is a label of the column: every caption would be other
  writeFileSync(map, JSON.stringify({ __label__en: "en", __label__de: "de" }));
  refused(cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", map, "--out", out),
    /no caption is in a language with a list \(de, en, ja, th, zh\): every row read is "other"\. Labels seen: "[a-z]+" \(\d+\).*; --lid-map .*map\.json maps "__label__en", "__label__de"/, out);
});

test("a hostile language value is named short and escaped: cut at 64 characters with its length, a right-to-left override shown as \\u202e", async (t) => {
  const dir = tempDir(t);
  const rows = worldwideRows(200, 9).map((r, i) => ({ ...r, lang: i === 3 ? "\u202e" + "x".repeat(5000) : i === 4 ? "en\u202eevil" : r.lang === "fr" ? "en" : r.lang }));
  const { meta, pool } = await writeWorldwide(dir, rows);
  const r = cli("match", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", path.join(dir, "ws"));
  refused(r, /"\\u202ex{63}…" \(5,001 characters\) \(1 row\)/, path.join(dir, "ws"));
  assert.match(r.stderr, /"en\\u202eevil" \(1 row\)/);
  assert.ok(!r.stderr.includes("\u202e"), "no raw override reaches the terminal");
  assert.ok(r.stderr.length < 2000, `a short message (${r.stderr.length} characters)`);
});
