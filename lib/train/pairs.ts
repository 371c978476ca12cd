/**
 * The image–caption pairs a run trains on, read from a workspace: `raw` (every pool row), `matched`
 * (rows with at least one match) or `curated` (curated.parquet), each image found the way the
 * dashboard finds it (a file in the workspace, or a member of its webdataset tar shards), decoded to
 * 28×28 grey and standardised. Node only.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError, UserError } from "../errors";
import { openDuckDB, queryRows, sqlIdent, sqlString } from "../pool/duckdb";
import { poolRelation, type Pool } from "../pool/pool";
import { requireArtifact } from "../workspace/artifacts";
import { openInside } from "../workspace/confined";
import type { Manifest } from "../workspace/manifest";
import { resolveInside } from "../workspace/serve";
import { workspaceShards, type ShardSet } from "../workspace/shards";
import { decodeGrey, standardise } from "./images";
import { IMAGE_PIXELS } from "./model";

export const SUBSETS = ["raw", "matched", "curated"] as const;
export type Subset = (typeof SUBSETS)[number];

export interface Pairs {
  /** Pairs whose image was read (the others are counted in `missing`). */
  n: number;
  pixels: Float32Array;
  texts: string[];
  /** Rows of the subset, and those whose image could not be found or decoded. */
  rows: number;
  missing: number;
}

export function manifestPool(m: Manifest): Pool {
  return { files: m.match.pool.files, textColumn: m.match.pool.columns.text, urlColumn: m.match.pool.columns.url, uidColumn: m.match.pool.columns.uid, rows: m.match.rows_read };
}

async function subsetRows(dir: string, manifest: Manifest, subset: Subset): Promise<{ uid: string; url: string | null; text: string }[]> {
  const pool = manifestPool(manifest);
  const sql = subset === "raw" ? `SELECT uid, url, "text" FROM (${poolRelation(pool)}) ORDER BY pool_row`
    : subset === "matched" ? `SELECT p.uid, p.url, p."text" FROM read_parquet(${sqlString(await requireArtifact(dir, "matches.parquet"))}) m JOIN (${poolRelation(pool)}) p USING (pool_row) ORDER BY pool_row`
    : `SELECT uid, url, "text" FROM read_parquet(${sqlString(await requireArtifact(dir, "curated.parquet"))}, file_row_number = true) ORDER BY file_row_number`;
  const con = await openDuckDB();
  try {
    return (await queryRows(con, sql)).map((r) => ({ uid: String(r.uid), url: r.url === null ? null : String(r.url), text: r.text === null ? "" : String(r.text) }));
  } catch (e) {
    throw new InputError(`cannot read the ${subset} pairs of ${dir}: ${(e as Error).message.split("\n")[0]}`);
  } finally {
    con.closeSync();
  }
}

/** Rows of each class in the raw pool (by `column`), or null when the pool has no such column. */
export async function poolClassCounts(manifest: Manifest, column: string, classes: number): Promise<number[] | null> {
  const con = await openDuckDB();
  try {
    const counts = new Array<number>(classes).fill(0);
    for (const f of manifest.match.pool.files) {
      const cols = (await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(f.path)})`)).map((c) => String(c.column_name));
      if (!cols.includes(column)) return null;
      for (const r of await queryRows(con, `SELECT CAST(${sqlIdent(column)} AS INTEGER) AS c, count(*) AS n FROM read_parquet(${sqlString(f.path)}) GROUP BY 1`)) {
        const c = Number(r.c);
        if (Number.isInteger(c) && c >= 0 && c < classes) counts[c] += Number(r.n);
      }
    }
    return counts;
  } finally {
    con.closeSync();
  }
}

/** A pair's image bytes: the file its url names inside `dir`, else the member of `dir`'s tar shards with its uid or url; null when neither holds it. */
export async function imageBytes(dir: string, uid: string, url: string | null, shards: () => Promise<ShardSet>): Promise<Uint8Array | null> {
  try {
    if (url !== null && !/^[a-z][a-z0-9+.-]*:/i.test(url)) return await readFile(await resolveInside(dir, url));
    const hit = (await shards()).lookup(uid, url);
    if (!hit) return null;
    const { handle, size } = await openInside(dir, hit.file, "a tar shard");
    try {
      if (hit.offset + hit.size > size) return null;
      const buf = Buffer.alloc(hit.size);
      await handle.read(buf, 0, hit.size, hit.offset);
      return buf;
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof UserError) return null;
    throw e;
  }
}

/** The pairs of `dir`'s subset, their images read from `imagesDir` (a file in it, or its tar shards). */
export async function loadPairs(dir: string, manifest: Manifest, subset: Subset, imagesDir: string, onProgress?: (done: number, total: number) => void): Promise<Pairs> {
  const rows = await subsetRows(dir, manifest, subset);
  if (rows.length === 0) throw new InputError(`the ${subset} subset of ${dir} has no rows`);
  let shardSet: Promise<ShardSet> | null = null;
  const shards = () => (shardSet ??= workspaceShards(imagesDir));
  const pixels = new Float32Array(rows.length * IMAGE_PIXELS);
  const texts: string[] = [];
  let n = 0, missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const bytes = await imageBytes(imagesDir, rows[i].uid, rows[i].url, shards);
    const grey = bytes && decodeGrey(bytes);
    if (!grey) { missing++; continue; }
    standardise(grey, pixels, n * IMAGE_PIXELS);
    texts.push(rows[i].text);
    n++;
    if (i % 1000 === 999) onProgress?.(i + 1, rows.length);
  }
  onProgress?.(rows.length, rows.length);
  if (n === 0) {
    const first = rows[0];
    throw new InputError(`${path.basename(dir)} has no readable images for its ${subset} pairs (the first, uid ${first.uid.slice(0, 40)}, url ${String(first.url).slice(0, 80)}, is neither a PNG or JPEG file in the workspace nor in its tar shards)`);
  }
  return { n, pixels: pixels.subarray(0, n * IMAGE_PIXELS), texts, rows: rows.length, missing };
}
