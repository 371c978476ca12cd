/** The keep decision for preview pairs: the engine's draw and keep probability, so the page agrees with `balance`. */
import { keepProbability } from "../curation/balance";
import { keepProbabilityByEntry } from "../curation/worldwideBalance";
import type { IdRange } from "./sql";
import { draw } from "../curation/draw";
import type { PreviewPair } from "./workspace";

export interface JudgedPair extends PreviewPair {
  pKeep: number;
  u: number;
  kept: boolean;
}

/** `entryT`: a worldwide workspace's t per entry (its language's), which replaces t. */
export function judgePair(pair: PreviewPair, counts: ArrayLike<number>, t: number, seed: number, entryT: ArrayLike<number> | null = null): JudgedPair {
  const pKeep = entryT ? keepProbabilityByEntry(pair.entryIds, 0, pair.entryIds.length, counts, entryT) : keepProbability(pair.entryIds, 0, pair.entryIds.length, counts, t);
  const u = draw(seed, pair.uid);
  return { ...pair, pKeep, u, kept: u < pKeep };
}

export interface PairFilter {
  keep: "all" | "kept" | "dropped";
  entry: number | null;
  text: string;
  /** A worldwide workspace's language: pairs whose entries are in its range of ids. */
  lang?: IdRange | null;
}

export function filterPairs(pairs: readonly PreviewPair[], counts: ArrayLike<number>, t: number, seed: number, f: PairFilter, entryT: ArrayLike<number> | null = null): JudgedPair[] {
  const needle = f.text.toLowerCase();
  const out: JudgedPair[] = [];
  for (const p of pairs) {
    if (f.entry !== null && !p.entryIds.includes(f.entry)) continue;
    if (needle && !p.text.toLowerCase().includes(needle)) continue;
    if (f.lang && !(p.entryIds[0] >= f.lang.offset && p.entryIds[0] < f.lang.offset + f.lang.entries)) continue;
    const j = judgePair(p, counts, t, seed, entryT);
    if (f.keep === "kept" && !j.kept) continue;
    if (f.keep === "dropped" && j.kept) continue;
    out.push(j);
  }
  return out;
}

export interface ImageOptions {
  /** served workspace name; null for local files (no server to read images from) */
  workspace: string | null;
  /** the workspace has webdataset tar shards: pool-URL images come from them, by uid (else url); null = not known yet */
  shards: boolean | null;
  /** the person allowed loading the pool's http(s) URLs */
  remote: boolean;
}

/**
 * Where the browser may load a pair's image from: a relative path is a file of the workspace; any
 * other url is looked up in the workspace's tar shards when it has some, else loaded from the pool's
 * http(s) URL only if allowed. Other schemes never load. undefined: wait, the shards are not known yet.
 */
export function imageSource(pair: { uid: string; url: string | null }, o: ImageOptions): string | null | undefined {
  const { url } = pair;
  const base = o.workspace === null ? null : `/api/workspaces/${encodeURIComponent(o.workspace)}/image`;
  const remote = url !== null && /^https?:\/\//i.test(url);
  if (url !== null && !remote && !/^[a-z][a-z0-9+.-]*:/i.test(url)) return base && `${base}?path=${encodeURIComponent(url)}`;
  if (base && o.shards === null) return undefined;
  if (base && o.shards) return `${base}?uid=${encodeURIComponent(pair.uid)}${url !== null ? `&url=${encodeURIComponent(url)}` : ""}`;
  return remote && o.remote ? url : null;
}
