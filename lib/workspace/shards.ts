/**
 * The webdataset tar shards of a workspace: every `*.tar` in its folder or in subfolders (up to three
 * levels, symlinks not followed), indexed once and kept while the files are unchanged. A shard that
 * cannot be indexed is listed with its problem and skipped.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { indexTar, type ShardImage, type TarIndex } from "./tarIndex";

export interface ShardInfo {
  /** Path relative to the workspace. */
  path: string;
  images: number;
  /** Why the shard is skipped (not a tar, a header that lies); absent when it serves. */
  problem?: string;
}

export interface ShardSet {
  shards: ShardInfo[];
  images: number;
  lookup(uid: string | null, url: string | null): ShardImage | null;
}

const cache = new Map<string, { stamp: string; index: TarIndex }>();

async function findTars(dir: string, depth: number, out: string[]): Promise<void> {
  for (const d of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, d.name);
    if (d.isFile() && d.name.toLowerCase().endsWith(".tar")) out.push(p);
    else if (d.isDirectory() && depth > 0) await findTars(p, depth - 1, out);
  }
}

async function cachedIndex(file: string): Promise<TarIndex> {
  const s = await stat(file);
  const stamp = `${s.size}:${s.mtimeMs}`;
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.index;
  const index = await indexTar(file);
  cache.set(file, { stamp, index });
  return index;
}

/** The workspace's shards, each indexed or skipped with its problem named: one bad shard never stops the others. */
export async function workspaceShards(dir: string): Promise<ShardSet> {
  const files: string[] = [];
  await findTars(dir, 3, files);
  files.sort();
  const results = await Promise.allSettled(files.map(cachedIndex));
  const indexes = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  return {
    shards: files.map((f, i) => {
      const r = results[i], rel = path.relative(dir, f);
      if (r.status === "fulfilled") return { path: rel, images: r.value.images };
      const why = r.reason instanceof Error ? r.reason.message : String(r.reason);
      return { path: rel, images: 0, problem: why.split(f).join(rel).split("\n")[0] };
    }),
    images: indexes.reduce((n, i) => n + i.images, 0),
    lookup(uid, url) {
      for (const i of indexes) {
        const hit = (uid !== null ? i.byUid.get(uid) : undefined) ?? (url !== null ? i.byUrl.get(url) : undefined);
        if (hit) return hit;
      }
      return null;
    },
  };
}
