/**
 * `metacurate balance`: matches + counts → curated.parquet (+ subset.npy when uids are 32 hex).
 * Keep iff draw(seed, uid) < 1 - prod(1 - p_e): a pure function of the row, so the result does
 * not depend on sharding, is reproducible from the seed, and is nested in t.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { stat } from "node:fs/promises";
import { ExpectedSize, keepProbability } from "../curation/balance";
import { assertSeed, drawBytes } from "../curation/draw";
import { assertP, assertT, pToT, tToP } from "../curation/threshold";
import { InputError, UsageError } from "../errors";
import { openDuckDB, queryRows, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { npyHeader, uidRecord, UID_RECORD_BYTES } from "../pool/npy";
import { poolRelation, type Pool } from "../pool/pool";
import { StagedOutput } from "../util/files";
import { forEachMatchRow, readEntryCounts, requireArtifact } from "../workspace/artifacts";
import { readManifest, type BalanceSection, type Manifest } from "./manifest";

export interface BalanceOptions {
  t?: number;
  p?: number;
  seed?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  onStage?: (stage: string) => void;
}

export const DEFAULT_SEED = 0;
export const DRAW_RULE = "u = draw(seed, uid) (murmur3 x86_32 of the uid's UTF-8, two seeds, 53 bits); keep iff u < 1 - prod(1 - t/max(count_e, t))";

/** Checks --t / --p / --seed before any work is done. */
export function validateBalanceOptions(opts: BalanceOptions, requireT = true): void {
  if (opts.t !== undefined && opts.p !== undefined) throw new UsageError("give either --t N or --p X, not both");
  if (requireT && opts.t === undefined && opts.p === undefined) throw new UsageError("give one of --t N or --p X");
  if (opts.t !== undefined) { try { assertT(opts.t); } catch (e) { throw new UsageError(`--t: ${(e as Error).message}`); } }
  if (opts.p !== undefined) { try { assertP(opts.p); } catch (e) { throw new UsageError(`--p: ${(e as Error).message}`); } }
  if (opts.seed !== undefined) { try { assertSeed(opts.seed); } catch (e) { throw new UsageError(`--seed: ${(e as Error).message}`); } }
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

export async function balanceInto(out: StagedOutput, inDir: string, manifest: Manifest, opts: BalanceOptions): Promise<{ section: BalanceSection; files: string[] }> {
  validateBalanceOptions(opts);
  const seed = opts.seed ?? DEFAULT_SEED;
  const timings: Record<string, number> = {};
  const started = performance.now();
  const con = await openDuckDB();
  try {
    opts.onStage?.("balance");
    const counts = await readEntryCounts(con, inDir);
    if (counts.length !== manifest.match.entries) throw new InputError(`${inDir}: entry_counts.parquet has ${counts.length} entries, the manifest says ${manifest.match.entries}`);
    const t = resolveT(counts, opts);
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

    const keptCsv = out.file("kept.csv.tmp");
    let t0 = performance.now();
    const { kept, expected, rows } = await drawRows(inDir, counts, t, seed, keptCsv, manifest.match.rows_matched, opts.onProgress);
    timings.draw_ms = Math.round(performance.now() - t0);

    t0 = performance.now();
    const matches = await requireArtifact(inDir, "matches.parquet");
    const curated = out.file("curated.parquet");
    await con.run(`COPY (
        WITH k AS (SELECT * FROM read_csv(${sqlString(keptCsv)}, header = false, auto_detect = false, delim = ',', quote = '', escape = '',
                                          columns = {'r': 'BIGINT', 'p_keep': 'DOUBLE'})),
             m AS (SELECT file_row_number AS r, uid, entry_ids FROM read_parquet(${sqlString(matches)}, file_row_number = true)
                   WHERE file_row_number IN (SELECT r FROM k)),
             p AS (SELECT uid, arg_min(url, f * 1000000000000 + r) AS url, arg_min("text", f * 1000000000000 + r) AS "text"
                   FROM (${poolRelation(pool)}) WHERE uid IN (SELECT uid FROM m) GROUP BY uid)
        SELECT m.uid, p.url, p."text", k.p_keep, m.entry_ids
        FROM k JOIN m USING (r) LEFT JOIN p USING (uid) ORDER BY k.r)
      TO ${sqlString(curated)} (FORMAT parquet, COMPRESSION zstd)`);
    timings.write_curated_ms = Math.round(performance.now() - t0);

    t0 = performance.now();
    const subset = await writeSubsetNpy(con, curated, out.file("subset.npy"), kept);
    timings.write_subset_ms = Math.round(performance.now() - t0);
    timings.total_ms = Math.round(performance.now() - started);

    const section: BalanceSection = {
      metadata_hash: manifest.match.metadata.metadataHash,
      t,
      tail_share: total > 0 ? tToP(counts, t) : 1,
      p_requested: opts.p ?? null,
      seed,
      draw: DRAW_RULE,
      rows_matched: rows,
      rows_kept: kept,
      expected_size: expected,
      keep_rate: rows > 0 ? kept / rows : 0,
      subset_npy: subset,
      source: inDir,
      timings_ms: timings,
    };
    return { section, files: subset ? ["curated.parquet", "subset.npy"] : ["curated.parquet"] };
  } finally {
    con.closeSync();
  }
}

async function drawRows(dir: string, counts: Float64Array, t: number, seed: number, keptCsv: string,
  rowsTotal: number, onProgress?: BalanceOptions["onProgress"]): Promise<{ kept: number; expected: number; rows: number }> {
  const fd = openSync(keptCsv, "w");
  let kept = 0;
  const expected = new ExpectedSize();
  let lines: string[] = [];
  try {
    const rows = await forEachMatchRow(dir, (row, uids, us, ue, ids, is, ie) => {
      for (let k = is; k < ie; k++) if (ids[k] >= counts.length || ids[k] < 0) throw new InputError(`matches.parquet row ${row} has entry id ${ids[k]}, outside the ${counts.length} entries`);
      const pKeep = keepProbability(ids, is, ie, counts, t);
      expected.add(pKeep);
      if (drawBytes(seed, uids, us, ue) < pKeep) { kept++; lines.push(`${row},${pKeep}`); }
    }, (done) => {
      if (lines.length) { writeSync(fd, lines.join("\n") + "\n"); lines = []; }
      onProgress?.(done, rowsTotal);
    });
    return { kept, expected: expected.value, rows };
  } finally {
    closeSync(fd);
  }
}

/** subset.npy in DataComp's format, when every kept uid is 32 hex digits; returns whether written. */
async function writeSubsetNpy(con: DuckDBConnection, curated: string, target: string, kept: number): Promise<boolean> {
  const [check] = await queryRows(con, `SELECT count(*) FILTER (WHERE NOT regexp_full_match(uid, '[0-9a-fA-F]{32}')) AS bad FROM read_parquet(${sqlString(curated)})`);
  if (Number(check.bad) > 0) return false;
  const fd = openSync(target, "w");
  try {
    writeSync(fd, npyHeader(kept));
    const reader = await con.stream(`SELECT encode(string_agg(u, '' ORDER BY u)) FROM (
        SELECT lower(uid) AS u, (row_number() OVER (ORDER BY lower(uid)) - 1) // 8192 AS g FROM read_parquet(${sqlString(curated)}))
      GROUP BY g ORDER BY g`);
    let written = 0;
    for (;;) {
      const chunk = await reader.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const v of chunk.getColumnValues(0) as ({ bytes: Uint8Array } | null)[]) {
        const src = v!.bytes;
        const n = src.length / 32;
        const buf = new Uint8Array(n * UID_RECORD_BYTES);
        for (let i = 0; i < n; i++) uidRecord(src, i * 32, buf, i * UID_RECORD_BYTES);
        writeSync(fd, buf);
        written += n;
      }
    }
    if (written !== kept) throw new Error(`subset.npy: wrote ${written} uids, expected ${kept}`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Balances the workspace `inDir` into `outDir` (default: in place). */
export async function runBalance(inDir: string, outDir: string | undefined, opts: BalanceOptions): Promise<Manifest> {
  const manifest = await readManifest(inDir);
  const out = await StagedOutput.open(outDir ?? inDir);
  try {
    const { section, files } = await balanceInto(out, inDir, manifest, opts);
    const next: Manifest = { ...manifest, balance: section };
    await out.writeJson("manifest.json", next);
    await out.commit([...files, "manifest.json"], files.includes("subset.npy") ? [] : ["subset.npy"]);
    return next;
  } catch (e) {
    await out.abort();
    throw e;
  }
}
