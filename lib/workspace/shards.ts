/**
 * The webdataset tar shards of a workspace: every `*.tar` in its folder or in subfolders (up to three
 * levels, symlinks not followed), indexed once and kept while the files are unchanged.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { indexTar, type ShardImage, type TarIndex } from "./tarIndex";

export interface ShardSet {
  shards: string[];
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

export async function workspaceShards(dir: string): Promise<ShardSet> {
  const files: string[] = [];
  await findTars(dir, 3, files);
  files.sort();
  const indexes = await Promise.all(files.map(cachedIndex));
  return {
    shards: files.map((f) => path.relative(dir, f)),
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
