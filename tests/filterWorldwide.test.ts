// The filter panel on a worldwide workspace (MetaCLIP 2): t is English's and every language is balanced
// at its own t, so filtering first moves English's tail share and every language's t with it. The
// panel's composition (lib/filters/preview) must be what `curate` records on the filtered pool: the
// expected size to the bit, each language's t, matched and kept rows, the entry counts; and a filter
// that leaves English no match is refused by both, naming why.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { filterColumnsFromArrow } from "../lib/filters/columnsArrow";
import { filterParams, type FilterChoice } from "../lib/filters/params";
import { WorldwideThresholds } from "../lib/curation/worldwideBalance";
import { composeWithBalance, previewFilter } from "../lib/filters/preview";
import { cli } from "./support/cli";
import { arrow, matchedRows } from "./support/matchesArrow";
import { readParquet, tempDir, writeParquet } from "./support/fixtures";
import { rng, WORLDWIDE_LISTS, worldwideRows } from "./support/worldwidePool";

const ok = (r: ReturnType<typeof cli>) => { assert.equal(r.code, 0, r.stderr); return r; };
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
const T_EN = 40;

const countsOf = async (ws: string) => (await readParquet(path.join(ws, "entry_counts.parquet"))).sort((a, b) => Number(a.entry_id) - Number(b.entry_id)).map((r) => Number(r.count));

test("worldwide: the panel's filter then balance is curate's on the filtered pool (size to the bit, every language's t and rows); balance then filter keeps each row's language's t", { timeout: 300_000 }, async (t) => {
  const dir = tempDir(t);
  const next = rng(5);
  // the test pool's captions in five languages (some under fastText labels a map translates, some "fr": other), with DataComp's sizes and a score
  const rows = worldwideRows(2400, 41, { labels: true }).map((r) => ({
    ...r, original_width: 100 + Math.floor(next() * 400), original_height: 100 + Math.floor(next() * 400), clip_b32_similarity_score: Math.round(next() * 1000) / 1000,
  }));
  const pool = path.join(dir, "pool.parquet"), meta = path.join(dir, "meta"), map = path.join(dir, "map.json");
  await writeParquet(pool, rows, { uid: "VARCHAR", url: "VARCHAR", text: "VARCHAR", lang: "VARCHAR", original_width: "INTEGER", original_height: "INTEGER", clip_b32_similarity_score: "DOUBLE" });
  mkdirSync(meta);
  for (const [lang, entries] of Object.entries(WORLDWIDE_LISTS)) writeFileSync(path.join(meta, `${lang}.json`), JSON.stringify(entries));
  writeFileSync(map, JSON.stringify(Object.fromEntries(Object.keys(WORLDWIDE_LISTS).flatMap((c) => [[c, c], [`__label__${c}`, c]]))));
  const language = ["--lang-col", "lang", "--lid-map", map];
  const ws = path.join(dir, "ws");
  ok(cli("curate", "--metadata", meta, "--pool", pool, "--out", ws, "--t", String(T_EN), ...language, "--progress", "none"));
  ok(cli("columns", "--workspace", ws, "--lid", "fasttext", "--progress", "none"));

  const manifest = manifestOf(ws);
  const ranges = manifest.match.languages.map((l: { lang: string; offset: number; entries: number }) => ({ lang: l.lang, offset: l.offset, entries: l.entries }));
  const cols = filterColumnsFromArrow(await arrow(path.join(ws, "filter_columns.parquet")), "filter_columns.parquet");
  const matched = matchedRows(await arrow(path.join(ws, "matches.parquet")));
  const counts = Float64Array.from(await countsOf(ws));
  const thresholds = new WorldwideThresholds(ranges, counts);

  const cases: { flags: string[]; choice: FilterChoice; fraction?: number }[] = [
    { flags: ["--name", "basic_filter"], choice: { name: "basic_filter" } },
    { flags: ["--name", "basic_filter", "--lid", "none", "--min-words", "1", "--min-chars", "3", "--min-side", "150"], choice: { name: "basic_filter", lid: "none", minWords: 1, minChars: 3, minSide: 150 } },
    { flags: ["--name", "clip_score", "--fraction", "0.4"], choice: { name: "clip_score" }, fraction: 0.4 },
  ];
  const movedT = new Set<string>();
  for (const [k, c] of cases.entries()) {
    const what = c.flags.join(" ");
    const F = path.join(dir, `F${k}`), FB = path.join(dir, `FB${k}`);
    ok(cli("filter", "--pool", pool, "--out", F, ...c.flags, "--progress", "none"));
    const p = previewFilter(cols, filterParams({ ...c.choice, ...(c.fraction !== undefined ? { fraction: c.fraction } : {}) }), c.fraction);
    assert.equal(p.rowsKept, manifestOf(F).filter.rows_kept, `${what}: rows kept`);
    assert.ok(p.rowsKept > 0 && p.rowsKept < cols.rows, `${what} removes some rows and keeps some`);

    const composed = composeWithBalance(matched, counts, p.kept, T_EN, thresholds);
    ok(cli("curate", "--metadata", meta, "--pool", path.join(F, "filtered.parquet"), "--out", FB, "--t", String(T_EN), ...language, "--progress", "none"));
    const fb = manifestOf(FB);
    assert.equal(composed.filterThenBalanceProblem, null, what);
    assert.equal(composed.filterThenBalance, fb.balance.expected_size, `${what}: filter then balance, to the bit`);
    assert.equal(composed.matchedKept, fb.match.rows_matched, `${what}: matched rows after the filter`);
    assert.deepEqual(Array.from(composed.countsAfterFilter), await countsOf(FB), `${what}: entry counts after the filter`);
    assert.deepEqual(composed.languages!.map((l) => [l.lang, l.tAfterFilter, l.matchedKept]), fb.balance.languages.map((l: { lang: string; t: number | null; rows_matched: number }) => [l.lang, l.t, l.rows_matched]), `${what}: each language's t and matched rows after the filter`);
    assert.deepEqual(composed.languages!.map((l) => [l.lang, l.t, l.matched]), manifest.balance.languages.map((l: { lang: string; t: number | null; rows_matched: number }) => [l.lang, l.t, l.rows_matched]), `${what}: each language's t and rows before it`);
    assert.equal(composed.balance, manifest.balance.expected_size, "balance alone: the workspace's own expected size");
    composed.languages!.forEach((l, i) => { if (l.t !== l.tAfterFilter && l.lang !== "en") movedT.add(`${what}/${ranges[i].lang}`); });

    // balance then filter: each kept row at its language's t over the workspace's counts, summed by language and in all
    const sum = composed.languages!.reduce((s, l) => s + l.balanceThenFilter, 0);
    assert.ok(Math.abs(sum - composed.balanceThenFilter) < 1e-9, `${what}: the languages' parts add up`);
    assert.ok(composed.balanceThenFilter <= composed.balance && composed.balanceThenFilter > 0, what);
  }
  assert.ok(movedT.size > 0, "filtering first moves some language's t (English's tail share moves with the filter)");

  // a filter that leaves English no match: no t for anyone; the panel says so, and curate refuses the filtered pool alike
  const englishRow = new Set(Array.from({ length: matched.rows }, (_v, r) => r).filter((r) => ranges.find((g: { lang: string }) => g.lang === "en").offset <= matched.ids[matched.starts[r]]
    && matched.ids[matched.starts[r]] < ranges.find((g: { lang: string }) => g.lang === "en").offset + ranges.find((g: { lang: string }) => g.lang === "en").entries).map((r) => matched.poolRow[r]));
  const kept = Uint8Array.from(rows, (_r, i) => (englishRow.has(i) ? 0 : 1));
  const none = composeWithBalance(matched, counts, kept, T_EN, thresholds);
  assert.equal(none.filterThenBalance, null);
  assert.equal(none.entryTAfterFilter, null);
  assert.match(none.filterThenBalanceProblem!, /after the filter, English has no match: its tail share, which sets every language.s t, is undefined/);
  assert.ok(none.languages!.every((l) => l.tAfterFilter === null && l.filterThenBalance === null));
  const noEnglish = path.join(dir, "no-english.parquet");
  await writeParquet(noEnglish, rows.filter((_r, i) => kept[i]), { uid: "VARCHAR", url: "VARCHAR", text: "VARCHAR", lang: "VARCHAR", original_width: "INTEGER", original_height: "INTEGER", clip_b32_similarity_score: "DOUBLE" });
  const refused = cli("curate", "--metadata", meta, "--pool", noEnglish, "--out", path.join(dir, "NE"), "--t", String(T_EN), ...language, "--progress", "none");
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /English has no match/);
});
