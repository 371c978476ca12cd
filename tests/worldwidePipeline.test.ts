// Worldwide curation end to end through the real command (metacurate curate / stats), checked against an
// independent reference: the brute-force matcher with MetaCLIP 2's padding per caption language, counts
// summed by hand, each language's t by the notes' p_to_t on those counts (pToT, not the fast path), and
// the keep rule recomputed row by row from draw(seed, uid).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { bruteForceMatch } from "../lib/curation/bruteForce";
import { draw } from "../lib/curation/draw";
import { tToP } from "../lib/curation/threshold";
import { languageThresholds } from "../lib/curation/worldwide";
import { WorldwideThresholds } from "../lib/curation/worldwideBalance";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";
import { rng, WORLDWIDE_LISTS, worldwideRows, writeWorldwide, type WorldwideRow } from "./support/worldwidePool";

const CODES = Object.keys(WORLDWIDE_LISTS).sort();
const OFFSETS = new Map<string, number>();
{
  let at = 0;
  for (const c of CODES) { OFFSETS.set(c, at); at += WORLDWIDE_LISTS[c].length; }
}
const ENTRY_COUNT = CODES.reduce((n, c) => n + WORLDWIDE_LISTS[c].length, 0);

/** The reference: each row's language (after the map), ids, the counts. */
function reference(rows: WorldwideRow[], map: Record<string, string> | null) {
  const langOf = (v: string | null) => (map ? (v === null ? "other" : (map[v] ?? "other")) : v!);
  const ids = rows.map((r) => {
    const lang = langOf(r.lang);
    if (!(lang in WORLDWIDE_LISTS)) return [];
    return bruteForceMatch(r.text, WORLDWIDE_LISTS[lang], "worldwide").map((i) => OFFSETS.get(lang)! + i);
  });
  const counts = new Float64Array(ENTRY_COUNT);
  for (const list of ids) for (const id of list) counts[id]++;
  return { langOf, ids, counts };
}

function tByLanguage(counts: Float64Array, tEn: number): Map<string, number | null> {
  return languageThresholds(new Map(CODES.map((c) => [c, counts.subarray(OFFSETS.get(c)!, OFFSETS.get(c)! + WORLDWIDE_LISTS[c].length)])), tEn);
}

function keepProbability(ids: number[], counts: Float64Array, tOf: Map<string, number | null>): number {
  let prod = 1;
  for (const id of ids) {
    const lang = CODES.filter((c) => OFFSETS.get(c)! <= id).pop()!;
    const t = tOf.get(lang)!;
    prod *= t === 0 ? 1 : 1 - t! / Math.max(counts[id], t!);
  }
  return 1 - prod;
}

test("worldwide curate: matches, counts, each language's t and the kept rows equal the reference; stats --json's languages agree", async (t) => {
  const dir = tempDir(t);
  const rows = worldwideRows(3000, 27, { labels: true, nulls: true });
  const { meta, pool } = await writeWorldwide(dir, rows);
  const mapFile = path.join(dir, "lid_to_wiki.json");
  const map: Record<string, string> = Object.fromEntries(CODES.flatMap((c) => [[c, c], [`__label__${c}`, c]]));
  writeFileSync(mapFile, JSON.stringify(map));
  const tEn = 40, seed = 7;
  const out = path.join(dir, "ws");
  const run = cli("curate", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--lid-map", mapFile, "--out", out, "--t", String(tEn), "--seed", String(seed));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /languages 5 lists \(de, en, ja, th, zh\)/);

  const ref = reference(rows, map);
  const matches = await readParquet(path.join(out, "matches.parquet"));
  const wantMatched = rows.flatMap((r, i) => (ref.ids[i].length > 0 ? [{ uid: r.uid, entry_ids: ref.ids[i], pool_row: i, lang: ref.langOf(r.lang) }] : []));
  assert.deepEqual(matches.map((m) => ({ uid: m.uid, entry_ids: m.entry_ids, pool_row: Number(m.pool_row), lang: m.lang })), wantMatched);
  const langsMatched = new Set(wantMatched.map((m) => m.lang));
  assert.deepEqual([...langsMatched].sort(), CODES, "every language has matched rows");

  const entryCounts = await readParquet(path.join(out, "entry_counts.parquet"));
  assert.deepEqual(entryCounts.map((e) => [e.entry_id, e.lang, e.lang_entry_id, e.entry, Number(e.count)]),
    CODES.flatMap((c) => WORLDWIDE_LISTS[c].map((entry, j) => [OFFSETS.get(c)! + j, c, j, entry, ref.counts[OFFSETS.get(c)! + j]])));

  const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  const tOf = tByLanguage(ref.counts, tEn);
  assert.deepEqual(manifest.balance.languages.map((l: { lang: string; t: number | null }) => [l.lang, l.t]), CODES.map((c) => [c, tOf.get(c)]));
  assert.ok(CODES.some((c) => c !== "en" && tOf.get(c)! > 0 && tOf.get(c) !== tEn), "a language gets a t of its own");
  const rowsByLang = new Map<string, number>();
  for (const r of rows) rowsByLang.set(ref.langOf(r.lang), (rowsByLang.get(ref.langOf(r.lang)) ?? 0) + 1);
  assert.deepEqual(manifest.match.languages.map((l: { lang: string; rows: number }) => [l.lang, l.rows]), CODES.map((c) => [c, rowsByLang.get(c) ?? 0]));
  assert.equal(manifest.match.language_source.rows_other, rowsByLang.get("other"));

  // the kept rows, recomputed
  const curated = await readParquet(path.join(out, "curated.parquet"));
  const want = wantMatched.flatMap((m) => {
    const p = keepProbability(m.entry_ids, ref.counts, tOf);
    return draw(seed, m.uid) < p ? [{ uid: m.uid, p_keep: p }] : [];
  });
  assert.deepEqual(curated.map((c) => ({ uid: c.uid, p_keep: c.p_keep })), want);
  assert.ok(want.length > 100 && want.length < wantMatched.length, `balancing keeps some, not all (${want.length} of ${wantMatched.length})`);

  // stats --json: the languages list, by hand
  const stats = cli("stats", "--in", out, "--t", String(tEn), "--json");
  assert.equal(stats.code, 0, stats.stderr);
  const s = JSON.parse(stats.stdout);
  const expected = (lang: string) => wantMatched.filter((m) => m.lang === lang).reduce((a, m) => a + keepProbability(m.entry_ids, ref.counts, tOf), 0);
  for (const [i, c] of CODES.entries()) {
    const l = s.languages[i];
    const own = ref.counts.subarray(OFFSETS.get(c)!, OFFSETS.get(c)! + WORLDWIDE_LISTS[c].length);
    assert.deepEqual([l.lang, l.t, l.rows, l.rows_matched, l.entries, l.matches], [c, tOf.get(c), rowsByLang.get(c) ?? 0, wantMatched.filter((m) => m.lang === c).length,
      WORLDWIDE_LISTS[c].length, own.reduce((a, b) => a + b, 0)], c);
    assert.ok(Math.abs(l.expected_size - expected(c)) < 1e-9, `${c}: expected size ${l.expected_size} against ${expected(c)}`);
    assert.equal(l.expected_size, manifest.balance.languages[i].expected_size, `${c}: stats and balance sum the same bits`);
  }
  assert.equal(s.at_t.tail_share, tToP(ref.counts.subarray(OFFSETS.get("en")!, OFFSETS.get("en")! + WORLDWIDE_LISTS.en.length), tEn), "the tail share is English's");
});

test("worldwide: nested in English's t and byte-identical from run to run and from 1 to 2 workers", async (t) => {
  const dir = tempDir(t);
  const rows = worldwideRows(1500, 3);
  const { meta, pool } = await writeWorldwide(dir, rows.map((r) => ({ ...r, lang: r.lang === "fr" ? "other" : r.lang })));
  const kept: Set<string>[] = [];
  for (const [i, tEn] of [10, 25, 60].entries()) {
    const run = cli("curate", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", path.join(dir, `t${i}`), "--t", String(tEn), "--workers", String(1 + (i % 2)));
    assert.equal(run.code, 0, run.stderr);
    kept.push(new Set((await readParquet(path.join(dir, `t${i}`, "curated.parquet"))).map((r) => String(r.uid))));
  }
  for (let i = 1; i < kept.length; i++) for (const uid of kept[i - 1]) assert.ok(kept[i].has(uid), `${uid} kept at a smaller t is kept at a larger one`);
  const again = cli("curate", "--metadata", meta, "--pool", pool, "--lang-col", "lang", "--out", path.join(dir, "again"), "--t", "25", "--workers", "2");
  assert.equal(again.code, 0, again.stderr);
  for (const f of ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "curated.parquet", "preview.parquet"]) {
    assert.ok(readFileSync(path.join(dir, "t1", f)).equals(readFileSync(path.join(dir, "again", f))), `${f} is byte-identical (1 against 2 workers)`);
  }
  // a target size of every matched row: the smallest English t keeping them all, one above English's largest count
  // (only there is English's tail share 1, so every other language's t its own largest count)
  const all = JSON.parse(readFileSync(path.join(dir, "t1", "manifest.json"), "utf8"));
  const enMax = all.match.languages.find((l: { lang: string }) => l.lang === "en").max_count;
  const whole = cli("balance", "--in", path.join(dir, "t1"), "--target-size", String(all.match.rows_matched), "--out", path.join(dir, "whole"));
  assert.equal(whole.code, 0, whole.stderr);
  const wholeBalance = JSON.parse(readFileSync(path.join(dir, "whole", "manifest.json"), "utf8")).balance;
  assert.deepEqual([wholeBalance.t, wholeBalance.expected_size, wholeBalance.rows_kept], [enMax + 1, all.match.rows_matched, all.match.rows_matched]);
  // the size curve at a grid point equals stats' exact expected size there (one sum, the same bits)
  const curve = await readParquet(path.join(dir, "t1", "size_curve.parquet"));
  const point = curve.find((c) => Number(c.t) === 25) ?? curve[Math.floor(curve.length / 2)];
  const s = JSON.parse(cli("stats", "--in", path.join(dir, "t1"), "--t", String(point.t), "--json").stdout);
  assert.equal(s.at_t.expected_size, point.expected_size);
});

test("each language's t from WorldwideThresholds (sorted once, the dashboard's and the size curve's path) equals the notes' p_to_t by pToT", () => {
  const next = rng(11);
  for (let trial = 0; trial < 200; trial++) {
    const lists = ["de", "en", "zh"].map((lang) => ({ lang, n: 1 + Math.floor(next() * 30) }));
    const counts: number[] = [];
    const ranges = lists.map(({ lang, n }) => { const offset = counts.length; for (let i = 0; i < n; i++) counts.push(next() < 0.3 ? 0 : Math.floor(next() ** 3 * 1000)); return { lang, offset, entries: n }; });
    const en = ranges[1];
    if (!counts.slice(en.offset, en.offset + en.entries).some((c) => c > 0)) counts[en.offset] = 1;
    const w = new WorldwideThresholds(ranges, counts);
    for (const tEn of [1, 2, 1 + Math.floor(next() * 1000)]) {
      const want = languageThresholds(new Map(ranges.map((r) => [r.lang, counts.slice(r.offset, r.offset + r.entries)])), tEn);
      assert.deepEqual(w.at(tEn), ranges.map((r) => want.get(r.lang)), `t_en ${tEn} over ${JSON.stringify(counts)}`);
      assert.equal(w.tailShare(tEn), tToP(counts.slice(en.offset, en.offset + en.entries), tEn));
    }
  }
});
