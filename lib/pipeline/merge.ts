/**
 * `metacurate merge`: a sharded job's balanced shards and its reduce → one workspace, as one
 * `curate` of the whole pool writes it: entry_counts.parquet and size_curve.parquet from the reduce,
 * matches.parquet the shards' rows in pool order (the single process's row groups), curated.parquet and preview.parquet written from
 * those and the shards' kept rows by the single process's own code, subset.npy the shards' sorted
 * uids merged.
 */
import { stageTimer } from "../util/stageTimer";
import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors";
import { PARQUET_ROW_OPTIONS, queryRows, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { readManifest, requireArtifact } from "../workspace/artifacts";
import type { BalanceSection, Manifest, MatchSection } from "../workspace/manifest";
import type { Pool } from "../pool/pool";
import { CURATED_ONE_STATEMENT_MAX, CURATED_SLICE_ROWS, DRAW_RULE, KEPT_TABLE, WORLDWIDE_DRAW_RULE, writeCurated } from "./balance";
import { MATCHED_TABLE, matchesSql, writePreview } from "./match";
import { REDUCE_OUTPUTS } from "./reduce";
import { memoryLimitGb, peakRssMb, runStaged } from "./stagedRun";
import { mergeSubsetNpy } from "./subsetNpy";
import { LANGUAGES_FILE } from "./lidRows";

export interface MergeOptions {
  memoryLimitGb?: number;
  onStage?: (stage: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export async function runMerge(shardDirs: string[], reducedDir: string, outDir: string, opts: MergeOptions = {}): Promise<Manifest> {
  const reduced = await readManifest(reducedDir);
  const reduce = reduced.reduce;
  if (!reduce) throw new InputError(`${reducedDir} is not a reduce folder (its manifest has no "reduce")`);
  const shards = await Promise.all(shardDirs.map((d) => readManifest(d)));
  if (shards.length !== reduce.shards.length) throw new InputError(`${shards.length} shard folder(s) given; ${reducedDir} was reduced from ${reduce.shards.length}`);
  shards.forEach((m, i) => {
    const b = m.balance, s = m.match.shard;
    if (!s || s.index !== i || s.rows_from !== reduce.shards[i].rows_from || s.rows_to !== reduce.shards[i].rows_to) throw new InputError(`${shardDirs[i]} is not shard ${i} of the pool ${reducedDir} was reduced from (give the shards in order)`);
    if (!b) throw new InputError(`${shardDirs[i]} is not balanced yet (run "metacurate balance --reduced" on it)`);
    if (b.t !== reduce.t || b.seed !== reduce.seed) throw new InputError(`${shardDirs[i]} was balanced at t = ${b.t}, seed ${b.seed}; the reduce says t = ${reduce.t}, seed ${reduce.seed}`);
  });
  const files = async (name: string) => Promise.all(shardDirs.map((d) => requireArtifact(d, name)));
  const m = reduced.match;
  const pool: Pool = { files: m.pool.files, textColumn: m.pool.columns.text, urlColumn: m.pool.columns.url, uidColumn: m.pool.columns.uid, rows: m.rows_read };
  return runStaged(outDir, opts.memoryLimitGb, async (out, con) => {
    const timings: Record<string, number> = {};
    const started = performance.now();
    const time = stageTimer(timings, opts.onStage);
    const steps = 4;
    opts.onProgress?.(0, steps);
    const matched = await time("write_matches_ms", async () => {
      const n = await collectMatched(con, await files("matches.parquet"), shards.map((m) => m.match.rows_matched));
      await con.run(matchesSql(out.file("matches.parquet"), m.languages ?? null));
      return n;
    });
    if (matched !== reduce.rows_matched) throw new InputError(`the shards' matches.parquet hold ${matched} rows; the reduce counted ${reduce.rows_matched}`);
    opts.onProgress?.(1, steps);
    // the shards' kept rows, their k made pool-wide, then curated.parquet written as one curate writes it
    const kept = await time("write_curated_ms", async () => {
      const keptFiles = await files("kept.parquet");
      let offset = 0;
      const parts = keptFiles.map((f, i) => { const part = `SELECT k + ${offset} AS k, p_keep FROM read_parquet(${sqlString(f)})`; offset += shards[i].match.rows_matched; return part; });
      await con.run(`CREATE TABLE ${KEPT_TABLE} AS ${parts.join(" UNION ALL ")} ORDER BY k`);
      return writeCurated(con, `SELECT k, uid, entry_ids, pool_row FROM ${MATCHED_TABLE}`, pool, matched, out.file("curated.parquet"), { oneStatementMax: CURATED_ONE_STATEMENT_MAX, sliceRows: CURATED_SLICE_ROWS });
    });
    opts.onProgress?.(2, steps);
    await time("write_preview_ms", () => writePreview(con, pool, out.file("preview.parquet"), matched));
    opts.onProgress?.(3, steps);
    const subsetNpy = shards.every((m) => m.balance!.subset_npy);
    if (subsetNpy) {
      const n = await time("write_subset_ms", async () => mergeSubsetNpy(out.file("subset.npy"), await files("subset.npy")));
      if (n !== kept) throw new InputError(`the shards' subset.npy hold ${n} uids; ${kept} rows were kept`);
    }
    opts.onProgress?.(4, steps);
    const rowsKept = shards.reduce((n, m) => n + m.balance!.rows_kept, 0);
    if (rowsKept !== kept) throw new InputError(`the shards' manifests say ${rowsKept} rows kept, their kept.parquet and the pool give ${kept}`);
    timings.total_ms = Math.round(performance.now() - started);
    const balance: BalanceSection = {
      metadata_hash: reduced.match.metadata.metadataHash,
      t: reduce.t,
      tail_share: reduce.tail_share,
      p_requested: reduce.p_requested,
      target_size_requested: reduce.target_size_requested,
      seed: reduce.seed,
      draw: reduce.languages_expected_size ? WORLDWIDE_DRAW_RULE : DRAW_RULE,
      // every shard was balanced at the same per-language t (the pool's counts); rows add up, E is the reduce's, summed in pool order
      ...(reduce.languages_expected_size ? {
        languages: shards[0].balance!.languages!.map((l, i) => ({ ...l,
          rows_matched: shards.reduce((n, m) => n + m.balance!.languages![i].rows_matched, 0),
          rows_kept: shards.reduce((n, m) => n + m.balance!.languages![i].rows_kept, 0),
          expected_size: reduce.languages_expected_size![i] })),
      } : {}),
      rows_matched: matched,
      rows_kept: kept,
      expected_size: reduce.expected_size,
      keep_rate: matched > 0 ? kept / matched : 0,
      subset_npy: subsetNpy,
      source: out.dir,
      duckdb_memory_limit_gb: memoryLimitGb(opts.memoryLimitGb),
      peak_rss_mb: Math.max(peakRssMb(), ...shards.map((m) => m.balance!.peak_rss_mb)),
      timings_ms: timings,
    };
    // a language-ID match's every row's language: the shards' in pool order
    const lid = reduced.match.language_source?.lid !== undefined;
    if (lid) {
      await time("write_languages_ms", async () => con.run(`COPY (SELECT * FROM read_parquet([${(await files(LANGUAGES_FILE)).map(sqlString).join(", ")}]) ORDER BY pool_row)
        TO ${sqlString(out.file(LANGUAGES_FILE))} (${PARQUET_ROW_OPTIONS})`));
    }
    const summary = reduce.shards.map((s, i) => ({ ...s, rows_kept: shards[i].balance!.rows_kept, balance_ms: shards[i].balance!.timings_ms.total_ms }));
    return { manifest: { tool: "metacurate", version: reduced.version, match: mergedMatchTimings(reduced.match), balance, shards: summary },
      files: ["matches.parquet", "curated.parquet", "preview.parquet", ...(subsetNpy ? ["subset.npy"] : []), ...(lid ? [LANGUAGES_FILE] : [])] };
  }, {
    inputs: [...shardDirs, reducedDir].map((d) => ({ flag: "shards", path: path.join(d, "manifest.json") })),
    carry: { from: reducedDir, names: REDUCE_OUTPUTS },
  });
}

/**
 * The reduce's match section, its match time also as `total_ms` (the shards' match times summed), which
 * every workspace's match section has and the speed line prints, beside the rows per second it gives.
 */
function mergedMatchTimings(match: MatchSection): MatchSection {
  const t = match.timings_ms;
  return { ...match, timings_ms: { ...t, total_ms: t.total_ms ?? t.shards_total_ms ?? 0 } };
}

/**
 * The shards' matched rows, one file after another, into the table `matched` as the single process
 * has it (k in pool order, uid, entry_ids, pool_row); returns its row count. Filled on one thread, so
 * the table's row groups are full ones in order, as the single process's are: matches.parquet, written
 * from it, then has the single process's row groups and bytes (a parallel fill, or a copy straight from
 * the shards' files, cuts them elsewhere once the pool has more than one row group of matches).
 */
async function collectMatched(con: DuckDBConnection, sources: string[], rowsMatched: number[]): Promise<number> {
  for (const f of sources) if ((await stat(f)).size === 0) throw new InputError(`${f} is empty`);
  let offset = 0;
  const parts = sources.map((f, i) => {
    const part = `SELECT file_row_number + ${offset} AS k, uid, entry_ids, pool_row FROM read_parquet(${sqlString(f)}, file_row_number = true)`;
    offset += rowsMatched[i];
    return part;
  });
  await con.run("SET threads = 1");
  try {
    await con.run(`CREATE TABLE ${MATCHED_TABLE} AS ${parts.join(" UNION ALL ")}`);
  } finally {
    await con.run("RESET threads");
  }
  const [r] = await queryRows(con, `SELECT count(*) AS n FROM ${MATCHED_TABLE}`);
  return Number(r.n);
}
