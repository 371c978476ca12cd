// The dashboard's SQL builders and figures, run on an engine-made workspace, against the engine's own results.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { CountDistribution } from "../lib/curation/distribution";
import { cumulativeSeries, rankSeries } from "../lib/browser/chartData";
import { filterPairs } from "../lib/browser/pairs";
import { readFileSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";
import { readParquet as readParquetWasm } from "parquet-wasm/node";
import { countsFromArrow } from "../lib/browser/entryCounts";
import { bandTableSql, createEntriesSql, entriesByIdSql, entryOrderSql, entryPageSql, scaledBands, sourceTableSql } from "../lib/browser/sql";
import { FASHION_MNIST_DIR } from "../lib/demo/fashionMnist";
import { openDuckDB, queryRows, sqlString } from "../lib/pool/duckdb";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";

const SKIP = existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} missing`;

test("SQL builders and figures agree with the engine's stats, curated set and counts", { skip: SKIP, timeout: 300_000 }, async (t) => {
  const ws = path.join(tempDir(t), "demo");
  assert.equal(cli("demo", "--out", ws, "--rows", "3000").code, 0);
  const con = await openDuckDB();
  t.after(() => con.closeSync());
  await con.run(`CREATE TABLE raw AS SELECT * FROM read_parquet(${sqlString(path.join(ws, "entry_counts.parquet"))})`);
  await con.run(createEntriesSql("raw", true));
  // the page's path: parquet-wasm → Arrow → counts by id, equal to the engine's counts
  const entryCountsFile = path.join(ws, "entry_counts.parquet");
  const arrow = tableFromIPC(readParquetWasm(readFileSync(entryCountsFile)).intoIPCStream());
  const { countsById: browserCounts, hasSource } = countsFromArrow(arrow, "entry_counts.parquet");
  const engineCounts = (await readParquet(entryCountsFile)).map((r) => Number(r.count));
  const countsById = Array.from(browserCounts);
  assert.deepEqual(countsById, engineCounts);
  assert.equal(hasSource, true);
  const [{ rows: tableRows }] = await queryRows(con, "SELECT count(*)::INTEGER AS rows FROM entries");
  assert.equal(Number(tableRows), engineCounts.length);
  const dist = new CountDistribution(countsById);

  for (const tv of [1, 5, 37, 160, 1000, 1e6]) {
    const e = JSON.parse(cli("stats", "--in", ws, "--t", String(tv), "--json").stdout);
    const f = dist.figuresAt(tv);
    assert.equal(f.headEntries, e.at_t.head_entries);
    assert.equal(f.headShare, e.at_t.head_share);
    assert.equal(f.tailShare, e.at_t.tail_share);
    assert.equal(f.cappedMatches, e.at_t.capped_matches);
    assert.equal(dist.zeroEntries, e.zero_count_entries);
    // bands and sources partition the entries and sum to the same before/after totals
    const bands = await queryRows(con, bandTableSql(scaledBands(dist.total).map((b) => b.lower), tv));
    // a worldwide language's range of ids: the bands over those entries alone
    const half = { offset: 0, entries: Math.floor(countsById.length / 2) };
    const inHalf = await queryRows(con, bandTableSql(scaledBands(dist.total).map((b) => b.lower), tv, half));
    assert.equal(inHalf.reduce((n, b) => n + Number(b.entries), 0), half.entries, "the range's entries, every one in a band");
    assert.equal(inHalf.reduce((n, b) => n + Number(b.before), 0), countsById.slice(0, half.entries).reduce((a, b) => a + b, 0));
    assert.equal(bands.reduce((a, b) => a + Number(b.entries), 0), engineCounts.length);
    assert.equal(bands.reduce((a, b) => a + Number(b.before), 0), dist.total);
    assert.equal(bands.reduce((a, b) => a + Number(b.after), 0), f.cappedMatches);
    const sources = await queryRows(con, sourceTableSql(tv));
    assert.deepEqual(sources.map((s) => s.source).sort(), ["synonyms", "wordnet"]);
    assert.equal(sources.reduce((a, s) => a + Number(s.after), 0), f.cappedMatches);
    assert.equal(sources.reduce((a, s) => a + Number(s.zero), 0), e.zero_count_entries);
  }
  const e = JSON.parse(cli("stats", "--in", ws, "--p", "0.2", "--json").stdout);
  assert.equal(dist.tForTailShare(0.2), e.at_t.t);

  // charts: the raw cumulative curve ends at the total, the capped one at Σ min(c, t); ranks descend
  const cum = cumulativeSeries(dist, [{ t: Infinity, label: "raw" }, { t: 50, label: "50" }]);
  assert.equal(cum.filter((p) => p.series === "raw").at(-1)!.cumulative, dist.total);
  assert.equal(cum.filter((p) => p.series === "50").at(-1)!.cumulative, dist.figuresAt(50).cappedMatches);
  const ranks = rankSeries(dist, 50).filter((p) => p.series.startsWith("before"));
  assert.equal(ranks[0].count, dist.maxCount);
  for (let i = 1; i < ranks.length; i++) assert.ok(ranks[i].count <= ranks[i - 1].count);

  // entries: search, sort, windows, by id
  const expected = (await readParquet(path.join(ws, "entry_counts.parquet"))).filter((r) => String(r.entry).toLowerCase().includes("dress"));
  assert.equal(Number((await queryRows(con, entryPageSql({ search: "Dress", sort: "entry", desc: false }, 0, 1)))[0].total), expected.length);
  const page = await queryRows(con, entryPageSql({ search: "dress", sort: "count", desc: true }, 0, 5));
  assert.ok(page.every((r) => Number(r.total) === expected.length));
  for (const q of [{ search: "dress", sort: "count", desc: true }, { search: "", sort: "entry", desc: false }, { search: "s", sort: "entry_id", desc: true }] as const) {
    const ids = (await queryRows(con, entryOrderSql(q))).map((r) => Number(r.entry_id));
    const window = (await queryRows(con, entryPageSql(q, 50, 40))).map((r) => Number(r.entry_id));
    assert.deepEqual(ids.slice(50, 90), window, `the full order and a window agree (${JSON.stringify(q)})`);
  }
  assert.deepEqual(page.map((r) => Number(r.entry_id)), [...expected].sort((a, b) => Number(b.count) - Number(a.count) || Number(a.entry_id) - Number(b.entry_id)).slice(0, 5).map((r) => Number(r.entry_id)));
  assert.equal((await queryRows(con, entryPageSql({ search: "100%_\\'", sort: "count", desc: true }, 0, 5))).length, 0, "wildcards and quotes in a search are literal");
  assert.equal((await queryRows(con, entryPageSql({ search: "%", sort: "count", desc: true }, 0, 5))).length, 0, "% matches only a literal %");
  const byId = await queryRows(con, entriesByIdSql([3, 1, 2]));
  assert.deepEqual(byId.map((r) => Number(r.entry_id)), [1, 2, 3]);

  // the preview's kept/dropped at the workspace's t and seed is the curated set
  const m = JSON.parse(cli("stats", "--in", ws, "--json").stdout);
  const manifest = JSON.parse((await import("node:fs")).readFileSync(path.join(ws, "manifest.json"), "utf8"));
  assert.ok(m.rows_matched > 0);
  const preview = (await readParquet(path.join(ws, "preview.parquet"))).map((r) => ({ uid: String(r.uid), url: r.url as string, text: String(r.text), entryIds: r.entry_ids as unknown as number[] }));
  const curated = new Set((await readParquet(path.join(ws, "curated.parquet"))).map((r) => String(r.uid)));
  const judged = filterPairs(preview, countsById, manifest.balance.t, manifest.balance.seed, { keep: "all", entry: null, text: "" });
  assert.equal(judged.length, preview.length);
  for (const j of judged) assert.equal(j.kept, curated.has(j.uid), j.uid);
});
