/**
 * `metacurate score`: a pool scored with a trained tiny CLIP, as DataComp's pools carry a CLIP score
 * (and as DFN filters with a model trained on the pool itself): the cosine of each row's image and
 * caption embeddings (both normalised) in a `tiny_clip_similarity_score` column, beside every pool
 * column, in pool order (scored.parquet). A row whose image cannot be read, or whose caption is null,
 * has a null score (filter's clip_score drops it, as pandas drops NaN). Node only.
 */
import { DOUBLE, BIGINT } from "@duckdb/node-api";
import { InputError } from "../errors";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../pool/bulkAppend";
import { PARQUET_ROW_OPTIONS, sqlString } from "../pool/duckdb";
import { inspectPool, poolAllColumns, poolRelation } from "../pool/pool";
import { memoryLimitGb, runStaged } from "../pipeline/stagedRun";
import { sha256File } from "../util/files";
import { TOOL_VERSION } from "../workspace/manifest";
import { workspaceShards, type ShardSet } from "../workspace/shards";
import { imageEmbeddings, textEmbeddings } from "./evaluate";
import { decodeGrey, standardise } from "./images";
import { EMBED, IMAGE_PIXELS } from "./model";
import { imageBytes } from "./pairs";
import { loadClip, readSavedRun } from "./savedRun";
import { loadTf, type Backend } from "./tf";

export const SCORE_COLUMN = "tiny_clip_similarity_score";
const BATCH = 1000;

export interface ScoreOptions {
  run: string;
  pool: string[];
  /** Where the pool's images are (a workspace: files its urls name, or its tar shards); default the run's workspace. */
  imagesFrom?: string;
  columns?: { text?: string; url?: string; uid?: string };
  memoryLimitGb?: number;
  backend?: Backend;
  onProgress?: (done: number, total: number) => void;
  onStage?: (stage: string) => void;
}

export interface ScoreManifest {
  tool: "metacurate";
  version: string;
  score: {
    column: string;
    rule: string;
    run: string;
    run_weights_sha256: string;
    images_from: string;
    pool: { files: { path: string; bytes: number; sha256: string; rows: number }[] };
    rows: number;
    rows_scored: number;
    rows_without_image: number;
    rows_null_text: number;
    timings_ms: Record<string, number>;
  };
}

export async function runScore(outDir: string, opts: ScoreOptions): Promise<ScoreManifest> {
  memoryLimitGb(opts.memoryLimitGb);
  const saved = readSavedRun(opts.run);
  const imagesFrom = opts.imagesFrom ?? (typeof saved.record.workspace === "string" ? saved.record.workspace : null);
  if (!imagesFrom) throw new InputError(`${opts.run}'s run.json names no workspace: give --images-from DIR, the folder holding the pool's images`);
  return runStaged<ScoreManifest>(outDir, opts.memoryLimitGb, async (out, con) => {
    const timings: Record<string, number> = {};
    const started = performance.now();
    const pool = await inspectPool(con, opts.pool, { text: opts.columns?.text, url: opts.columns?.url, uid: opts.columns?.uid }, { skipNullText: true });
    const tf = await loadTf(opts.backend ?? "wasm");
    const clip = loadClip(tf, saved);
    let shardSet: Promise<ShardSet> | null = null;
    const shards = () => (shardSet ??= workspaceShards(imagesFrom));
    await con.run("CREATE OR REPLACE TABLE scores (pool_row BIGINT, score DOUBLE)");
    const appender = await con.createAppender("scores");
    const writer = new ChunkWriter(appender, [BIGINT, DOUBLE]);
    let scored = 0, noImage = 0, nullText = 0, done = 0;
    opts.onStage?.("score");
    try {
      for (let from = 0; from < pool.rows; from += BATCH) {
        const to = Math.min(pool.rows, from + BATCH);
        const reader = await con.runAndReadAll(`SELECT pool_row, uid, url, "text" FROM (${poolRelation(pool, { from, to: to - 1 })}) ORDER BY pool_row`);
        const rows = reader.getRowObjects() as { pool_row: bigint; uid: string; url: string | null; text: string | null }[];
        const pixels = new Float32Array(rows.length * IMAGE_PIXELS);
        const have: number[] = [];
        for (let i = 0; i < rows.length; i++) {
          if (rows[i].text === null) { nullText++; continue; }
          const bytes = await imageBytes(imagesFrom, rows[i].uid, rows[i].url, shards);
          const grey = bytes && decodeGrey(bytes);
          if (!grey) { noImage++; continue; }
          standardise(grey, pixels, have.length * IMAGE_PIXELS);
          have.push(i);
        }
        const scores = new Float64Array(rows.length).fill(Number.NaN);
        if (have.length > 0) {
          const zi = await imageEmbeddings(tf, clip, pixels, have.length);
          const zt = await textEmbeddings(tf, clip, saved.vocab, have.map((i) => rows[i].text as string));
          have.forEach((row, k) => {
            let dot = 0;
            for (let d = 0; d < EMBED; d++) dot += zi[k * EMBED + d] * zt[k * EMBED + d];
            scores[row] = dot;
          });
          scored += have.length;
        }
        // one chunk at a time: pool_row, and the score (null where there is none)
        for (let c = 0; c < rows.length; c += CHUNK_ROWS) {
          const m = Math.min(CHUNK_ROWS, rows.length - c);
          const ids = new BigInt64Array(m), words = new Uint32Array(ids.buffer);
          const nulls: number[] = [];
          for (let i = 0; i < m; i++) { setInt64(words, i, Number(rows[c + i].pool_row)); if (Number.isNaN(scores[c + i])) nulls.push(i); }
          writer.begin();
          writer.fixed(0, ids, 0, m);
          writer.fixed(1, scores.subarray(c, c + m), 0, m);
          writer.validity(1, m, nulls);
          writer.append(m);
        }
        done = to;
        opts.onProgress?.(done, pool.rows);
      }
    } finally {
      appender.closeSync();
      clip.dispose();
    }
    timings.score_ms = Math.round(performance.now() - started);
    opts.onStage?.("write");
    let t0 = performance.now();
    const written = await con.runAndReadAll(`COPY (SELECT p.* EXCLUDE (__pool_row), s.score AS ${SCORE_COLUMN} FROM (${poolAllColumns(pool)}) p JOIN scores s ON s.pool_row = p.__pool_row ORDER BY p.__pool_row) TO ${sqlString(out.file("scored.parquet"))} (${PARQUET_ROW_OPTIONS})`);
    if (Number(written.getRows()[0]?.[0] ?? -1) !== pool.rows) throw new Error(`scored.parquet got ${String(written.getRows()[0]?.[0])} rows for ${pool.rows}`);
    timings.write_ms = Math.round(performance.now() - t0);
    t0 = performance.now();
    const files = await Promise.all(pool.files.map(async (f) => ({ path: f.path, bytes: f.bytes, sha256: await sha256File(f.path), rows: f.rows })));
    const weightsSha = await sha256File(`${saved.dir}/weights.bin`);
    timings.hash_ms = Math.round(performance.now() - t0);
    timings.total_ms = Math.round(performance.now() - started);
    return {
      manifest: {
        tool: "metacurate", version: TOOL_VERSION,
        score: {
          column: SCORE_COLUMN, rule: "cosine of the normalised image and caption embeddings of the run's tiny CLIP (null without an image or a caption)",
          run: saved.dir, run_weights_sha256: weightsSha, images_from: imagesFrom, pool: { files },
          rows: pool.rows, rows_scored: scored, rows_without_image: noImage, rows_null_text: nullText, timings_ms: timings,
        },
      },
      files: ["scored.parquet"],
    };
  }, { inputs: [...opts.pool.map((p) => ({ flag: "pool", path: p })), { flag: "run", path: `${saved.dir}/weights.bin` }] });
}
