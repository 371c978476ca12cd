/** The keep decision for preview pairs: the engine's draw and keep probability, so the page agrees with `balance`. */
import { keepProbability } from "../curation/balance";
import { draw } from "../curation/draw";
import type { PreviewPair } from "./workspace";

export interface JudgedPair extends PreviewPair {
  pKeep: number;
  u: number;
  kept: boolean;
}

export function judgePair(pair: PreviewPair, counts: ArrayLike<number>, t: number, seed: number): JudgedPair {
  const pKeep = keepProbability(pair.entryIds, 0, pair.entryIds.length, counts, t);
  const u = draw(seed, pair.uid);
  return { ...pair, pKeep, u, kept: u < pKeep };
}

export interface PairFilter {
  keep: "all" | "kept" | "dropped";
  entry: number | null;
  text: string;
}

export function filterPairs(pairs: readonly PreviewPair[], counts: ArrayLike<number>, t: number, seed: number, f: PairFilter): JudgedPair[] {
  const needle = f.text.toLowerCase();
  const out: JudgedPair[] = [];
  for (const p of pairs) {
    if (f.entry !== null && !p.entryIds.includes(f.entry)) continue;
    if (needle && !p.text.toLowerCase().includes(needle)) continue;
    const j = judgePair(p, counts, t, seed);
    if (f.keep === "kept" && !j.kept) continue;
    if (f.keep === "dropped" && j.kept) continue;
    out.push(j);
  }
  return out;
}

/** Where the browser may load a pair's image from: the workspace (relative path), or the pool's http(s) URL if allowed. */
export function imageSource(url: string | null, workspace: string | null, allowRemote: boolean): string | null {
  if (!url) return null;
  if (/^https?:\/\//i.test(url)) return allowRemote ? url : null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || !workspace) return null;
  return `/api/workspaces/${encodeURIComponent(workspace)}/image?path=${encodeURIComponent(url)}`;
}
