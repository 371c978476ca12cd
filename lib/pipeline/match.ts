/**
 * `metacurate match`: pool × metadata → matches.parquet, entry_counts.parquet, size_curve.parquet,
 * preview.parquet, manifest.json. Streams the pool (bounded memory), matches on worker threads,
 * appends the matched rows straight into DuckDB (table `matched`) and spools them to temp files
 * for the passes after, and writes every output through a staging folder so a failure leaves
 * nothing behind.
 */
import { stageTimer } from "../util/stageTimer";
import { Worker } from "node:worker_threads";
import { BIGINT, INTEGER, LIST, VARCHAR } from "@duckdb/node-api";
import { buildAutomaton, automatonBytes, type AutomatonTables } from "../curation/automaton";
import { buildWorldwideTables, NO_LANGUAGE, worldwideTablesBytes, type WorldwideTables } from "../curation/worldwideMatcher";
import { ENGLISH, languageOfId, WorldwideSizeCurve, WorldwideThresholds, type LanguageRange } from "../curation/worldwideBalance";
import { languageColumn, lidLanguages, readLanguageMap, type LanguageColumn, type LanguageMap } from "../pool/languages";
import { LANGUAGES_FILE, LidRows } from "./lidRows";
import type { LidRequest } from "./matchLid";
import { loadLanguageId } from "../filters/languageId";
import { sizeCurveGrid } from "../curation/sizeCurve";
import { SizeCurveKernel } from "../curation/sizeCurveKernel";
import { sortedCounts } from "../curation/threshold";
import { InputError, UsageError, firstLine, quoted } from "../errors";
import { loadMetadata, type Metadata } from "../metadata/load";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../pool/bulkAppend";
import { anotherConnection, PARQUET_OPTIONS, PARQUET_ROW_OPTIONS, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { fileOffsets, inspectPool, poolRelation, textGroups, DERIVED_UID_RULE, GROUP_ROWS, type Pool, type PoolColumnFlags, type PoolOptions, type TextGroup } from "../pool/pool";
import { z } from "zod";
import { workersField } from "../options/fields";
import { parseOptions } from "../options/validate";
import { sha256FilesInWorker, type FileHashing } from "../util/files";
import type { RunInput, StagedOutput } from "../util/stagedOutput";
import type { BatchResult } from "./matchBatch";
import { cachedTables } from "./tablesCache";
import { languageFlagsProblem } from "../options/languageFlags";
import { MatchSpool } from "./matchSpool";
import { memoryLimitGb, runStaged, peakRssMb } from "./stagedRun";
import { defaultWorkers } from "./workers";
import { TOOL_VERSION, type LanguageSection, type Manifest, type MatchSection } from "../workspace/manifest";

export interface MatchOptions {
  metadata: string;
  pool: string[];
  columns: PoolColumnFlags;
  skipNullText?: PoolOptions["skipNullText"];
  workers?: number;
  /** DuckDB's memory cap in GB (default: defaultMemoryLimitGb()). */
  memoryLimitGb?: number;
  /** Match only shard I of S of the pool (lib/pool/poolSplit), for a sharded job's reduce to combine. */
  shard?: { index: number; count: number };
  /** A folder where the built matcher tables are kept for the next run on the same metadata (lib/pipeline/tablesCache). */
  tablesCache?: string;
  /**
   * A worldwide match's caption languages (metadata: a folder of {lang}.json): a pool column or a
   * language-ID model (one of them), and a map of their labels to metadata languages.
   */
  language?: { column?: string; lid?: "fasttext" | "cld3"; map?: string };
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  onStage?: (stage: string) => void;
}

export const MATCH_OUTPUTS = ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet"];
/** A match shard's: no preview (the merge picks it pool-wide). */
export const SHARD_OUTPUTS = MATCH_OUTPUTS.filter((f) => f !== "preview.parquet");

/** The files a match writes: a language-ID match also writes every row's language (languages.parquet). */
export function matchOutputs(opts: Pick<MatchOptions, "shard" | "language">): string[] {
  return [...(opts.shard ? SHARD_OUTPUTS : MATCH_OUTPUTS), ...(opts.language?.lid ? [LANGUAGES_FILE] : [])];
}

/** Matched pairs kept with their url and text for the dashboard's previews. */
export const PREVIEW_ROWS = 20_000;

/** What a match leaves for the steps after it in the same run (curate's balance). */
export interface MatchRun {
  counts: Float64Array;
  /** The matched rows, in pool order, streamable. */
  spool: MatchSpool;
}

/** DuckDB table of the matched rows: k (0-based, pool order), pool_row, uid, entry_ids. */
export const MATCHED_TABLE = "matched";

/** Runs a match into a staged output on `con`; the caller commits (possibly after more steps). */
export async function matchInto(out: StagedOutput, con: DuckDBConnection, opts: MatchOptions): Promise<{ manifest: Manifest; run: MatchRun }> {
  const workers = opts.workers ?? defaultWorkers();
  parseOptions(z.object({ workers: workersField }), { workers });
  const timings: Record<string, number> = {};
  const time = stageTimer(timings, opts.onStage);
  const started = performance.now();
  // the workers start up (tsx, the kernel) while this thread loads the metadata and builds the tables
  const matchWorkers = new MatchWorkers(workers);
  const spool = new MatchSpool(out.file("spool-"));
  let poolHashing: FileHashing | null = null;
  try {
    const metadata = await time("load_metadata_ms", () => loadMetadata(opts.metadata));
    const worldwide = metadata.languages ?? null;
    const language = opts.language;
    const problem = languageFlagsProblem(opts.metadata, worldwide !== null, { "lang-col": language?.column, lid: language?.lid, "lid-map": language?.map });
    if (problem) throw new UsageError(problem);
    const langCodes = worldwide?.map((l) => l.lang) ?? [];
    const langMap: LanguageMap | null = worldwide && opts.language?.map ? await readLanguageMap(opts.language.map, langCodes) : null;
    const pool = await time("inspect_pool_ms", () => inspectPool(con, opts.pool, { ...opts.columns, ...(language?.column ? { lang: language.column } : {}) },
      { skipNullText: opts.skipNullText, shard: opts.shard }));
    const range = pool.range ?? { from: 0, to: pool.rows };
    const langs: LanguageColumn | null = worldwide && language?.column ? await time("read_languages_ms", () => languageColumn(con, pool, language.column!, langCodes, langMap, NO_LANGUAGE, pool.range)) : null;
    if (langs) refuseAllOther(langs.rows, langCodes, langMap, [...langs.labels].map(([label, rows]) => ({ label, rows })));
    const lid: LidRequest | null = worldwide && language?.lid ? { engine: language.lid, languages: lidLanguages(langCodes, langMap) } : null;
    // loaded here too: its package and version go in the manifest, and a model that cannot load fails the run before the workers start
    const lidModel = lid ? (await time("load_lid_ms", () => loadLanguageId(lid.engine))).model : null;
    // hashed on a thread of its own while this one builds the tables (a core is free then) and after;
    // a shard hashes the files that start in it, so each file is hashed once across a job
    const hashed = pool.files.map((_f, i) => ownsFile(pool, i, range));
    poolHashing = sha256FilesInWorker(pool.files.filter((_f, i) => hashed[i]).map((f) => f.path));
    const groups = textGroups(con, pool, pool.range, langs?.indexSql); // DuckDB starts reading while the tables are built
    const rssBefore = process.memoryUsage().rss;
    let fromCache = false;
    const tables: MatcherTables = await time("build_automaton_ms", async () => {
      if (worldwide) {
        const build = () => {
          let at = 0;
          return buildWorldwideTables(worldwide.map((l) => ({ lang: l.lang, entries: metadata.entries.slice(at, (at += l.entries)) })));
        };
        if (!opts.tablesCache) return { worldwide: build() };
        const fits = (t: WorldwideTables) => t.entryCount === metadata.entries.length && t.languages.length === worldwide.length
          && t.languages.every((l, i) => l.lang === worldwide[i].lang && l.offset === worldwide[i].offset && l.entries === worldwide[i].entries);
        const { tables, cached } = await cachedTables(opts.tablesCache, "worldwide", metadata.report.metadataHash, build, fits);
        fromCache = cached;
        return { worldwide: tables };
      }
      if (!opts.tablesCache) return { tokens: buildAutomaton(metadata.entries) };
      const { tables, cached } = await cachedTables(opts.tablesCache, "automaton", metadata.report.metadataHash, () => buildAutomaton(metadata.entries), (t) => t.entryCount === metadata.entries.length);
      fromCache = cached;
      return { tokens: tables };
    });
    const tokenTables = tables.worldwide?.tokens ?? tables.tokens!;
    const automaton = {
      nodes: tokenTables.nodeCount,
      table_bytes: tables.worldwide ? worldwideTablesBytes(tables.worldwide, automatonBytes(tokenTables)) : automatonBytes(tokenTables),
      rss_growth_bytes: process.memoryUsage().rss - rssBefore, ...(opts.tablesCache ? { from_cache: fromCache } : {}),
    };

    const rowsRead = range.to - range.from;
    const lidRows = lid ? new LidRows(con, langCodes, lid) : null;
    const stats = await time("match_ms", () => matchPool(groups, con, rowsRead, tables, matchWorkers, spool, lidRows, worldwide, opts.onProgress));
    const rowsByLang = langs?.rows ?? lidRows?.rowsByLanguage() ?? new Map<string, number>();
    if (lidRows) refuseAllOther(rowsByLang, langCodes, langMap, lidRows.labelRows());
    const ranges = worldwide ?? [];
    const counts = stats.counts;
    await time("collect_matches_ms", async () => { await con.run(collectMatchedSql()); await con.run(`DROP TABLE ${MATCHED_PACKS}`); });

    // a shard's counts are read only by the reduce, which writes the entries' text: ids and counts suffice
    await time("write_entry_counts_ms", () => writeEntryCounts(con, opts.shard ? null : metadata, counts, out.file("entry_counts.parquet")));
    // DuckDB writes the parquet files on its own threads while this thread sums the size curve
    // English's t is a worldwide workspace's t: without an English match there is no curve (balance says why)
    const thresholds = worldwide && ranges.some((l) => l.lang === ENGLISH && counts.subarray(l.offset, l.offset + l.entries).some((c) => c > 0))
      ? new WorldwideThresholds(ranges, counts) : null;
    const curveSums = worldwide && !thresholds ? Promise.resolve({ grid: [], sums: new Float64Array(0) }) : sizeCurveSums(counts, spool, stats.matchedRows, thresholds);
    curveSums.catch(() => {}); // awaited below; a failure of a write before then must not leave it unhandled
    await time("write_matches_ms", () => con.run(matchesSql(out.file("matches.parquet"), worldwide)));
    // a shard's preview would be re-picked pool-wide by the merge: the merge writes it, once
    if (!opts.shard) await time("write_preview_ms", () => writePreview(con, pool, out.file("preview.parquet"), stats.matchedRows));
    if (lidRows) await time("write_languages_ms", () => lidRows.write(out.file(LANGUAGES_FILE)));
    const curve = await time("size_curve_ms", async () => writeSizeCurve(con, counts, await curveSums, stats.matchedRows, out.file("size_curve.parquet"), thresholds));

    const digests = await poolHashing.digests;
    pool.files.filter((_f, i) => hashed[i]).forEach((f, i) => { f.sha256 = digests[i]; });
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
      rows_read: rowsRead,
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
      duckdb_memory_limit_gb: memoryLimitGb(opts.memoryLimitGb),
      peak_rss_mb: peakRssMb(),
      timings_ms: timings,
      rows_per_second: Math.round(rowsRead / (timings.total_ms / 1000)),
    };
    if (worldwide) {
      match.languages = worldwide.map((l, i): LanguageSection => ({
        lang: l.lang, offset: l.offset, entries: l.entries, rows: rowsByLang.get(l.lang) ?? 0, rows_matched: stats.matchedByLang[i], ...languageCounts(l, counts),
        metadata: { file: l.file, fileSha256: l.fileSha256, metadataHash: l.metadataHash, emptyEntries: l.emptyEntries, duplicateEntries: l.duplicateEntries },
      }));
      match.language_source = {
        ...(language!.column ? { column: language!.column } : { lid: lidModel! }),
        map: langMap ? { file: langMap.file, sha256: langMap.sha256, labels: Object.keys(langMap.labels).length } : null,
        rows_other: [...rowsByLang].filter(([lang]) => !langCodes.includes(lang)).reduce((n, [, r]) => n + r, 0),
      };
    }
    if (opts.shard) match.shard = { index: opts.shard.index, count: opts.shard.count, rows_from: range.from, rows_to: range.to };
    return { manifest: { tool: "metacurate", version: TOOL_VERSION, match }, run: { counts, spool } };
  } finally {
    spool.close();
    await Promise.all([matchWorkers.terminate(), poolHashing?.stop()]);
  }
}

export function runMatch(outDir: string, opts: MatchOptions): Promise<Manifest> {
  return runStaged(outDir, opts.memoryLimitGb, async (out, con) => ({ manifest: (await matchInto(out, con, opts)).manifest, files: matchOutputs(opts) }),
    { inputs: matchInputs(opts) });
}

/**
 * Every caption in `other` (no listed language) is a mistake, most often a map whose keys are not the
 * labels: refused, naming the labels that were seen and the map's.
 */
function refuseAllOther(rows: Map<string, number>, languages: readonly string[], map: LanguageMap | null, labels: { label: string | null; rows: number }[]): void {
  if (languages.some((l) => (rows.get(l) ?? 0) > 0)) return;
  const seen = [...labels].sort((a, b) => b.rows - a.rows).slice(0, 6).map((l) => `${l.label === null ? "null" : quoted(l.label)} (${l.rows.toLocaleString("en")})`).join(", ");
  throw new InputError(`no caption is in a language with a list (${languages.join(", ")}): every row read is "other". Labels seen: ${seen || "none"}`
    + (map ? `; --lid-map ${map.file} maps ${Object.keys(map.labels).slice(0, 6).map((k) => quoted(k)).join(", ")}${Object.keys(map.labels).length > 6 ? ", …" : ""}` : ""));
}

/** Whether a run over `range` hashes pool file i: the run whose rows hold the file's first row (the last run, an empty file at the end). */
function ownsFile(pool: Pool, i: number, range: { from: number; to: number }): boolean {
  const start = fileOffsets(pool)[i];
  return (start >= range.from && start < range.to) || (start === pool.rows && range.to === pool.rows);
}

/** The files a match reads: none may be overwritten by its outputs. */
export function matchInputs(opts: MatchOptions): RunInput[] {
  return [{ flag: "metadata", path: opts.metadata }, ...opts.pool.map((p) => ({ flag: "pool", path: p })),
    ...(opts.language?.map ? [{ flag: "lid-map", path: opts.language.map }] : [])];
}

interface MatchStats {
  counts: Float64Array;
  matchedRows: number;
  /** A worldwide match's matched rows per language (each row's language is its first id's). */
  matchedByLang: Float64Array;
  totalMatches: number;
  nullRows: number;
}

// run from source, the worker is compiled by tsx; run from the CLI's bundle (dist/), it is bundled beside it
const fromSource = import.meta.url.endsWith(".ts");
const workerUrl = new URL(fromSource ? "./tsWorker.mjs" : "./matchWorker.mjs", import.meta.url);
const workerModule = new URL("./matchWorker.ts", import.meta.url).href;

/**
 * Each pack of up to PACK_ROWS consecutive matched rows becomes one row of `matched_packs` (its uids
 * joined into one VARCHAR, its id lists one INTEGER[][]), appended in bulk; collectMatchedSql unpacks
 * them afterwards. Packs stay small because DuckDB scans 2,048 table rows at a time: with a row per
 * 8,192-row group, one scan held the id lists of up to 16M pool rows (a 512 MB allocation at 10M).
 */
const MATCHED_PACKS = "matched_packs";
const PACK_ROWS = 64;
/**
 * The appender is flushed into matched_packs every this many packs (~65k matched rows). Left to itself
 * it holds every appended row until 204,800 packs (13M matched rows), outside DuckDB's memory limit:
 * a 10M-row match peaked at 2.8 GB with --memory-limit 1, and at 1.8 GB flushed so (the same bytes out).
 */
const APPENDER_FLUSH_PACKS = 1024;

/** The match worker threads, started early; the first failure of any is kept (never an unhandled error event). */
class MatchWorkers {
  readonly workers: Worker[];
  failure: Error | null = null;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      const w = new Worker(workerUrl, { workerData: { module: workerModule } });
      w.on("error", (e) => { this.failure ??= new Error(`match worker failed: ${firstLine(e)}`); });
      return w;
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A worldwide language's matches, matched entries and largest count, from the counts of its range of ids. */
export function languageCounts(l: LanguageRange, counts: Float64Array): Pick<LanguageSection, "total_count" | "entries_matched" | "max_count"> {
  let matches = 0, zeroes = 0, max = 0;
  for (let id = l.offset; id < l.offset + l.entries; id++) { const c = counts[id]; matches += c; if (c === 0) zeroes++; if (c > max) max = c; }
  return { total_count: matches, entries_matched: l.entries - zeroes, max_count: max };
}

/** One list's token tables, or a worldwide folder's. */
type MatcherTables = { tokens: AutomatonTables; worldwide?: undefined } | { worldwide: WorldwideTables; tokens?: undefined };

async function matchPool(groups: AsyncIterable<TextGroup>, con: DuckDBConnection, rowsTotal: number, tables: MatcherTables, matchWorkers: MatchWorkers,
  spool: MatchSpool, lidRows: LidRows | null, ranges: readonly LanguageRange[] | null, onProgress?: MatchOptions["onProgress"]): Promise<MatchStats> {
  const matchedByLang = new Float64Array(ranges?.length ?? 0);
  const workers = matchWorkers.workers, workerCount = workers.length;
  await con.run(`CREATE OR REPLACE TABLE ${MATCHED_PACKS} (pool_row BIGINT, first_k BIGINT, rows INTEGER[], uids VARCHAR, ids INTEGER[][])`);
  // the appender's own connection: its flushes commit while the pool's next window is being read on `con`
  const appendCon = await anotherConnection(con);
  const appender = await appendCon.createAppender(MATCHED_PACKS);
  let appenderOpen = true;
  const writer = new ChunkWriter(appender, [BIGINT, BIGINT, LIST(INTEGER), VARCHAR, LIST(LIST(INTEGER))]);
  const maxPacks = Math.ceil(GROUP_ROWS / PACK_ROWS);
  const poolRows = new BigInt64Array(maxPacks), poolRowWords = new Uint32Array(poolRows.buffer);
  const firstKs = new BigInt64Array(maxPacks), firstKWords = new Uint32Array(firstKs.buffer);
  const packStarts = new Int32Array(maxPacks + 1);
  for (const w of workers) w.postMessage(tables.worldwide ? { type: "worldwide", tables: tables.worldwide, ...(lidRows ? { lid: lidRows.request } : {}) } : { type: "tables", tables: tables.tokens });
  await lidRows?.open();
  let failure: Error | null = matchWorkers.failure;
  const pending = new Map<number, BatchResult>();
  const groupOf = new Map<number, { rows: number; poolRow: number }>();
  let nextToWrite = 0;
  let packsSinceFlush = 0;
  let inFlight = 0;
  let rowsDone = 0;
  let matchedRows = 0, totalMatches = 0, nullRows = 0;
  let wake: (() => void) | null = null;
  const notify = () => { const w = wake; wake = null; w?.(); };
  const flush = () => {
    for (let r = pending.get(nextToWrite); r; r = pending.get(nextToWrite)) {
      pending.delete(nextToWrite);
      const g = groupOf.get(nextToWrite)!;
      groupOf.delete(nextToWrite);
      if (lidRows) lidRows.add(g.poolRow, g.rows, r.lid!);
      if (ranges) for (let i = 0; i < r.matchedRows; i++) matchedByLang[languageOfId(ranges, r.ids[r.idStarts[i]])]++;
      if (r.matchedRows > 0) {
        const packs = Math.ceil(r.matchedRows / PACK_ROWS);
        writer.begin();
        for (let p = 0; p < packs; p++) {
          const from = p * PACK_ROWS, to = Math.min(r.matchedRows, from + PACK_ROWS);
          packStarts[p + 1] = to;
          setInt64(poolRowWords, p, g.poolRow);
          setInt64(firstKWords, p, matchedRows + from);
          writer.varchar(3, p, r.uids.subarray(r.uidStarts[from], r.uidStarts[to] - 1)); // without the last "\n"
        }
        writer.fixed(0, poolRows, 0, packs);
        writer.fixed(1, firstKs, 0, packs);
        writer.intLists(2, packs, packStarts, r.rows);
        writer.intListsOfLists(4, packs, packStarts, r.idStarts, r.ids);
        writer.append(packs);
        packsSinceFlush += packs;
        if (packsSinceFlush >= APPENDER_FLUSH_PACKS) {
          appender.flushSync();
          packsSinceFlush = 0;
        }
        spool.write(r);
      }
      matchedRows += r.matchedRows;
      totalMatches += r.totalMatches;
      rowsDone += g.rows;
      nextToWrite++;
    }
    onProgress?.(rowsDone, rowsTotal);
  };
  for (const w of workers) {
    w.on("message", (m: { type: string; seq: number; result: BatchResult }) => {
      if (m.type !== "result") return;
      pending.set(m.seq, m.result);
      inFlight--;
      try { flush(); } catch (e) { failure ??= e as Error; }
      notify();
    });
    w.on("error", () => { failure ??= matchWorkers.failure; notify(); });
  }
  try {
    const maxInFlight = workerCount * 3;
    let seq = 0;
    for await (const group of groups) {
      nullRows += group.nullRows.length;
      while (inFlight >= maxInFlight && !failure) await new Promise<void>((r) => { wake = r; });
      if (failure) throw failure;
      const g: TextGroup = group;
      groupOf.set(seq, { rows: g.rows, poolRow: g.poolRow });
      inFlight++;
      workers[seq % workerCount].postMessage({ type: "group", seq, group: g },
        [g.bytes.buffer as ArrayBuffer, g.uids.buffer as ArrayBuffer, ...(g.langs ? [g.langs.buffer as ArrayBuffer] : [])]);
      seq++;
    }
    while (inFlight > 0 && !failure) await new Promise<void>((r) => { wake = r; });
    if (failure) throw failure;
    appender.closeSync();
    appenderOpen = false;
    lidRows?.close();
    const counts = new Float64Array((tables.worldwide ?? tables.tokens).entryCount);
    const parts = await Promise.all(workers.map((w) => new Promise<Float64Array>((resolve, reject) => {
      w.on("message", (m: { type: string; counts: Float64Array }) => { if (m.type === "counts") resolve(m.counts); });
      w.once("error", reject);
      w.postMessage({ type: "finish" });
    })));
    for (const part of parts) for (let i = 0; i < counts.length; i++) counts[i] += part[i];
    return { counts, matchedRows, matchedByLang, totalMatches, nullRows };
  } finally {
    for (const w of workers) w.removeAllListeners("message");
    if (appenderOpen) { try { appender.closeSync(); } catch { /* the run failed already; that error is the one to report */ } }
    lidRows?.close();
    appendCon.closeSync();
  }
}

/** entry_counts.parquet: every entry in id order, appended in bulk, then written by DuckDB (without metadata: ids and counts only). */
export async function writeEntryCounts(con: DuckDBConnection, metadata: Metadata | null, counts: Float64Array, target: string): Promise<void> {
  if (!metadata) {
    await con.run(`CREATE OR REPLACE TABLE entry_counts (entry_id INTEGER, count BIGINT)`);
    const appender = await con.createAppender("entry_counts");
    try {
      const writer = new ChunkWriter(appender, [INTEGER, BIGINT]);
      const ids = new Int32Array(CHUNK_ROWS), chunkCounts = new BigInt64Array(CHUNK_ROWS), countWords = new Uint32Array(chunkCounts.buffer);
      for (let from = 0; from < counts.length; from += CHUNK_ROWS) {
        const n = Math.min(CHUNK_ROWS, counts.length - from);
        writer.begin();
        for (let i = 0; i < n; i++) { ids[i] = from + i; setInt64(countWords, i, counts[from + i]); }
        writer.fixed(0, ids, 0, n);
        writer.fixed(1, chunkCounts, 0, n);
        writer.append(n);
      }
    } finally {
      appender.closeSync();
    }
    await con.run(`COPY entry_counts TO ${sqlString(target)} (${PARQUET_OPTIONS})`);
    await con.run("DROP TABLE entry_counts");
    return;
  }
  const hasSource = metadata.sources !== null;
  await con.run(`CREATE OR REPLACE TABLE entry_counts (entry_id INTEGER, entry VARCHAR, count BIGINT${hasSource ? ", source VARCHAR" : ""})`);
  const appender = await con.createAppender("entry_counts");
  try {
    const writer = new ChunkWriter(appender, hasSource ? [INTEGER, VARCHAR, BIGINT, VARCHAR] : [INTEGER, VARCHAR, BIGINT]);
    const ids = new Int32Array(CHUNK_ROWS), chunkCounts = new BigInt64Array(CHUNK_ROWS), countWords = new Uint32Array(chunkCounts.buffer);
    for (let from = 0; from < counts.length; from += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, counts.length - from);
      writer.begin();
      const nullSources: number[] = [];
      for (let i = 0; i < n; i++) {
        ids[i] = from + i;
        setInt64(countWords, i, counts[from + i]);
        // parquet strings are UTF-8: an entry holding a lone surrogate is stored with U+FFFD in its place
        // (such an entry can never match UTF-8 text anyway; its id and count are exact)
        writer.text(1, i, metadata.entries[from + i]);
        if (hasSource) {
          const source = metadata.sources![from + i];
          if (source === null || source === undefined) nullSources.push(i);
          else writer.text(3, i, source);
        }
      }
      writer.fixed(0, ids, 0, n);
      writer.fixed(2, chunkCounts, 0, n);
      if (hasSource) writer.validity(3, n, nullSources);
      writer.append(n);
    }
  } finally {
    appender.closeSync();
  }
  // a worldwide list's entries also carry their language and their id in its {lang}.json
  const langs = metadata.languages;
  const copied = langs
    ? `(SELECT entry_id, ${languageOfIdSql("entry_id", langs)} AS lang, CAST(entry_id - ${languageOfIdSql("entry_id", langs, true)} AS INTEGER) AS lang_entry_id, entry, count${hasSource ? ", source" : ""} FROM entry_counts)`
    : "entry_counts";
  await con.run(`COPY ${copied} TO ${sqlString(target)} (${PARQUET_OPTIONS})`);
  await con.run("DROP TABLE entry_counts");
}

/** Unpacks matched_packs into the table `matched`: one row per matched pool row, in pool order. */
function collectMatchedSql(): string {
  return `CREATE OR REPLACE TABLE ${MATCHED_TABLE} AS
      SELECT unnest(generate_series(first_k, first_k + len(rows) - 1)) AS k, pool_row + unnest(rows) AS pool_row,
             unnest(string_split(uids, chr(10))) AS uid, unnest(ids) AS entry_ids
      FROM ${MATCHED_PACKS}`;
}

/**
 * matches.parquet: uid, entry_ids, and pool_row, which ties a match to its source row even when uids
 * repeat. In pool order without a sort: `matched` was filled in k order, and with
 * preserve_insertion_order a scan returns a table's rows in the order they were inserted.
 */
export function matchesSql(target: string, languages: readonly LanguageRange[] | null = null): string {
  // a worldwide row's language is its first id's: every id of a row is in its caption's language's range
  return `COPY (SELECT uid, entry_ids, pool_row${languages ? `, ${languageOfIdSql("entry_ids[1]", languages)} AS lang` : ""} FROM ${MATCHED_TABLE})
    TO ${sqlString(target)} (${PARQUET_ROW_OPTIONS})`;
}

/** SQL: the language (or, with `offset`, the list's first id) of the workspace-wide entry id `id`. */
export function languageOfIdSql(id: string, languages: readonly LanguageRange[], offset = false): string {
  const value = (l: LanguageRange) => (offset ? String(l.offset) : sqlString(l.lang));
  const cases = languages.slice(1).map((l, i) => `WHEN ${id} < ${l.offset} THEN ${value(languages[i])}`);
  return cases.length === 0 ? value(languages[0]) : `CASE ${cases.join(" ")} ELSE ${value(languages[languages.length - 1])} END`;
}

/**
 * preview.parquet: up to `limit` matched pairs (uid, url, text, entry_ids), the ones whose md5(uid)
 * sorts first, so the sample is spread over the pool and independent of how the pool is sharded.
 * The top `limit` are picked on (k, md5) alone, so no id list is carried through the selection;
 * the pool's url and text are read only for those rows. Below `cutoff` (an 8-digit hex prefix), only
 * the rows whose md5 sorts before it enter the top-N: exact whenever at least `limit` of them do.
 */
function previewSql(pool: Pool, target: string, limit: number, cutoff?: string): string {
  const hashed = `SELECT k, md5(uid) AS h FROM ${MATCHED_TABLE}`;
  return `COPY (
      WITH top AS (SELECT k, h FROM (${hashed}) ${cutoff ? `WHERE h < '${cutoff}'` : ""} ORDER BY h, k LIMIT ${limit}),
        m AS (SELECT top.k, top.h, m.pool_row, m.uid, m.entry_ids FROM top JOIN ${MATCHED_TABLE} m USING (k))
      SELECT m.uid, CAST(p.url AS VARCHAR) AS url, CAST(p."text" AS VARCHAR) AS "text", m.entry_ids
      FROM m JOIN (SELECT pool_row, url, "text" FROM (${poolRelation(pool)})) p USING (pool_row)
      ORDER BY m.h, m.k)
    TO ${sqlString(target)} (${PARQUET_ROW_OPTIONS})`;
}

/**
 * Writes preview.parquet. md5 digests are uniform, so the rows whose md5 sorts before a prefix at
 * twice the sample's share of the matched rows are about twice the sample: sorting those instead of
 * every row halves the work (1M rows: 76 against 169 ms). Should fewer pass (many repeated uids), the
 * preview is picked from every row.
 */
export async function writePreview(con: DuckDBConnection, pool: Pool, target: string, matchedRows: number, limit = PREVIEW_ROWS): Promise<void> {
  const share = (2 * limit) / matchedRows;
  if (share < 1) {
    const cutoff = Math.floor(share * 16 ** 8).toString(16).padStart(8, "0");
    const written = await con.runAndReadAll(previewSql(pool, target, limit, cutoff));
    if (Number(written.getRows()[0]?.[0] ?? -1) === limit) return;
  }
  await con.run(previewSql(pool, target, limit));
}

/**
 * E(t) on the grid, summed over the id lists in a few slices that yield to the event loop between them.
 * A worldwide workspace's grid is English's t, each row summed at its own language's t.
 */
async function sizeCurveSums(counts: Float64Array, spool: MatchSpool, matchedRows: number, worldwide: WorldwideThresholds | null): Promise<{ grid: number[]; sums: Float64Array }> {
  // a worldwide curve runs to English's largest count + 1, where every language keeps all
  const grid = sizeCurveGrid(worldwide ? worldwide.topT : maxOf(counts));
  const acc = worldwide ? new WorldwideSizeCurve(grid, counts, worldwide) : new SizeCurveKernel(grid, counts);
  await new Promise((r) => setImmediate(r));
  await spool.forEach((_row, _uids, _us, _ue, ids, start, end) => acc.addRow(ids, start, end));
  if (acc.rows !== matchedRows) throw new Error(`size curve saw ${acc.rows} rows, expected ${matchedRows}`);
  return { grid, sums: acc.values() };
}

function maxOf(counts: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > max) max = counts[i];
  return max;
}

/**
 * size_curve.parquet: t, E(t), keep rate, tail share and head entries (count > t) at each grid point.
 * Worldwide: t is English's, the tail share English's, head entries every language's at its own t.
 */
export async function writeSizeCurve(con: DuckDBConnection, counts: Float64Array, curve: { grid: number[]; sums: Float64Array }, matchedRows: number, target: string,
  worldwide: WorldwideThresholds | null = null): Promise<number> {
  const { grid, sums } = curve;
  const own = worldwide ? worldwide.englishCounts(counts) : counts;
  const total = own.reduce((a, b) => a + b, 0);
  const sorted = sortedCounts(own);
  // one sweep up the sorted counts for the ascending grid: the tail (counts < t) and the head (counts > t).
  // Counts are integers, so the tail sums exactly, in any order: the same bits as tToP(counts, t)
  let below = 0, notAbove = 0, tail = 0;
  const values = grid.map((t, k) => {
    for (; below < sorted.length && sorted[below] < t; below++) tail += sorted[below];
    if (notAbove < below) notAbove = below;
    while (notAbove < sorted.length && sorted[notAbove] <= t) notAbove++;
    const p = total > 0 ? tail / total : 1;
    const head = worldwide ? worldwide.at(t).reduce<number>((n, tl, l) => n + (tl === null ? 0 : worldwide.headEntries(l, tl)), 0) : sorted.length - notAbove;
    return `(${t}, ${sums[k]}, ${matchedRows > 0 ? sums[k] / matchedRows : 0}, ${p}, ${head})`;
  });
  if (values.length === 0) values.push("(1, 0, 0, 0, 0)"); // typed by a row that the WHERE drops: an empty curve
  await con.run(`COPY (SELECT CAST(t AS BIGINT) AS t, CAST(e AS DOUBLE) AS expected_size, CAST(k AS DOUBLE) AS keep_rate,
      CAST(p AS DOUBLE) AS tail_share, CAST(h AS BIGINT) AS head_entries
      FROM (VALUES ${values.join(", ")}) v(t, e, k, p, h) WHERE ${grid.length > 0} ORDER BY t)
    TO ${sqlString(target)} (${PARQUET_OPTIONS})`);
  return grid.length;
}
