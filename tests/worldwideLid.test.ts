// A worldwide curate whose caption languages come from a language-ID model shipped in a package
// (--lid fasttext|cld3): every row's label and confidence in languages.parquet equal the model's own
// guess, the label map sends unmapped labels and null captions to `other`, each row is matched against
// its guessed language's list (the brute-force rules), and the sharded steps give the same files.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { bruteForceMatch } from "../lib/curation/bruteForce";
import { loadLanguageId } from "../lib/filters/languageId";
import { curateInputsOf } from "../lib/jobs/sources";
import { JobStore } from "../lib/jobs/store";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";
import { waitEnded } from "./support/sharded";
import { WORLDWIDE_LISTS, worldwideRows, writeWorldwideFiles } from "./support/worldwidePool";

const CODES = Object.keys(WORLDWIDE_LISTS).sort();
const offsetOf = (lang: string) => CODES.slice(0, CODES.indexOf(lang)).reduce((n, c) => n + WORLDWIDE_LISTS[c].length, 0);
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

test("--lid fasttext: each row's label and confidence are the model's, mapped through --lid-map; matches by the guessed language", { timeout: 200_000 }, async (t) => {
  const dir = tempDir(t);
  const rows = worldwideRows(1200, 8).map((r, i) => ({ ...r, text: i % 97 === 3 ? null : r.text }));
  const { meta, pools } = await writeWorldwideFiles(dir, rows as never, 2);
  const map = path.join(dir, "map.json");
  // fastText calls Cantonese "yue": MetaCLIP 2 merges zh_yue into zh; English and German map to themselves, and nothing else
  writeFileSync(map, JSON.stringify({ en: "en", de: "de", ja: "ja", th: "th", zh: "zh", yue: "zh" }));
  const out = path.join(dir, "ws");
  const run = cli("curate", "--metadata", meta, "--pool", ...pools, "--lid", "fasttext", "--lid-map", map, "--skip-null-text", "--out", out, "--t", "20", "--progress", "none");
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /captions' language by fasttext\.wasm [\d.]+ \(lid\.176\.ftz\)/);

  const model = await loadLanguageId("fasttext");
  const labels: Record<string, string> = JSON.parse(readFileSync(map, "utf8"));
  const languages = await readParquet(path.join(out, "languages.parquet"));
  assert.equal(languages.length, rows.length, "one row per pool row");
  const want = rows.map((r, i) => {
    if (r.text === null) return { pool_row: String(i), lid_label: null, lang: "other", lid_confidence: null };
    const g = model.guess(r.text.replaceAll("\r", " "));
    return { pool_row: String(i), lid_label: g.language, lang: labels[g.language] ?? "other", lid_confidence: g.confidence };
  });
  assert.deepEqual(languages, want);
  assert.ok(want.some((w) => w.lang === "other" && w.lid_label !== null), "some label is unmapped");

  const matches = await readParquet(path.join(out, "matches.parquet"));
  const expected = rows.flatMap((r, i) => {
    const lang = want[i].lang;
    if (r.text === null || !(lang in WORLDWIDE_LISTS)) return [];
    const ids = bruteForceMatch(r.text, WORLDWIDE_LISTS[lang], "worldwide").map((id) => offsetOf(lang) + id);
    return ids.length > 0 ? [{ pool_row: String(i), entry_ids: ids, lang }] : [];
  });
  assert.deepEqual(matches.map((m) => ({ pool_row: m.pool_row, entry_ids: m.entry_ids, lang: m.lang })), expected);
  const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).match;
  assert.equal(manifest.language_source.rows_other, want.filter((w) => w.lang === "other").length);
  assert.deepEqual(manifest.languages.map((l: { lang: string; rows: number }) => l.rows), CODES.map((c) => want.filter((w) => w.lang === c).length));

  // the sharded steps write the same languages.parquet, matches and curated set
  const shards = [0, 1].map((i) => path.join(dir, `s${i}`));
  const step = (...args: string[]) => { const r = cli(...args, "--progress", "none"); assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`); };
  shards.forEach((s, i) => step("match", "--metadata", meta, "--pool", ...pools, "--lid", "fasttext", "--lid-map", map, "--skip-null-text", "--shard", `${i}/2`, "--out", s));
  step("reduce", "--shards", ...shards, "--out", path.join(dir, "red"), "--t", "20");
  shards.forEach((s) => step("balance", "--in", s, "--reduced", path.join(dir, "red"), "--out", s + "b"));
  step("merge", "--shards", ...shards.map((s) => s + "b"), "--reduced", path.join(dir, "red"), "--out", path.join(dir, "merged"));
  for (const f of ["languages.parquet", "matches.parquet", "entry_counts.parquet", "size_curve.parquet", "curated.parquet", "subset.npy"]) {
    assert.equal(sha(path.join(dir, "merged", f)), sha(path.join(out, f)), `${f} is byte-identical`);
  }
});

test("--lid cld3 identifies too; a bad engine and --lid with --lang-col are refused", async (t) => {
  const dir = tempDir(t);
  const rows = worldwideRows(200, 9);
  const { meta, pools } = await writeWorldwideFiles(dir, rows, 1);
  const out = path.join(dir, "ws");
  const run = cli("match", "--metadata", meta, "--pool", ...pools, "--lid", "cld3", "--out", out);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /by cld3-asm /);
  const model = await loadLanguageId("cld3");
  const languages = await readParquet(path.join(out, "languages.parquet"));
  assert.deepEqual(languages.map((l) => l.lid_label), rows.map((r) => model.guess(r.text).language));
  const bad = cli("match", "--metadata", meta, "--pool", ...pools, "--lid", "langid", "--out", path.join(dir, "x"));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--lid: must be fasttext or cld3 \(got "langid"\)/);
  const both = cli("match", "--metadata", meta, "--pool", ...pools, "--lid", "cld3", "--lang-col", "lang", "--out", path.join(dir, "y"));
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /give the captions' language one way: --lang-col C or --lid ENGINE, not both/);
});

test("a --lid workspace's sources (what the dashboard's \"Curate at this t\" submits) name its model (and that null captions were skipped): the curate job they make writes the workspace again", { timeout: 200_000 }, async (t) => {
  const data = tempDir(t);
  // some null captions: the workspace was matched with --skip-null-text, which its sources must say
  const { meta, pools } = await writeWorldwideFiles(data, worldwideRows(800, 12).map((r, i) => ({ ...r, text: i % 50 === 7 ? null : r.text })) as never, 1);
  writeFileSync(path.join(data, "map.json"), JSON.stringify({ en: "en", de: "de", ja: "ja", th: "th", zh: "zh" }));
  const run = cli("curate", "--metadata", meta, "--pool", ...pools, "--lid", "fasttext", "--lid-map", path.join(data, "map.json"), "--skip-null-text", "--out", path.join(data, "ws"), "--t", "20", "--progress", "none");
  assert.equal(run.code, 0, run.stderr);
  const sources = curateInputsOf(JSON.parse(readFileSync(path.join(data, "ws", "manifest.json"), "utf8")), { dataDir: data, poolsDirs: [] });
  assert.deepEqual(sources, { metadata: "meta", pool: ["pool.parquet"], "text-col": "text", "url-col": "url", "uid-col": "uid", lid: "fasttext", "lid-map": "map.json", "skip-null-text": true });
  writeFileSync(path.join(data, "spec.json"), JSON.stringify({ kind: "curate", ...sources, t: 20, out: "again" }));
  const submitted = cli("job", "submit", "--data-dir", data, "--spec", path.join(data, "spec.json"));
  assert.equal(submitted.code, 0, submitted.stderr);
  const done = await waitEnded(new JobStore(data), submitted.stdout.trim());
  assert.equal(done.state, "succeeded", done.error ?? "");
  for (const f of ["languages.parquet", "matches.parquet", "entry_counts.parquet", "curated.parquet"]) {
    assert.equal(sha(path.join(data, "again", f)), sha(path.join(data, "ws", f)), `${f} is byte-identical`);
  }
});
