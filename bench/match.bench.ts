// Matching benchmark (npm run bench:match). Not a test: prints figures and ratios against a named
// baseline measured in the same run. Data: the 10,000 LAION captions of ../shared repeated to
// 1,000,000 rows; metadata lists of 100k and 500k entries (tests/support/metadataLists.ts).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { buildAutomaton, TokenMatcher, type AutomatonTables } from "../lib/curation/automaton";
import { encodeWtf8 } from "../lib/curation/utf8";
import { matchRange } from "./matchRange";
import { PARQUET_OPTIONS, PARQUET_ROW_OPTIONS, openDuckDB, sqlString } from "../lib/pool/duckdb";
import { LAION_10K, REPO, hasLaion, laionCaptions } from "../tests/support/fixtures";
import { list100k, list500k } from "../tests/support/metadataLists";

const ROWS = 1_000_000;
const BASELINE_CAPTIONS = 20_000;
const BASELINE_TIMEOUT_MS = 300_000;
const OUT = path.join(REPO, "bench/out");

if (!hasLaion) {
  console.log(`bench:match needs ${LAION_10K}`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const fmt = (x: number) => Math.round(x).toLocaleString("en");
const mb = (b: number) => (b / 1e6).toFixed(0) + " MB";

const captions = await laionCaptions();
// the pool path turns \n and \r into spaces before matching (they are spaces to MetaCLIP too)
const encoded = captions.map((c) => encodeWtf8(c.replace(/[\n\r]/g, " ")));
const perRepeat = encoded.reduce((n, b) => n + b.length + 1, 0);
const repeats = Math.ceil(ROWS / captions.length);
const bytes = new Uint8Array(new SharedArrayBuffer(perRepeat * repeats));
const starts = new Int32Array(new SharedArrayBuffer((ROWS + 1) * 4));
let pos = 0;
for (let r = 0, row = 0; r < repeats; r++) for (const b of encoded) {
  if (row < ROWS) starts[row++] = pos;
  bytes.set(b, pos); pos += b.length; bytes[pos++] = 10;
}
starts[ROWS] = starts[ROWS - 1] + encoded[(ROWS - 1) % encoded.length].length + 1;
const textMB = (starts[ROWS] - ROWS) / 1e6;
console.log(`data: ${fmt(ROWS)} captions (${captions.length} LAION captions x ${repeats}), ${textMB.toFixed(1)} MB of text, ${os.availableParallelism()} cores\n`);

function singleThread(tables: AutomatonTables): { perSec: number; matches: number } {
  const m = new TokenMatcher(tables);
  matchRange(m, bytes, starts, 0, 20_000); // warm-up
  const t0 = performance.now();
  const matches = matchRange(m, bytes, starts, 0, ROWS);
  return { perSec: ROWS / ((performance.now() - t0) / 1000), matches };
}

async function inWorkers(tables: AutomatonTables, n: number): Promise<number> {
  const workers = Array.from({ length: n }, (_, k) => new Worker(new URL("../lib/pipeline/tsWorker.mjs", import.meta.url), {
    workerData: { module: new URL("./throughputWorker.ts", import.meta.url).href, tables, bytes, starts, from: Math.floor((k * ROWS) / n), to: Math.floor(((k + 1) * ROWS) / n) },
  }));
  await new Promise((r) => setTimeout(r, 1500)); // let every worker load before the clock starts
  const t0 = performance.now();
  await Promise.all(workers.map((w) => new Promise((resolve) => { w.once("message", resolve); w.postMessage("go"); })));
  const ms = performance.now() - t0;
  await Promise.all(workers.map((w) => w.terminate()));
  return ROWS / (ms / 1000);
}

const BASELINES = ["modern-ahocorasick", "@monyone/aho-corasick", "ahocorasick"];
const captionsFile = path.join(OUT, "captions.json");
writeFileSync(captionsFile, JSON.stringify(captions));

/** Each npm package in its own process (its memory, and a crash or a heap overflow, stay its own). */
function runBaseline(name: string, listFile: string): { name: string; build: number; perSec: number; rss: number } | null {
  const r = spawnSync(process.execPath, ["--max-old-space-size=16000", "--import", "tsx", path.join(REPO, "bench/baselineRun.ts"), name, listFile, captionsFile, String(BASELINE_CAPTIONS)],
    { encoding: "utf8", timeout: BASELINE_TIMEOUT_MS });
  if (r.signal) { console.log(`  npm ${name}: did not finish within ${BASELINE_TIMEOUT_MS / 1000} s (build + ${fmt(BASELINE_CAPTIONS)} captions)`); return null; }
  if (r.status !== 0) { console.log(`  npm ${name}: failed (${r.stderr.trim().split("\n").pop()})`); return null; }
  return { name, ...JSON.parse(r.stdout) };
}

const results: Record<string, unknown> = {};
process.on("exit", () => writeFileSync(path.join(OUT, "match-results.json"), JSON.stringify(results, null, 2)));
// `npm run bench:match -- --end-to-end` runs only the end-to-end part (the metadata lists are still made);
// `-- --scale N` only the scale check: curate on N rows against 1M rows, both under a 1 GB DuckDB cap
const endToEndOnly = process.argv.includes("--end-to-end");
const scaleAt = process.argv.indexOf("--scale");
const scaleRows = scaleAt >= 0 ? Number(process.argv[scaleAt + 1]) : 0;
if (scaleAt >= 0 && !(Number.isInteger(scaleRows) && scaleRows > ROWS)) {
  console.log(`--scale needs a whole number of rows above ${fmt(ROWS)} (got ${process.argv[scaleAt + 1]})`);
  process.exit(2);
}
for (const [name, make] of [["100k", list100k], ["500k", list500k]] as const) {
  const entries = await make(captions);
  const listFile = path.join(OUT, `metadata-${name}.json`);
  writeFileSync(listFile, JSON.stringify(entries));
  if (endToEndOnly || scaleRows) continue;
  const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", path.join(REPO, "bench/buildAutomaton.ts"), listFile], { encoding: "utf8" });
  const build = JSON.parse(child.stdout) as { ms: number; tableBytes: number; peakGrowth: number; nodes: number; tokens: number };
  const tables = buildAutomaton(entries);
  const one = singleThread(tables);
  const oneWorker = await inWorkers(tables, 1);
  const all = await inWorkers(tables, os.availableParallelism());
  console.log(`metacurate, ${name} metadata (${fmt(entries.length)} entries, ${fmt(build.tokens)} tokens, ${fmt(build.nodes)} nodes)`);
  console.log(`  build ${(build.ms / 1000).toFixed(2)} s, tables ${mb(build.tableBytes)}, peak memory growth ${mb(build.peakGrowth)}`);
  console.log(`  1 thread:  ${fmt(one.perSec)} captions/s, ${(one.perSec * textMB / ROWS).toFixed(1)} MB/s on the main thread; ${fmt(oneWorker)} captions/s in one worker (${(one.matches / ROWS).toFixed(1)} matches per caption)`);
  console.log(`  ${os.availableParallelism()} threads: ${fmt(all)} captions/s, ${(all * textMB / ROWS).toFixed(1)} MB/s`);
  const base = BASELINES.map((b) => runBaseline(b, listFile)).filter((b) => b !== null);
  for (const b of base) console.log(`  npm ${b.name}: build ${(b.build / 1000).toFixed(2)} s, ${mb(b.rss)}, ${fmt(b.perSec)} captions/s (1 thread, ${fmt(BASELINE_CAPTIONS)} captions)`);
  const best = base.reduce((a, b) => (b.perSec > a.perSec ? b : a));
  console.log(`  baseline = fastest npm package here, ${best.name}: metacurate is ${(Math.max(one.perSec, oneWorker) / best.perSec).toFixed(1)}x on 1 thread, ${(all / best.perSec).toFixed(1)}x on all cores\n`);
  results[name] = { entries: entries.length, build, one: Math.max(one.perSec, oneWorker), all, baseline: best };
}

// end to end: parquet -> all outputs, through the real command
/** The LAION captions repeated to `rows` rows, as a parquet pool (made once, kept in bench/out). */
async function laionPool(rows: number): Promise<string> {
  const file = path.join(OUT, rows === ROWS ? "laion-1m.parquet" : `laion-${rows}.parquet`);
  if (!existsSync(file)) {
    const con = await openDuckDB();
    await con.run(`COPY (SELECT * FROM read_parquet(${sqlString(LAION_10K)}), range(${Math.ceil(rows / captions.length)}) LIMIT ${rows}) TO ${sqlString(file)} (FORMAT parquet)`);
    con.closeSync();
  }
  return file;
}

/**
 * The 1M-row pool with every row made distinct (url + "#" + row; caption + " " + row % 997), as in a
 * real crawl, where uids, urls and captions seldom repeat: parquet's dictionaries no longer shrink
 * the pool or the outputs, and every row's uid sorts on its own.
 */
async function distinctPool(): Promise<string> {
  const file = path.join(OUT, "laion-1m-distinct.parquet");
  if (!existsSync(file)) {
    const con = await openDuckDB();
    await con.run(`COPY (SELECT URL || '#' || CAST(file_row_number AS VARCHAR) AS URL, TEXT || ' ' || CAST(file_row_number % 997 AS VARCHAR) AS TEXT
        FROM read_parquet(${sqlString(await laionPool(ROWS))}, file_row_number = true) ORDER BY file_row_number)
      TO ${sqlString(file)} (FORMAT parquet)`);
    con.closeSync();
  }
  return file;
}

type RunManifest = { match: { timings_ms: Record<string, number> }; balance: { timings_ms: Record<string, number>; peak_rss_mb: number } };

/** One `metacurate curate` of `pool` with the 100k or 500k list, through the real command: wall seconds and its manifest. */
function curateRun(name: string, pool: string, out: string, extra: string[] = []): { wall: number; m: RunManifest } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "curate", "--metadata", path.join(OUT, `metadata-${name}.json`),
    "--pool", pool, "--out", out, "--t", "20000", "--seed", "0", ...extra], { encoding: "utf8" });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) { console.log(r.stderr); process.exit(1); }
  return { wall, m: JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) };
}

const stagesOf = (m: RunManifest) => Object.entries({ ...m.match.timings_ms, ...Object.fromEntries(Object.entries(m.balance.timings_ms).map(([k, v]) => [`balance_${k}`, v])) })
  .map(([k, v]) => `${k.replace(/_ms$/, "")} ${v}`).join(", ");

if (scaleRows) {
  // the baseline is the same command on the 1M-row pool in this run: per-row cost should not grow with the pool
  const cap = ["--memory-limit", "1"];
  const base = curateRun("100k", await laionPool(ROWS), path.join(OUT, "ws-scale-1m"), cap);
  const big = curateRun("100k", await laionPool(scaleRows), path.join(OUT, "ws-scale"), cap);
  for (const [rows, run] of [[ROWS, base], [scaleRows, big]] as const) {
    console.log(`scale, metacurate curate, 100k metadata, ${fmt(rows)} rows, --memory-limit 1: ${run.wall.toFixed(1)} s wall = ${fmt(rows / run.wall)} rows/s, `
      + `peak resident memory ${fmt(run.m.balance.peak_rss_mb)} MB`);
    console.log(`  stages, ms: ${stagesOf(run.m)}`);
  }
  console.log(`scale: time per row at ${fmt(scaleRows)} rows is ${((big.wall / scaleRows) / (base.wall / ROWS)).toFixed(2)}x that at ${fmt(ROWS)}; `
    + `peak memory ${(big.m.balance.peak_rss_mb / base.m.balance.peak_rss_mb).toFixed(2)}x for ${fmt(scaleRows / ROWS)}x the rows`);
  process.exit(0);
}
const poolFile = await laionPool(ROWS);
// a floor for the end-to-end figure, measured in this run: native DuckDB alone reading the pool and
// writing all of its columns back as zstd parquet (no matching, no balancing)
{
  const con = await openDuckDB();
  const copies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await con.run(`COPY (SELECT * FROM read_parquet(${sqlString(poolFile)})) TO ${sqlString(path.join(OUT, "pool-copy.parquet"))} (FORMAT parquet, COMPRESSION zstd)`);
    copies.push((performance.now() - t0) / 1000);
  }
  con.closeSync();
  const best = Math.min(...copies);
  console.log(`end to end, I/O floor: DuckDB copying the ${fmt(ROWS)}-row pool parquet to zstd parquet, nothing else: ${best.toFixed(2)} s = ${fmt(ROWS / best)} rows/s (best of 3)`);
}

/**
 * The part of a curate run that no pipeline of these parts avoids, each measured on all cores:
 * DuckDB reading the pool and deriving its uids (md5), matching every caption at the rate measured
 * above, and DuckDB writing the run's own output files again from tables already in memory.
 */
async function workFloor(ws: string, matchPerSec: number | undefined): Promise<string> {
  const con = await openDuckDB();
  const best = async (sql: string) => {
    let t = Infinity;
    for (let i = 0; i < 3; i++) { const t0 = performance.now(); await con.run(sql); t = Math.min(t, (performance.now() - t0) / 1000); }
    return t;
  };
  const uids = await best(`CREATE OR REPLACE TABLE uids AS SELECT md5(coalesce(URL, '') || chr(9) || coalesce(TEXT, '')) AS uid FROM read_parquet(${sqlString(poolFile)})`);
  let writes = 0;
  const parts: string[] = [];
  for (const f of ["matches", "curated", "preview", "entry_counts", "size_curve"]) {
    await con.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet(${sqlString(path.join(ws, `${f}.parquet`))})`);
    const options = f === "entry_counts" || f === "size_curve" ? PARQUET_OPTIONS : PARQUET_ROW_OPTIONS; // as the pipeline writes each
    const w = await best(`COPY t TO ${sqlString(path.join(OUT, "floor-copy.parquet"))} (${options})`);
    writes += w;
    parts.push(`${f} ${Math.round(w * 1000)}`);
  }
  con.closeSync();
  const matching = matchPerSec ? ROWS / matchPerSec : 0;
  const floor = uids + matching + writes;
  return `floor of the work itself: ${floor.toFixed(2)} s = ${fmt(ROWS / floor)} rows/s at best, before process start, metadata and tables `
    + `(reading the pool and deriving uids ${Math.round(uids * 1000)} ms; ${matching ? `matching on all cores at the rate above ${Math.round(matching * 1000)} ms` : "matching not measured in this run"}; `
    + `DuckDB writing the same files from memory ${Math.round(writes * 1000)} ms: ${parts.join(", ")})`;
}

const E2E_RUNS = 3;
for (const name of ["100k", "500k"]) {
  const out = path.join(OUT, `ws-${name}`);
  const runs: { wall: number; m: RunManifest }[] = [];
  for (let i = 0; i < E2E_RUNS; i++) runs.push(curateRun(name, poolFile, out));
  runs.sort((a, b) => a.wall - b.wall);
  const { wall, m } = runs[Math.floor(E2E_RUNS / 2)];
  const inside = (m.match.timings_ms.total_ms + m.balance.timings_ms.total_ms) / 1000;
  console.log(`end to end, metacurate curate, ${name} metadata, ${fmt(ROWS)} rows, median of ${E2E_RUNS} runs: ${wall.toFixed(2)} s wall = ${fmt(ROWS / wall)} rows/s `
    + `(runs ${runs.map((x) => x.wall.toFixed(2)).join(" / ")} s; ${fmt(ROWS / inside)} rows/s excluding process start and exit)`);
  console.log(`  stages of the median run, ms: ${stagesOf(m)}`);
  console.log(`  ${await workFloor(out, (results[name] as { all?: number } | undefined)?.all)}`);
}
{
  const runs: { wall: number; m: RunManifest }[] = [];
  const pool = await distinctPool();
  for (let i = 0; i < E2E_RUNS; i++) runs.push(curateRun("100k", pool, path.join(OUT, "ws-distinct")));
  runs.sort((a, b) => a.wall - b.wall);
  const { wall, m } = runs[Math.floor(E2E_RUNS / 2)];
  console.log(`end to end, metacurate curate, 100k metadata, ${fmt(ROWS)} distinct rows (no uid, url or caption repeats), median of ${E2E_RUNS} runs: `
    + `${wall.toFixed(2)} s wall = ${fmt(ROWS / wall)} rows/s (runs ${runs.map((x) => x.wall.toFixed(2)).join(" / ")} s)`);
  console.log(`  stages of the median run, ms: ${stagesOf(m)}`);
}
