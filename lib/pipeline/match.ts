/**
 * `metacurate match`: pool × metadata → matches.parquet, entry_counts.parquet, size_curve.parquet,
 * manifest.json. Streams the pool (bounded memory), matches on worker threads, and writes every
 * output through a staging folder so a failure leaves nothing behind.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { buildAutomaton, automatonBytes, type AutomatonTables } from "../curation/automaton";
import { SizeCurveAccumulator, sizeCurveGrid } from "../curation/sizeCurve";
import { sortedCounts, tToP } from "../curation/threshold";
import { UsageError, firstLine } from "../errors";
import { loadMetadata, type Metadata } from "../metadata/load";
import { openDuckDB, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { inspectPool, poolRelation, textGroups, DERIVED_UID_RULE, type Pool, type PoolColumnFlags, type PoolOptions, type TextGroup } from "../pool/pool";
import { StagedOutput } from "../util/files";
import type { BatchResult } from "./matchBatch";
import { defaultWorkers } from "./workers";
import { TOOL_VERSION, type Manifest, type MatchSection } from "./manifest";

export interface MatchOptions {
  metadata: string;
  pool: string[];
  columns: PoolColumnFlags;
  skipNullText?: PoolOptions["skipNullText"];
  workers?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  onStage?: (stage: string) => void;
}

export const MATCH_OUTPUTS = ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet"];

/** Matched pairs kept with their url and text for the dashboard's previews. */
export const PREVIEW_ROWS = 20_000;

/** Runs a match into a staged output; the caller commits (possibly after more steps). */
export async function matchInto(out: StagedOutput, opts: MatchOptions): Promise<Manifest> {
  const workers = opts.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new UsageError(`--workers must be an integer from 1 to 256 (got ${workers})`);
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    opts.onStage?.(name);
    const t0 = performance.now();
    try { return await f(); } finally { timings[name] = Math.round(performance.now() - t0); }
  };
  const started = performance.now();
  const con = await openDuckDB();
  try {
    const metadata = await time("load_metadata_ms", () => loadMetadata(opts.metadata));
    const pool = await time("inspect_pool_ms", () => inspectPool(con, opts.pool, opts.columns, { skipNullText: opts.skipNullText }));
    const rssBefore = process.memoryUsage().rss;
    const tables = await time("build_automaton_ms", () => buildAutomaton(metadata.entries));
    const automaton = { nodes: tables.nodeCount, table_bytes: automatonBytes(tables), rss_growth_bytes: process.memoryUsage().rss - rssBefore };

    const csvPath = out.file("matches.csv.tmp");
    const listsPath = out.file("idlists.bin.tmp");
    const stats = await time("match_ms", () => matchPool(con, pool, tables, workers, csvPath, listsPath, opts.onProgress));
    const counts = stats.counts;

    await time("write_entry_counts_ms", () => writeEntryCounts(con, metadata, counts, out.file("entry_counts.parquet"), out.file("entries.json.tmp")));
    // DuckDB writes the parquet files on its own threads while this thread sums the size curve
    const curveSums = sizeCurveSums(counts, listsPath, stats.matchedRows);
    await time("write_matches_ms", async () => {
      await con.run(matchedRowsSql(pool, csvPath));
      await con.run(matchesSql(out.file("matches.parquet")));
    });
    await time("write_preview_ms", () => con.run(previewSql(pool, out.file("preview.parquet"), PREVIEW_ROWS)));
    const curve = await time("size_curve_ms", async () => writeSizeCurve(con, counts, await curveSums, stats.matchedRows, out.file("size_curve.parquet")));

    let maxCount = 0, zero = 0, total = 0;
    for (let i = 0; i < counts.length; i++) { total += counts[i]; if (counts[i] > maxCount) maxCount = counts[i]; if (counts[i] === 0) zero++; }
    timings.total_ms = Math.round(performance.now() - started);
    const match: MatchSection = {
      metadata: metadata.report,
      pool: {
        files: pool.files,
        columns: { text: pool.textColumn, url: pool.urlColumn, uid: pool.uidColumn },
        uid: pool.uidColumn ? `column "${pool.uidColumn}"` : `derived: ${DERIVED_UID_RULE}`,
      },
      rows_read: pool.rows,
      rows_null_text: stats.nullRows,
      rows_matched: stats.matchedRows,
      total_matches: stats.totalMatches,
      entries: counts.length,
      entries_matched: counts.length - zero,
      zero_count_entries: zero,
      max_count: maxCount,
      total_count: total,
      size_curve_points: curve,
      automaton,
      workers,
      timings_ms: timings,
      rows_per_second: Math.round(pool.rows / (timings.total_ms / 1000)),
    };
    return { tool: "metacurate", version: TOOL_VERSION, match };
  } finally {
    con.closeSync();
  }
}

export async function runMatch(outDir: string, opts: MatchOptions): Promise<Manifest> {
  const out = await StagedOutput.open(outDir);
  try {
    const manifest = await matchInto(out, opts);
    await out.writeJson("manifest.json", manifest);
    await out.commit([...MATCH_OUTPUTS, "manifest.json"]);
    return manifest;
  } catch (e) {
    await out.abort();
    throw e;
  }
}

interface MatchStats {
  counts: Float64Array;
  matchedRows: number;
  totalMatches: number;
  nullRows: number;
}

const workerUrl = new URL("./tsWorker.mjs", import.meta.url);
const workerModule = new URL("./matchWorker.ts", import.meta.url).href;

async function matchPool(con: DuckDBConnection, pool: Pool, tables: AutomatonTables, workerCount: number,
  csvPath: string, listsPath: string, onProgress?: MatchOptions["onProgress"]): Promise<MatchStats> {
  const workers = Array.from({ length: workerCount }, () => new Worker(workerUrl, { workerData: { module: workerModule, tables } }));
  const csvFd = openSync(csvPath, "w");
  const listsFd = openSync(listsPath, "w");
  let failure: Error | null = null;
  const pending = new Map<number, BatchResult>();
  const rowsOf = new Map<number, number>();
  let nextToWrite = 0;
  let inFlight = 0;
  let rowsDone = 0;
  let matchedRows = 0, totalMatches = 0, nullRows = 0;
  let wake: (() => void) | null = null;
  const notify = () => { const w = wake; wake = null; w?.(); };
  const flush = () => {
    for (let r = pending.get(nextToWrite); r; r = pending.get(nextToWrite)) {
      pending.delete(nextToWrite);
      if (r.csv.length) writeSync(csvFd, r.csv);
      if (r.idLists.length) writeSync(listsFd, new Uint8Array(r.idLists.buffer, r.idLists.byteOffset, r.idLists.byteLength));
      matchedRows += r.matchedRows;
      totalMatches += r.totalMatches;
      rowsDone += rowsOf.get(nextToWrite)!;
      rowsOf.delete(nextToWrite);
      nextToWrite++;
    }
    onProgress?.(rowsDone, pool.rows);
  };
  for (const w of workers) {
    w.on("message", (m: { type: string; seq: number; result: BatchResult }) => {
      if (m.type !== "result") return;
      pending.set(m.seq, m.result);
      inFlight--;
      try { flush(); } catch (e) { failure ??= e as Error; }
      notify();
    });
    w.on("error", (e) => { failure ??= new Error(`match worker failed: ${firstLine(e)}`); notify(); });
  }
  try {
    const maxInFlight = workerCount * 3;
    let seq = 0;
    for await (const group of textGroups(con, pool)) {
      nullRows += group.nullRows.length;
      while (inFlight >= maxInFlight && !failure) await new Promise<void>((r) => { wake = r; });
      if (failure) throw failure;
      const g: TextGroup = group;
      rowsOf.set(seq, g.rows);
      inFlight++;
      workers[seq % workerCount].postMessage({ type: "group", seq, group: g }, [g.bytes.buffer as ArrayBuffer]);
      seq++;
    }
    while (inFlight > 0 && !failure) await new Promise<void>((r) => { wake = r; });
    if (failure) throw failure;
    const counts = new Float64Array(tables.entryCount);
    const parts = await Promise.all(workers.map((w) => new Promise<Float64Array>((resolve, reject) => {
      w.on("message", (m: { type: string; counts: Float64Array }) => { if (m.type === "counts") resolve(m.counts); });
      w.once("error", reject);
      w.postMessage({ type: "finish" });
    })));
    for (const part of parts) for (let i = 0; i < counts.length; i++) counts[i] += part[i];
    return { counts, matchedRows, totalMatches, nullRows };
  } finally {
    closeSync(csvFd);
    closeSync(listsFd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function writeEntryCounts(con: DuckDBConnection, metadata: Metadata, counts: Float64Array, target: string, tmpJson: string): Promise<void> {
  const fd = openSync(tmpJson, "w");
  try {
    const hasSource = metadata.sources !== null;
    // parquet strings are UTF-8: an entry holding a lone surrogate is stored with U+FFFD in its place
    // (such an entry can never match UTF-8 text anyway; its id and count are exact)
    const lines: string[] = [];
    for (let i = 0; i < metadata.entries.length; i++) {
      lines.push(hasSource
        ? `{"entry_id":${i},"entry":${JSON.stringify(metadata.entries[i].toWellFormed())},"count":${counts[i]},"source":${JSON.stringify(metadata.sources![i]?.toWellFormed() ?? null)}}`
        : `{"entry_id":${i},"entry":${JSON.stringify(metadata.entries[i].toWellFormed())},"count":${counts[i]}}`);
      if (lines.length === 65536) { writeSync(fd, lines.join("\n") + "\n"); lines.length = 0; }
    }
    if (lines.length) writeSync(fd, lines.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
  const source = metadata.sources !== null ? ", source" : "";
  const columns = `{'entry_id': 'INTEGER', 'entry': 'VARCHAR', 'count': 'BIGINT'${metadata.sources ? ", 'source': 'VARCHAR'" : ""}}`;
  await con.run(`COPY (SELECT entry_id, entry, count${source} FROM read_json(${sqlString(tmpJson)}, format = 'newline_delimited', columns = ${columns}) ORDER BY entry_id)
    TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`);
}

/** Temp table `matched` (f, r, uid, ids): the matched rows with their uid, joined with the pool once. */
function matchedRowsSql(pool: Pool, csvPath: string): string {
  return `CREATE OR REPLACE TEMP TABLE matched AS
    SELECT m.f, m.r, p.uid, m.ids
    FROM read_csv(${sqlString(csvPath)}, header = false, auto_detect = false, delim = ',', quote = '', escape = '',
                  columns = {'f': 'INTEGER', 'r': 'BIGINT', 'ids': 'VARCHAR'}) m
    JOIN (SELECT f, r, uid FROM (${poolRelation(pool)})) p ON p.f = m.f AND p.r = m.r`;
}

function matchesSql(target: string): string {
  return `COPY (SELECT uid, CAST(string_split(ids, ' ') AS INTEGER[]) AS entry_ids FROM matched ORDER BY f, r)
    TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`;
}

/**
 * preview.parquet: up to `limit` matched pairs (uid, url, text, entry_ids), the ones whose md5(uid)
 * sorts first, so the sample is spread over the pool and independent of how the pool is sharded.
 * The pool's url and text are read only for those rows.
 */
function previewSql(pool: Pool, target: string, limit: number): string {
  return `COPY (
      SELECT m.uid, CAST(p.url AS VARCHAR) AS url, CAST(p."text" AS VARCHAR) AS "text", CAST(string_split(m.ids, ' ') AS INTEGER[]) AS entry_ids
      FROM (SELECT f, r, uid, ids, md5(uid) AS h FROM matched ORDER BY h, f, r LIMIT ${limit}) m
      JOIN (SELECT f, r, url, "text" FROM (${poolRelation(pool)})) p ON p.f = m.f AND p.r = m.r
      ORDER BY m.h, m.f, m.r)
    TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`;
}

/** E(t) on the grid, summed over the id lists in a few slices that yield to the event loop between them. */
async function sizeCurveSums(counts: Float64Array, listsPath: string, matchedRows: number): Promise<{ grid: number[]; sums: Float64Array }> {
  let maxCount = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > maxCount) maxCount = counts[i];
  const grid = sizeCurveGrid(maxCount);
  const acc = new SizeCurveAccumulator(grid, counts);
  await new Promise((r) => setImmediate(r));
  await forEachIdListAsync(listsPath, (ids, start, end) => acc.addRow(ids, start, end));
  if (acc.rows !== matchedRows) throw new Error(`size curve saw ${acc.rows} rows, expected ${matchedRows}`);
  return { grid, sums: acc.values() };
}

async function writeSizeCurve(con: DuckDBConnection, counts: Float64Array, curve: { grid: number[]; sums: Float64Array }, matchedRows: number, target: string): Promise<number> {
  const { grid, sums } = curve;
  const total = counts.reduce((a, b) => a + b, 0);
  const sorted = sortedCounts(counts);
  const values = grid.map((t, k) => {
    let head = 0;
    for (let i = sorted.length - 1; i >= 0 && sorted[i] > t; i--) head++;
    const p = total > 0 ? tToP(counts, t) : 1;
    return `(${t}, ${sums[k]}, ${matchedRows > 0 ? sums[k] / matchedRows : 0}, ${p}, ${head})`;
  });
  await con.run(`COPY (SELECT CAST(t AS BIGINT) AS t, CAST(e AS DOUBLE) AS expected_size, CAST(k AS DOUBLE) AS keep_rate,
      CAST(p AS DOUBLE) AS tail_share, CAST(h AS BIGINT) AS head_entries
      FROM (VALUES ${values.join(", ")}) v(t, e, k, p, h) ORDER BY t)
    TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`);
  return grid.length;
}

/**
 * Streams the binary id lists ([n, id1..idn] per matched row, int32 LE) written during matching,
 * yielding to the event loop between chunks so queued DuckDB work keeps being issued meanwhile.
 */
export async function forEachIdListAsync(file: string, visit: (ids: Int32Array, start: number, end: number) => void): Promise<void> {
  const fd = openSync(file, "r");
  try {
    let buf = new Int32Array(1 << 18);
    let have = 0;
    for (;;) {
      const bytes = new Uint8Array(buf.buffer, have * 4, (buf.length - have) * 4);
      const read = readSync(fd, bytes, 0, bytes.length, null);
      if (read % 4 !== 0) throw new Error("id list file is truncated");
      have += read / 4;
      let p = 0;
      while (p < have && p + 1 + buf[p] <= have) {
        visit(buf, p + 1, p + 1 + buf[p]);
        p += 1 + buf[p];
      }
      if (read === 0) {
        if (p !== have) throw new Error("id list file is truncated");
        return;
      }
      if (p === 0 && have === buf.length) { const g = new Int32Array(buf.length * 2); g.set(buf); buf = g; continue; }
      buf.copyWithin(0, p, have);
      have -= p;
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    closeSync(fd);
  }
}
