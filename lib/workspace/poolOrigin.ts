/**
 * Where a workspace's pool came from, for a run to record: the pool's identity (its files' sha256, as
 * one hash: runs on different pools are never one sweep) and, when a pool file is the output of
 * `metacurate filter` (filtered.parquet beside a manifest with a "filter" section), that filter. Node only.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Manifest } from "./manifest";

export interface PoolFilterRecord {
  name: string;
  score_column: string | null;
  threshold: number | null;
  fraction: number | null;
  rows_read: number;
  rows_kept: number;
}

export function poolHash(manifest: Manifest): string {
  return createHash("sha256").update(JSON.stringify(manifest.match.pool.files.map((f) => f.sha256))).digest("hex");
}

/** The filter that wrote the pool's files, when one did (the same for every file, or none). */
export async function poolFilter(manifest: Manifest): Promise<PoolFilterRecord | null> {
  const found: PoolFilterRecord[] = [];
  for (const f of manifest.match.pool.files) {
    if (path.basename(f.path) !== "filtered.parquet") return null;
    const text = await readFile(path.join(path.dirname(f.path), "manifest.json"), "utf8").catch(() => null);
    const m = text ? (JSON.parse(text) as { tool?: string; filter?: Record<string, unknown> }) : null;
    if (m?.tool !== "metacurate" || !m.filter) return null;
    const x = m.filter;
    found.push({ name: String(x.name), score_column: (x.score_column as string | null) ?? null, threshold: (x.threshold as number | null) ?? null, fraction: (x.fraction as number | null) ?? null, rows_read: Number(x.rows_read), rows_kept: Number(x.rows_kept) });
  }
  return found.length > 0 && found.every((x) => JSON.stringify(x.name) === JSON.stringify(found[0].name)) ? found[0] : null;
}
