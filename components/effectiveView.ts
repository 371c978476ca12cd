"use client";
import type { ImageOptions } from "../lib/browser/pairs";
import type { LoadedWorkspace } from "../lib/browser/workspace";

/** t of the view: the URL's, else the workspace's curated t, else the t of MetaCLIP's ~6% tail share. */
export function effectiveT(ws: LoadedWorkspace, urlT: number | null): number {
  if (urlT !== null) return urlT;
  if (ws.info.t !== null) return ws.info.t;
  return ws.dist.total > 0 ? Math.max(1, ws.dist.tForTailShare(0.06)) : 1;
}

/** Seed of the view's draw: the URL's, else the workspace's curation seed, else 0. */
export function effectiveSeed(ws: LoadedWorkspace, urlSeed: number | null): number {
  return urlSeed ?? ws.info.seed ?? 0;
}

/** Where the pairs' images may come from for this workspace (shards: null until the server says). */
export function imageOptions(ws: LoadedWorkspace, remote: boolean): ImageOptions {
  return { workspace: ws.info.server, shards: ws.imageShards === null ? null : ws.imageShards > 0, remote };
}
