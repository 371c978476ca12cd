// Issue 25: the dashboard's filter panel computes DataComp's filters in the browser from a workspace's
// per-row columns (metacurate columns → filter_columns.parquet). Its numbers must be the CLI's: every
// rule's per-condition removals, rows kept and threshold equal `metacurate filter` on the same pool;
// filter then balance equals the expected size `curate` records on filtered.parquet, to the bit; balance
// then filter equals a DuckDB computation of 1 − ∏(1 − min(1, t/count)) over the rows the filter keeps.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { filterColumnsFromArrow } from "../lib/filters/columnsArrow";
import { filterParams, type FilterChoice } from "../lib/filters/params";
import { composeWithBalance, previewFilter } from "../lib/filters/preview";
import { openDuckDB, queryRows, sqlString } from "../lib/pool/duckdb";
import { cli } from "./support/cli";
import { arrow, matchedRows } from "./support/matchesArrow";
import { readParquet, tempDir } from "./support/fixtures";
import { makePool } from "./support/filterPool";

const ok = (r: ReturnType<typeof cli>) => { assert.equal(r.code, 0, r.stderr); return r; };

async function workspace(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet");
  await makePool(pool);
  const metadata = path.join(dir, "metadata.json");
  writeFileSync(metadata, JSON.stringify(["photo", "dress", "shirt", "black", "white", "with", "and", "for", "the", "of", "new", "item", "Women", "Men"]));
  const ws = path.join(dir, "ws");
  ok(cli("curate", "--metadata", metadata, "--pool", pool, "--out", ws, "--t", "30", "--skip-null-text", "--progress", "none"));
  return { dir, pool, metadata, ws };
}

test("the panel's filters count exactly what metacurate filter counts, for every rule, and compose with balancing as curate does", { timeout: 300_000 }, async (t) => {
  const { dir, pool, metadata, ws } = await workspace(t);
  const before = readFileSync(path.join(ws, "matches.parquet"));
  const out = ok(cli("columns", "--workspace", ws, "--progress", "none"));
  assert.match(out.stdout, /fasttext\.wasm .*cld3-asm/);
  assert.deepEqual(readFileSync(path.join(ws, "matches.parquet")), before, "the workspace's files are carried unchanged");
  const manifest = JSON.parse(readFileSync(path.join(ws, "manifest.json"), "utf8"));
  assert.deepEqual(manifest.filter_columns.score_columns, ["clip_b32_similarity_score", "clip_l14_similarity_score"]);
  assert.ok(manifest.balance && manifest.match, "the manifest keeps its match and balance sections");

  const cols = filterColumnsFromArrow(await arrow(path.join(ws, "filter_columns.parquet")), "filter_columns.parquet");
  const matches = await arrow(path.join(ws, "matches.parquet"));
  const matched = matchedRows(matches);
  const counts = Float64Array.from((await readParquet(path.join(ws, "entry_counts.parquet"))).sort((a, b) => Number(a.entry_id) - Number(b.entry_id)).map((r) => Number(r.count)));
  const poolUids = (await readParquet(pool)).map((r) => String(r.uid));
  assert.equal(cols.rows, poolUids.length);

  const cases: { flags: string[]; choice: FilterChoice; fraction?: number }[] = [
    { flags: ["--name", "basic_filter"], choice: { name: "basic_filter" } },
    { flags: ["--name", "basic_filter", "--lid", "none", "--min-words", "3", "--min-chars", "12", "--min-side", "300", "--max-aspect", "2"], choice: { name: "basic_filter", lid: "none", minWords: 3, minChars: 12, minSide: 300, maxAspect: 2 } },
    { flags: ["--name", "clip_score", "--fraction", "0.3"], choice: { name: "clip_score" }, fraction: 0.3 },
    { flags: ["--name", "clip_score", "--arch", "l14", "--threshold", "0.5"], choice: { name: "clip_score", arch: "l14", threshold: 0.5 } },
    { flags: ["--name", "laion2b"], choice: { name: "laion2b" } },
    { flags: ["--name", "no_filter"], choice: { name: "no_filter" } },
  ];
  for (const [k, c] of cases.entries()) {
    const F = path.join(dir, `F${k}`);
    ok(cli("filter", "--pool", pool, "--out", F, ...c.flags, "--progress", "none"));
    const cliFilter = JSON.parse(readFileSync(path.join(F, "manifest.json"), "utf8")).filter;
    const params = filterParams({ ...c.choice, ...(c.fraction !== undefined ? { fraction: c.fraction } : {}) });
    const p = previewFilter(cols, params, c.fraction);
    const what = c.flags.join(" ");
    assert.equal(p.rowsKept, cliFilter.rows_kept, `${what}: rows kept`);
    assert.equal(p.threshold, cliFilter.threshold, `${what}: threshold`);
    assert.deepEqual(p.conditions.map((x) => [x.condition, x.removedAlone, x.removedInOrder]), cliFilter.conditions.map((x: { condition: string; removed_alone: number; removed_in_order: number }) => [x.condition, x.removed_alone, x.removed_in_order]), `${what}: per condition`);
    const keptUids = new Set((await readParquet(path.join(F, "filtered.parquet"))).map((r) => String(r.uid)));
    assert.deepEqual(poolUids.filter((_u, i) => p.kept[i]), poolUids.filter((u) => keptUids.has(u)), `${what}: the same rows`);
    if (c.choice.name === "no_filter") continue;
    assert.ok(p.rowsKept < cols.rows && p.rowsKept > 0, `${what} removes some rows and keeps some`);

    // filter, then balance: the expected size curate records on the filtered pool, to the bit
    const composed = composeWithBalance(matched, counts, p.kept, 30);
    const FB = path.join(dir, `FB${k}`);
    ok(cli("curate", "--metadata", metadata, "--pool", path.join(F, "filtered.parquet"), "--out", FB, "--t", "30", "--skip-null-text", "--progress", "none"));
    const fb = JSON.parse(readFileSync(path.join(FB, "manifest.json"), "utf8"));
    assert.equal(composed.filterThenBalance, fb.balance.expected_size, `${what}: filter then balance`);
    assert.equal(composed.matchedKept, fb.match.rows_matched, `${what}: matched rows after the filter`);
    const fbCounts = (await readParquet(path.join(FB, "entry_counts.parquet"))).sort((a, b) => Number(a.entry_id) - Number(b.entry_id)).map((r) => Number(r.count));
    assert.deepEqual(Array.from(composed.countsAfterFilter), fbCounts, `${what}: entry counts after the filter`);
    assert.equal(composed.balance, manifest.balance.expected_size, "balance alone: the workspace's own expected size");

    // balance, then filter: 1 − ∏(1 − min(1, t/count)) over the matched rows the filter keeps, in SQL
    const con = await openDuckDB();
    try {
      const keptRows = [...p.kept.keys()].filter((i) => p.kept[i]);
      await con.run(`CREATE TABLE kept AS SELECT unnest(${keptRows.length ? `[${keptRows.join(",")}]` : "[]::BIGINT[]"}) AS pool_row`);
      const [r] = await queryRows(con, `WITH m AS (SELECT pool_row, unnest(entry_ids) AS entry_id FROM read_parquet(${sqlString(path.join(ws, "matches.parquet"))})),
        c AS (SELECT entry_id, count FROM read_parquet(${sqlString(path.join(ws, "entry_counts.parquet"))})),
        rowp AS (SELECT pool_row, 1 - exp(sum(ln(greatest(1e-300, 1 - least(1.0, 30.0 / count))))) AS p, bool_or(count <= 30) AS certain FROM m JOIN c USING (entry_id) GROUP BY pool_row)
        SELECT sum(CASE WHEN certain THEN 1 ELSE p END) AS e FROM rowp WHERE pool_row IN (SELECT pool_row FROM kept)`);
      assert.ok(Math.abs(composed.balanceThenFilter - Number(r.e ?? 0)) < 1e-6, `${what}: balance then filter ${composed.balanceThenFilter} vs ${r.e}`);
    } finally {
      con.closeSync();
    }
  }
});

test("columns: a pool with a score added reads as the same rows; another pool, a moved pool and bad flags are refused by name", { timeout: 180_000 }, async (t) => {
  const { dir, pool, ws } = await workspace(t);
  // the same rows with one more score column (as metacurate score adds one)
  const scored = path.join(dir, "scored.parquet"), other = path.join(dir, "other.parquet");
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT *, CAST(hash(uid) % 1000 AS DOUBLE) / 1000 AS tiny_clip_similarity_score FROM read_parquet(${sqlString(pool)})) TO ${sqlString(scored)} (FORMAT parquet)`);
    await con.run(`COPY (SELECT * REPLACE (md5(uid) AS uid) FROM read_parquet(${sqlString(pool)})) TO ${sqlString(other)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  ok(cli("columns", "--workspace", ws, "--pool", scored, "--lid", "none", "--progress", "none"));
  const cols = filterColumnsFromArrow(await arrow(path.join(ws, "filter_columns.parquet")), "filter_columns.parquet");
  assert.deepEqual(Object.keys(cols.scores).sort(), ["clip_b32_similarity_score", "clip_l14_similarity_score", "tiny_clip_similarity_score"]);
  assert.deepEqual(cols.english, {}, "--lid none: no language columns");
  const bad = cli("columns", "--workspace", ws, "--pool", other, "--progress", "none");
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /is not the pool .* was matched from: .* matched rows have another uid there/);
  assert.equal(cli("columns", "--workspace", ws, "--lid", "fasttext", "none").code, 2);
  const noScore = cli("columns", "--workspace", ws, "--score-col", "nope", "--progress", "none");
  assert.equal(noScore.code, 3);
  assert.match(noScore.stderr, /no column "nope"/);
  writeFileSync(pool, "PAR1 changed PAR1");
  const moved = cli("columns", "--workspace", ws, "--progress", "none");
  assert.equal(moved.code, 3);
  assert.match(moved.stderr, /changed since .* was matched from it/);
  // a refused run leaves the workspace as it was: the columns of the last good run
  assert.ok(filterColumnsFromArrow(await arrow(path.join(ws, "filter_columns.parquet")), "f").scores.tiny_clip_similarity_score);
});

test("a curate job that filters first (the dashboard's \"Curate at this t\" with the panel's filter) is filter then curate, byte for byte; sharded, it is refused", { timeout: 240_000 }, async (t) => {
  const data = tempDir(t);
  const pool = path.join(data, "pool.parquet"), metadata = path.join(data, "metadata.json");
  await makePool(pool);
  writeFileSync(metadata, JSON.stringify(["photo", "dress", "shirt", "black", "white", "with", "and", "for", "the", "of", "new", "item"]));
  const spec = path.join(data, "..", `${path.basename(data)}-spec.json`);
  t.after(() => { try { rmSync(spec, { force: true }); } catch { /* gone */ } });
  writeFileSync(spec, JSON.stringify({ kind: "curate", metadata: "metadata.json", pool: ["pool.parquet"], out: "top30-t30", t: 30, "skip-null-text": true, filter: { name: "clip_score", arch: "l14", fraction: 0.3 } }));
  ok(cli("job", "submit", "--data-dir", data, "--spec", spec, "--wait"));
  const direct = tempDir(t);
  ok(cli("filter", "--pool", pool, "--out", path.join(direct, "F"), "--name", "clip_score", "--arch", "l14", "--fraction", "0.3", "--progress", "none"));
  ok(cli("curate", "--metadata", metadata, "--pool", path.join(direct, "F", "filtered.parquet"), "--out", path.join(direct, "FB"), "--t", "30", "--skip-null-text", "--progress", "none"));
  for (const f of ["curated.parquet", "subset.npy", "matches.parquet", "entry_counts.parquet"]) assert.ok(readFileSync(path.join(data, "top30-t30", f)).equals(readFileSync(path.join(direct, "FB", f))), f);
  writeFileSync(spec, JSON.stringify({ kind: "curate", metadata: "metadata.json", pool: ["pool.parquet"], out: "x", t: 30, shards: 2, filter: { name: "clip_score", fraction: 0.3 } }));
  const sharded = cli("job", "submit", "--data-dir", data, "--spec", spec);
  assert.equal(sharded.code, 2);
  assert.match(sharded.stderr, /filters first runs as one task/);
  writeFileSync(spec, JSON.stringify({ kind: "curate", metadata: "metadata.json", pool: ["pool.parquet"], out: "x", t: 30, filter: { name: "basic_filter", fraction: 0.3 } }));
  const mixed = cli("job", "submit", "--data-dir", data, "--spec", spec);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /are for clip_score and laion2b/);
});
