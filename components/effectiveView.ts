"use client";
import type { ImageOptions } from "../lib/browser/pairs";
import type { LoadedWorkspace } from "../lib/browser/workspace";
import { resolveT } from "../lib/options/thresholdText";

/** t of the view: the URL's (∞: the t that caps nothing), else the workspace's default t. */
export function effectiveT(ws: LoadedWorkspace, urlT: number | null): number {
  return urlT !== null ? resolveT(urlT, ws.noCap.t) : defaultT(ws).t;
}

/** The t a view opens at with no t in its URL, and what it is: the workspace's curated t, else the t of MetaCLIP's ~6% tail share. */
export function defaultT(ws: LoadedWorkspace): { t: number; what: string } {
  if (ws.info.t !== null) return { t: ws.info.t, what: "the t this workspace was curated at" };
  if (ws.dist.total > 0) return { t: Math.max(1, ws.dist.tForTailShare(0.06)), what: "the t of MetaCLIP's 6% tail share (p = 0.060)" };
  return { t: 1, what: "the smallest t (this workspace has no matches)" };
}

/** Seed of the view's draw: the URL's, else the workspace's curation seed, else 0. */
export function effectiveSeed(ws: LoadedWorkspace, urlSeed: number | null): number {
  return urlSeed ?? ws.info.seed ?? 0;
}

/** Where the pairs' images may come from for this workspace (shards: null until the server says). */
export function imageOptions(ws: LoadedWorkspace, remote: boolean): ImageOptions {
  return { workspace: ws.info.server, shards: ws.imageShards === null ? null : ws.imageShards > 0, remote };
}
