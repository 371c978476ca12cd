/**
 * `metacurate balance`: matches + counts → curated.parquet (+ subset.npy when uids are 32 hex).
 * Keep iff draw(seed, uid) < 1 - prod(1 - p_e): a pure function of the row, so the result does
 * not depend on sharding, is reproducible from the seed, and is nested in t.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { BIGINT, DOUBLE } from "@duckdb/node-api";
import { ExpectedSize, keepProbability } from "../curation/balance";
import { drawBytes } from "../curation/draw";
import { SizeCurveKernel } from "../curation/sizeCurveKernel";
import { tForTargetSize } from "../curation/targetSize";
import { keepProbabilityByEntry, languageOfId, WorldwideSizeCurve, WorldwideThresholds, type LanguageRange } from "../curation/worldwideBalance";
import { pToT, tToP } from "../curation/threshold";
import { z } from "zod";
import { oneThreshold, thresholdFields } from "../options/fields";
import { parseOptions } from "../options/validate";
import { InputError, UsageError, firstLine } from "../errors";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../pool/bulkAppend";
import { PARQUET_ROW_OPTIONS, queryRows, sqlIdent, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { isHexUid } from "../pool/npy";
import { poolOtherColumns, poolRelation, type Pool } from "../pool/pool";
import type { StagedOutput } from "../util/stagedOutput";
import { forEachMatchRow, readEntryCounts, readManifest, requireArtifact } from "../workspace/artifacts";
import type { BalanceLanguage, BalanceSection, Manifest } from "../workspace/manifest";
import type { MatchRowVisitor } from "./matchSpool";
import { MATCH_OUTPUTS } from "./match";
import { LANGUAGES_FILE } from "./lidRows";
import { memoryLimitGb, peakRssMb, runStaged } from "./stagedRun";
import { SubsetNpyWriter } from "./subsetNpy";

export interface BalanceOptions {
  t?: number;
  p?: number;
  /** The expected curated size to reach: t is the integer whose exact E(t) is closest to it. */
  targetSize?: number;
  seed?: number;
  /** DuckDB's memory cap in GB (default: defaultMemoryLimitGb()). */
  memoryLimitGb?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  onStage?: (stage: string) => void;
  /** When and by how many matched rows the curated write is sliced (default: CURATED_ONE_STATEMENT_MAX, CURATED_SLICE_ROWS; smaller in tests). */
  curatedSlices?: { oneStatementMax: number; sliceRows: number };
  /** Uids sorted in memory at a time for subset.npy (default RUN_RECORDS; smaller in tests). */
  subsetRunRecords?: number;
  /**
   * Write kept.parquet (k, p_keep of the kept rows) instead of curated.parquet: a shard of a sharded
   * job, whose merge writes curated.parquet once for the whole pool.
   */
  keptOnly?: boolean;
}

export const DEFAULT_SEED = 0;
export const WORLDWIDE_DRAW_RULE = "u = draw(seed, uid) (murmur3 x86_32 of the uid's UTF-8, two seeds, 53 bits); keep iff u < 1 - prod(1 - t_lang/max(count_e, t_lang)), t_lang its caption's language's t: t for English, p_to_t(counts_lang, t_to_p(counts_en, t)) otherwise";

/** A worldwide workspace's thresholds, or a clear error when English's t cannot set them. */
export function worldwideThresholds(languages: readonly LanguageRange[], counts: Float64Array): WorldwideThresholds {
  try {
    return new WorldwideThresholds(languages, counts);
  } catch (e) {
    throw new InputError(`cannot balance this worldwide workspace: ${firstLine(e)}`);
  }
}

function balanceLanguages(worldwide: WorldwideThresholds, tEn: number, tally: LanguageTally): BalanceLanguage[] {
  const byLang = worldwide.at(tEn);
  return worldwide.ranges.map((r, i) => ({
    lang: r.lang, t: byLang[i],
    tail_share: byLang[i] === null ? null : byLang[i]! >= 1 ? worldwide.shares[i].tailShare(byLang[i]!) : 0,
    rows_matched: tally.rows[i], rows_kept: tally.kept[i], expected_size: tally.expected[i].value,
  }));
}
export const DRAW_RULE = "u = draw(seed, uid) (murmur3 x86_32 of the uid's UTF-8, two seeds, 53 bits); keep iff u < 1 - prod(1 - t/max(count_e, t))";

/** Checks --t / --p / --target-size / --seed before any work is done, by the options' own schema. */
export function validateBalanceOptions(opts: BalanceOptions, requireT = true): void {
  parseOptions(z.object(thresholdFields).superRefine(oneThreshold(requireT)), { t: opts.t, p: opts.p, "target-size": opts.targetSize, seed: opts.seed });
}

/** Resolves t from --t or --p (p_to_t on the counts). */
export function resolveT(counts: Float64Array, opts: { t?: number; p?: number }): number {
  validateBalanceOptions(opts);
  if (opts.t !== undefined) return opts.t;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new InputError("no entry has a match, so --p (a share of matches) has no t; use --t");
  const t = pToT(counts, opts.p!);
  if (t < 1) throw new InputError(`--p ${opts.p} gives t = ${t} (p_to_t lands on a zero count); choose a larger p`);
  return t;
}

/** The matched rows balancing reads: streamed in order, and as SQL (k, uid, entry_ids, pool_row). */
export interface MatchedRows {
  forEach(visit: MatchRowVisitor, onChunk?: (rowsDone: number) => void): Promise<number>;
  relation: string;
}

/** The matched rows of a workspace on disk: its matches.parquet. */
export async function workspaceMatchedRows(con: DuckDBConnection, dir: string): Promise<MatchedRows> {
  const matches = await requireArtifact(dir, "matches.parquet");
  const bad = (why: string) => new InputError(`${matches} is not a valid matches.parquet: ${why}`);
  let columns: string[];
  try {
    columns = (await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(matches)})`)).map((c) => String(c.column_name));
  } catch (e) {
    throw bad(firstLine(e));
  }
  if (!columns.includes("uid") || !columns.includes("entry_ids")) throw bad("it needs a uid (text) and an entry_ids (list) column");
  if (!columns.includes("pool_row")) throw bad(`it has no pool_row column (an older metacurate wrote it); run "metacurate match" again`);
  return {
    forEach: (visit, onChunk) => forEachMatchRow(dir, visit, onChunk),
    relation: `SELECT file_row_number AS k, uid, entry_ids, pool_row FROM read_parquet(${sqlString(matches)}, file_row_number = true)`,
  };
}

export const KEPT_TABLE = "kept";
const CURATED_TABLE = "curated_rows";

/**
 * Balances `rows` (matched under `manifest`, with per-entry `counts`) into out: curated.parquet and,
 * when every kept uid is 32 hex digits, subset.npy.
 */
export async function balanceInto(out: StagedOutput, con: DuckDBConnection, rows: MatchedRows, counts: Float64Array,
  manifest: Manifest, opts: BalanceOptions): Promise<{ section: BalanceSection; files: string[] }> {
  validateBalanceOptions(opts);
  const seed = opts.seed ?? DEFAULT_SEED;
  const timings: Record<string, number> = {};
  const started = performance.now();
  opts.onStage?.("balance");
  if (counts.length !== manifest.match.entries) throw new InputError(`entry_counts.parquet has ${counts.length} entries, the manifest says ${manifest.match.entries}`);
  const languages = manifest.match.languages ?? null;
  const worldwide = languages ? worldwideThresholds(languages, counts) : null;
  let t: number;
  if (opts.targetSize !== undefined) {
    opts.onStage?.("target_size");
    const t0 = performance.now();
    if (counts.every((c) => c === 0)) throw new InputError("no entry has a match, so no t reaches a target size");
    // a worldwide workspace's t is English's: searched over English's counts, each row summed at its language's t
    const searched = worldwide ? worldwide.englishCounts(counts) : counts;
    t = (await tForTargetSize((visit) => rows.forEach((_row, _uids, _us, _ue, ids, s, e) => visit(ids, s, e)), searched, opts.targetSize,
      (grid) => (worldwide ? new WorldwideSizeCurve(grid, counts, worldwide) : new SizeCurveKernel(grid, counts)), worldwide?.topT)).t;
    timings.target_size_ms = Math.round(performance.now() - t0);
  } else {
    t = resolveT(worldwide ? worldwide.englishCounts(counts) : counts, opts);
  }
  const entryT = worldwide ? worldwide.entryThresholds(t, counts.length) : null;
  const keep: KeepRule = entryT ? (ids, s, e) => keepProbabilityByEntry(ids, s, e, counts, entryT) : (ids, s, e) => keepProbability(ids, s, e, counts, t);
  const total = counts.reduce((a, b) => a + b, 0);
  const pool: Pool = {
    files: manifest.match.pool.files,
    textColumn: manifest.match.pool.columns.text,
    urlColumn: manifest.match.pool.columns.url,
    uidColumn: manifest.match.pool.columns.uid,
    rows: manifest.match.rows_read,
  };
  for (const f of pool.files) {
    const s = await stat(f.path).catch(() => null);
    if (!s) throw new InputError(`pool file ${f.path} (from the manifest) is missing; curated.parquet needs its url and text`);
    if (s.size !== f.bytes) throw new InputError(`pool file ${f.path} changed since matching (${s.size} bytes, was ${f.bytes}); match again`);
  }

  let t0 = performance.now();
  // derived uids are md5 hex digits by construction; a uid column's values are checked one by one
  const checkHex = manifest.match.pool.columns.uid !== null;
  const subsetNpy = new SubsetNpyWriter((i) => out.file(`subset-run-${i}.bin`), opts.subsetRunRecords);
  const { kept, expected, rows: rowCount, hexUids, byLanguage } = await drawRows(con, rows, counts.length, keep, languages, seed, checkHex, subsetNpy, manifest.match.rows_matched, opts.onProgress);
  timings.draw_ms = Math.round(performance.now() - t0);

  // DuckDB writes curated.parquet on its own threads while this thread sorts and writes subset.npy
  t0 = performance.now();
  const curated = out.file(opts.keptOnly ? "kept.parquet" : "curated.parquet");
  const curatedWrite = (opts.keptOnly ? writeKept(con, curated) : writeCurated(con, rows.relation, pool, rowCount, curated, opts.curatedSlices ?? { oneStatementMax: CURATED_ONE_STATEMENT_MAX, sliceRows: CURATED_SLICE_ROWS }))
    .then((n) => { timings.write_curated_ms = Math.round(performance.now() - t0); return n; });
  try {
    if (hexUids) {
      subsetNpy.write(out.file("subset.npy"));
      if (subsetNpy.size !== kept) throw new Error(`subset.npy: wrote ${subsetNpy.size} uids, expected ${kept}`);
    }
    timings.write_subset_ms = Math.round(performance.now() - t0);
  } finally {
    await curatedWrite.catch(() => {}); // settled before `con` is closed, whatever happens here; its failure is thrown below
  }
  const curatedRows = await curatedWrite;
  if (curatedRows !== kept) throw new InputError(`curated.parquet got ${curatedRows} rows for ${kept} kept pairs: the matches do not fit the pool (pool_row out of range?); match again`);
  timings.total_ms = Math.round(performance.now() - started);

  const section: BalanceSection = {
    metadata_hash: manifest.match.metadata.metadataHash,
    t,
    tail_share: worldwide ? worldwide.tailShare(t) : total > 0 ? tToP(counts, t) : 1,
    p_requested: opts.p ?? null,
    target_size_requested: opts.targetSize ?? null,
    seed,
    draw: worldwide ? WORLDWIDE_DRAW_RULE : DRAW_RULE,
    ...(worldwide ? { languages: balanceLanguages(worldwide, t, byLanguage!) } : {}),
    rows_matched: rowCount,
    rows_kept: kept,
    expected_size: expected,
    keep_rate: rowCount > 0 ? kept / rowCount : 0,
    subset_npy: hexUids,
    source: "",
    duckdb_memory_limit_gb: memoryLimitGb(opts.memoryLimitGb),
    peak_rss_mb: peakRssMb(),
    timings_ms: timings,
  };
  // a subset.npy left by an earlier balance of the same folder must not outlive this one
  const written = opts.keptOnly ? "kept.parquet" : "curated.parquet";
  return { section, files: hexUids ? [written, "subset.npy"] : [written] };
}

/**
 * The curated write of a pool with more than CURATED_ONE_STATEMENT_MAX matched rows goes slice by
 * slice, CURATED_SLICE_ROWS matched rows (k) at a time: each slice's kept rows are joined to their
 * pool rows, read from the row groups holding them, sorted and appended to a table, which is then
 * copied out in insertion order. One join and sort over every wide row is faster up to a few million
 * rows (the extra copy costs more than it saves: 2M rows 1.8 s against 2.5 s), slower beyond as its
 * sort spills (10M rows under a 1 GB cap: 26 s against 17–19 s; 0.25 GB: 59 s against 35 s). Both
 * bounds depend only on the data, so the file is the same however the pool is sharded and whatever
 * the memory cap.
 */
export const CURATED_ONE_STATEMENT_MAX = 1 << 22;
export const CURATED_SLICE_ROWS = 1 << 20;

/** kept.parquet: the table `kept` (k, p_keep), in k order; returns its row count. */
async function writeKept(con: DuckDBConnection, target: string): Promise<number> {
  const written = await con.runAndReadAll(`COPY ${KEPT_TABLE} TO ${sqlString(target)} (${PARQUET_ROW_OPTIONS})`);
  return Number(written.getRows()[0]?.[0] ?? -1);
}

/** The columns a curated set has before the pool's others (poolOtherColumns). */
export const CURATED_COLUMNS = ["uid", "url", "text", "p_keep", "entry_ids"] as const;

/**
 * curated.parquet of the rows in the table `kept` (k, p_keep), in k order: uid, url, text, p_keep,
 * entry_ids, then every other column of the pool (sizes, scores, labels…), so a curated set can be
 * filtered or trained on as its pool can. Returns its row count.
 */
export async function writeCurated(con: DuckDBConnection, matched: string, pool: Pool, matchedRows: number, target: string,
  slicing: { oneStatementMax: number; sliceRows: number }): Promise<number> {
  const other = await poolOtherColumns(con, pool, CURATED_COLUMNS);
  const otherNames = other.map((c) => `, p.${sqlIdent(c.name)}`).join("");
  const select = (slice?: { from: number; to: number; poolRows: { from: number; to: number } }) => `
      SELECT m.uid, CAST(p.url AS VARCHAR) AS url, CAST(p."text" AS VARCHAR) AS "text", ${KEPT_TABLE}.p_keep, m.entry_ids${otherNames}
      FROM ${KEPT_TABLE} JOIN (${slice ? `SELECT * FROM (${matched}) WHERE k >= ${slice.from} AND k < ${slice.to}` : matched}) m USING (k)
      JOIN (SELECT * EXCLUDE (uid) FROM (${poolRelation(pool, slice?.poolRows, other)})) p USING (pool_row)
      ${slice ? `WHERE ${KEPT_TABLE}.k >= ${slice.from} AND ${KEPT_TABLE}.k < ${slice.to}` : ""}
      ORDER BY ${KEPT_TABLE}.k`;
  if (matchedRows <= slicing.oneStatementMax) {
    const written = await con.runAndReadAll(`COPY (${select()}) TO ${sqlString(target)} (${PARQUET_ROW_OPTIONS})`);
    return Number(written.getRows()[0]?.[0] ?? -1);
  }
  await con.run(`CREATE OR REPLACE TABLE ${CURATED_TABLE} (uid VARCHAR, url VARCHAR, "text" VARCHAR, p_keep DOUBLE, entry_ids INTEGER[]${other.map((c) => `, ${sqlIdent(c.name)} ${c.type}`).join("")})`);
  for (let from = 0; from < matchedRows; from += slicing.sliceRows) {
    const to = Math.min(matchedRows, from + slicing.sliceRows);
    // pool_row grows with k, so the slice's rows lie between these two
    const [range] = await queryRows(con, `SELECT min(pool_row) AS lo, max(pool_row) AS hi FROM (${matched}) WHERE k >= ${from} AND k < ${to}`);
    if (range.lo === null) continue;
    await con.run(`INSERT INTO ${CURATED_TABLE} ${select({ from, to, poolRows: { from: Number(range.lo), to: Number(range.hi) } })}`);
  }
  const written = await con.runAndReadAll(`COPY ${CURATED_TABLE} TO ${sqlString(target)} (${PARQUET_ROW_OPTIONS})`);
  await con.run(`DROP TABLE ${CURATED_TABLE}`);
  return Number(written.getRows()[0]?.[0] ?? -1);
}

/** A matched row's keep probability: keepProbability at t, or each entry at its language's t (worldwide). */
type KeepRule = (ids: ArrayLike<number>, start: number, end: number) => number;

/** Per language (worldwide): matched rows, kept rows and E, each row by its first id's language. */
interface LanguageTally { rows: Float64Array; kept: Float64Array; expected: ExpectedSize[] }

/**
 * Draws every matched row; the kept ones (k, p_keep) go into the table `kept`, appended in bulk.
 * With `languages` (worldwide), also tallies each language's rows.
 */
async function drawRows(con: DuckDBConnection, rows: MatchedRows, entryCount: number, keep: KeepRule, languages: readonly LanguageRange[] | null, seed: number, checkHex: boolean,
  subsetNpy: SubsetNpyWriter, rowsTotal: number, onProgress?: BalanceOptions["onProgress"]): Promise<{ kept: number; expected: number; rows: number; hexUids: boolean; byLanguage: LanguageTally | null }> {
  await con.run(`CREATE OR REPLACE TABLE ${KEPT_TABLE} (k BIGINT, p_keep DOUBLE)`);
  const appender = await con.createAppender(KEPT_TABLE);
  const writer = new ChunkWriter(appender, [BIGINT, DOUBLE]);
  const ks = new BigInt64Array(CHUNK_ROWS), kWords = new Uint32Array(ks.buffer), ps = new Float64Array(CHUNK_ROWS);
  let buffered = 0;
  const flush = () => {
    if (buffered === 0) return;
    writer.begin();
    writer.fixed(0, ks, 0, buffered);
    writer.fixed(1, ps, 0, buffered);
    writer.append(buffered);
    buffered = 0;
  };
  let kept = 0;
  let hexUids = true, checking = checkHex;
  const expected = new ExpectedSize();
  const L = languages?.length ?? 0;
  const tally: LanguageTally | null = languages ? { rows: new Float64Array(L), kept: new Float64Array(L), expected: Array.from({ length: L }, () => new ExpectedSize()) } : null;
  try {
    const n = await rows.forEach((row, uids, us, ue, ids, is, ie) => {
      for (let k = is; k < ie; k++) if (ids[k] >= entryCount || ids[k] < 0) throw new InputError(`matches.parquet row ${row} has entry id ${ids[k]}, outside the ${entryCount} entries`);
      const pKeep = keep(ids, is, ie);
      expected.add(pKeep);
      const lang = tally && ie > is ? languageOfId(languages!, ids[is]) : -1;
      if (lang >= 0) { tally!.rows[lang]++; tally!.expected[lang].add(pKeep); }
      if (drawBytes(seed, uids, us, ue) < pKeep) {
        kept++;
        if (lang >= 0) tally!.kept[lang]++;
        if (hexUids) {
          if (checking && !isHexUid(uids, us, ue)) { hexUids = checking = false; subsetNpy.discard(); }
          else subsetNpy.add(uids, us);
        }
        setInt64(kWords, buffered, row);
        ps[buffered++] = pKeep;
        if (buffered === CHUNK_ROWS) flush();
      }
    }, (done) => onProgress?.(done, rowsTotal));
    flush();
    return { kept, expected: expected.value, rows: n, hexUids, byLanguage: tally };
  } finally {
    appender.closeSync();
  }
}

/**
 * Balances the workspace `inDir` into `outDir` (default: in place). With `reduced` (a sharded job's
 * reduce folder), `inDir` is one match shard, balanced at the reduce's t and seed with the pool's counts.
 */
export async function runBalance(inDir: string, outDir: string | undefined, opts: BalanceOptions & { reduced?: string }): Promise<Manifest> {
  const manifest = await readManifest(inDir);
  let countsDir = inDir;
  if (opts.reduced !== undefined) {
    const reduced = await readManifest(opts.reduced);
    const reduce = reduced.reduce;
    if (!reduce) throw new InputError(`${opts.reduced} is not a reduce folder (its manifest has no "reduce"); run "metacurate reduce" first`);
    if (!manifest.match.shard) throw new InputError(`${inDir} is not a match shard; --reduced balances the shards of a sharded job`);
    if (reduced.match.metadata.metadataHash !== manifest.match.metadata.metadataHash) throw new InputError(`${inDir} was matched against other metadata than ${opts.reduced} was reduced from`);
    // the shard must be one of those reduced: the same pool, cut at the same rows, its languages taken the same way
    const s = manifest.match.shard;
    const samePool = JSON.stringify(reduced.match.pool.files.map((f) => [f.path, f.bytes, f.rows])) === JSON.stringify(manifest.match.pool.files.map((f) => [f.path, f.bytes, f.rows]));
    if (!samePool || !reduce.shards.some((x) => x.rows_from === s.rows_from && x.rows_to === s.rows_to)) {
      throw new InputError(`${inDir} (pool rows ${s.rows_from}–${s.rows_to}) is not one of the shards ${opts.reduced} was reduced from`);
    }
    const source = (m: Manifest) => JSON.stringify(m.match.language_source ? { ...m.match.language_source, rows_other: 0 } : null);
    if (source(reduced) !== source(manifest)) throw new InputError(`${inDir} took its captions' languages otherwise than the shards ${opts.reduced} was reduced from`);
    opts = { ...opts, t: reduce.t, seed: reduce.seed };
    countsDir = opts.reduced!;
  }
  validateBalanceOptions(opts);
  memoryLimitGb(opts.memoryLimitGb); // a bad --memory-limit is named before the workspace is read
  const target = outDir ?? inDir;
  return runStaged(target, opts.memoryLimitGb, async (out, con) => {
    const counts = await readEntryCounts(con, countsDir);
    const rows = await workspaceMatchedRows(con, inDir);
    const { section, files } = await balanceInto(out, con, rows, counts, manifest, { ...opts, keptOnly: opts.reduced !== undefined });
    section.source = inDir;
    return { manifest: { ...manifest, balance: section }, files };
  }, {
    inputs: MATCH_OUTPUTS.map((name) => ({ flag: "in", path: path.join(inDir, name) })),
    // the match outputs go with the balance (hard links where they can), so the output is a whole workspace
    // and the filter panel's per-row columns, when the workspace has them
    carry: { from: inDir, names: [...MATCH_OUTPUTS, LANGUAGES_FILE, "filter_columns.parquet"] },
  });
}
