// Building metadata from its sources (WordNet 3.0 from Debian's wordnet-base, corpora, pageviews).
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { pmi } from "../lib/metadata/ngrams";
import { synsetNames } from "../lib/metadata/wordnet";
import { cli } from "./support/cli";
import { readParquet, tempDir, writeParquet } from "./support/fixtures";

const WORDNET_30 = "/usr/share/wordnet";
const WN_SKIP = existsSync(path.join(WORDNET_30, "data.noun")) ? false : "Debian's wordnet-base is not installed (scripts/test.sh installs it)";

/** An independent, literal reading of the data files: first lemma, marker off, lowercase, cut, spaces. */
function bruteForceSynsetNames(dir: string): Set<string> {
  const names = new Set<string>();
  for (const f of ["data.noun", "data.verb", "data.adj", "data.adv"]) {
    for (const line of readFileSync(path.join(dir, f), "latin1").split("\n")) {
      const m = /^\d{8} \d{2} [nvasr] [0-9a-f]{2} (\S+) /.exec(line);
      if (!m) continue;
      let lemma = m[1];
      const paren = lemma.indexOf("(");
      if (paren > 0 && lemma.endsWith(")")) lemma = lemma.slice(0, paren);
      names.add(lemma.toLowerCase().split(".")[0].split("_").join(" "));
    }
  }
  return names;
}

test("WordNet 3.0 synset names equal a literal reading of the data files; 86,654 entries with 0–99", { skip: WN_SKIP }, async (t) => {
  const names = await synsetNames(WORDNET_30);
  assert.deepEqual(new Set(names), bruteForceSynsetNames(WORDNET_30));
  for (const [name, why] of [["outback", "adjective marker (a) removed"], ["o", "O.K. cut at its first dot"], ["ph", "Ph.D."],
    ["ice cream", "multi-word lemma"], ["paris", "capitalised proper noun lowercased"], ["dog", "plain"]] as const) {
    assert.ok(names.includes(name), `${name}: ${why}`);
  }
  assert.ok(!names.includes("outback(a)") && !names.includes("Paris") && !names.includes("ice_cream"));
  const out = path.join(tempDir(t), "wn");
  const r = cli("metadata", "build", "--out", out, "--wordnet", WORDNET_30);
  assert.equal(r.code, 0, r.stderr);
  const entries = JSON.parse(readFileSync(path.join(out, "metadata.json"), "utf8")) as string[];
  assert.equal(entries.length, 86_654);
  assert.deepEqual(entries.slice(0, 100), Array.from({ length: 100 }, (_, i) => String(i)));
  assert.ok(!entries.includes(""));
  const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8"));
  assert.equal(summary.dropped.empty, 1, "a first lemma that starts with a dot gives an empty name, dropped");
});

test("PMI as NLTK's BigramAssocMeasures.pmi on a small corpus; unigram counts and order", async (t) => {
  const dir = tempDir(t);
  const corpus = path.join(dir, "c.txt");
  // tokens: a b a b c | New York , New York ! (punctuation stripped, case kept)
  writeFileSync(corpus, "a b a b c\n\"New York, New York!\"\n");
  const gz = path.join(dir, "c2.txt.gz");
  writeFileSync(gz, gzipSync("c c\n"));
  const out = path.join(dir, "m");
  const r = cli("metadata", "build", "--out", out, "--corpus", corpus, gz, "--min-count", "2", "--bigram-pmi", "1.3");
  assert.equal(r.code, 0, r.stderr);
  // N = 11 unigrams: a2 b2 c3 New2 York2; bigrams: a b 2, b a 1, b c 1, New York 2, York New 1, c c 1
  assert.equal(pmi(2, 2, 2, 11), Math.log2(2 * 11) - Math.log2(2 * 2));
  const entries = JSON.parse(readFileSync(path.join(out, "metadata.json"), "utf8")) as string[];
  const expectBigrams = [["New York", pmi(2, 2, 2, 11)], ["a b", pmi(2, 2, 2, 11)], ["b c", pmi(1, 2, 3, 11)], ["b a", pmi(1, 2, 2, 11)], ["York New", pmi(1, 2, 2, 11)], ["c c", pmi(1, 3, 3, 11)]]
    .filter(([, p]) => (p as number) >= 1.3)
    .sort((x, y) => (y[1] as number) - (x[1] as number) || ((x[0] as string) < (y[0] as string) ? -1 : 1)).map(([e]) => e);
  assert.deepEqual(entries.slice(100), ["c", "New", "York", "a", "b", ...expectBigrams.filter((e) => !["c", "New", "York", "a", "b"].includes(e as string))]);
  const rows = await readParquet(path.join(out, "metadata.parquet"));
  assert.deepEqual(rows[100], { entry_id: 100, entry: "c", source: "unigram", sources: ["unigram"] });
  assert.equal(rows.find((x) => x.entry === "New York")!.source, "bigram");
});

test("counts files: word<TAB>count with bigram lines; a malformed line names file and line", async (t) => {
  const dir = tempDir(t);
  const counts = path.join(dir, "counts.tsv");
  writeFileSync(counts, "the\t500\ncat\t120\nrare\t3\nthe cat\t100\n");
  const out = path.join(dir, "m");
  const r = cli("metadata", "build", "--out", out, "--unigrams", counts, "--bigram-pmi", "-100");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(path.join(out, "metadata.json"), "utf8")).slice(100), ["the", "cat", "the cat"]);
  writeFileSync(counts, "the\t500\ncat 120\n");
  const bad = cli("metadata", "build", "--out", path.join(dir, "m2"), "--unigrams", counts);
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /counts\.tsv:2: malformed count line/);
  assert.equal(existsSync(path.join(dir, "m2")), false);
});

test("pageviews: the project only, no ':' titles, '_' to space, summed over files, threshold or top-k; odd lines skipped", async (t) => {
  const dir = tempDir(t);
  const a = path.join(dir, "pageviews-20180401-000000.gz");
  const b = path.join(dir, "pageviews-20180402-000000.gz");
  writeFileSync(a, gzipSync([
    "en New_York 50 0", "en Talk:New_York 900 0", "de New_York 999 0", "en.m Tokyo 999 0", "en Tokyo 40 0",
    "en Olive_oil 69 0", "en Broken notanumber 0", "en MissingFields", "", "en Paris 10 0",
  ].join("\n") + "\n"));
  writeFileSync(b, gzipSync("en New_York 25 0\nen Tokyo 35 0\nen Paris 5 0\n"));
  const out = path.join(dir, "t");
  const r = cli("metadata", "build", "--out", out, "--pageviews", a, b);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(path.join(out, "metadata.json"), "utf8")).slice(100), ["New York", "Tokyo"]);
  const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8"));
  assert.equal(summary.inputs.titles.skipped_lines, 2);
  const top = cli("metadata", "build", "--out", path.join(dir, "top"), "--pageviews", a, b, "--top-titles", "3");
  assert.equal(top.code, 0, top.stderr);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "top", "metadata.json"), "utf8")).slice(100), ["New York", "Tokyo", "Olive oil"]);
});

test("bad inputs: no source, missing folder, unreadable gzip, thresholds out of range", async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, "m");
  const run = (...args: string[]) => cli("metadata", "build", "--out", out, ...args);
  let r = run();
  assert.equal(r.code, 2); assert.match(r.stderr, /give at least one source/);
  r = run("--wordnet", path.join(dir, "nowhere"));
  assert.equal(r.code, 3); assert.match(r.stderr, /WordNet folder .*nowhere has no readable data\.noun/);
  const broken = path.join(dir, "broken.txt.gz");
  writeFileSync(broken, "this is not gzip");
  r = run("--unigrams", broken);
  assert.equal(r.code, 3); assert.match(r.stderr, /broken\.txt\.gz: cannot read \(not a valid gzip file\?\)/);
  r = run("--corpus", broken);
  assert.equal(r.code, 3); assert.match(r.stderr, /cannot read the corpus/);
  r = run("--corpus", broken, "--min-count", "0");
  assert.equal(r.code, 2); assert.match(r.stderr, /--min-count must be an integer >= 1/);
  r = run("--pageviews", broken, "--min-views", "-1");
  assert.equal(r.code, 2); assert.match(r.stderr, /--min-views must be an integer >= 0/);
  r = run("--wordnet", dir, "--bigram-pmi", "30");
  assert.equal(r.code, 2); assert.match(r.stderr, /--bigram-pmi needs a corpus/);
  assert.equal(existsSync(out), false);
});

test("built metadata loads in the engine and matches as expected end to end", async (t) => {
  const dir = tempDir(t);
  const counts = path.join(dir, "counts.tsv");
  writeFileSync(counts, "dog\t300\nphoto\t200\nhot dog\t150\nhot\t160\n");
  const m = path.join(dir, "m");
  assert.equal(cli("metadata", "build", "--out", m, "--unigrams", counts, "--bigram-pmi", "0").code, 0);
  const pool = path.join(dir, "pool.parquet");
  await writeParquet(pool, [{ text: "a photo of a hot dog" }, { text: "7 dogs" }, { text: "7" }]);
  for (const file of ["metadata.json", "metadata.parquet"]) {
    const ws = path.join(dir, `ws-${file}`);
    const r = cli("match", "--metadata", path.join(m, file), "--pool", pool, "--out", ws);
    assert.equal(r.code, 0, r.stderr);
    const counts = await readParquet(path.join(ws, "entry_counts.parquet"));
    const byEntry = Object.fromEntries(counts.map((x) => [x.entry, Number(x.count)]));
    assert.deepEqual([byEntry["dog"], byEntry["photo"], byEntry["hot"], byEntry["hot dog"], byEntry["7"], byEntry["8"]], [1, 1, 1, 1, 2, 0]);
    if (file.endsWith(".parquet")) assert.equal(counts.find((x) => x.entry === "hot dog")!.source, "bigram");
  }
});
