"use client";
import type { LoadedWorkspace } from "../lib/browser/workspace";

/** t of the view: the URL's, else the workspace's curated t, else the t of MetaCLIP's ~6% tail share. */
export function effectiveT(ws: LoadedWorkspace, urlT: number | null): number {
  if (urlT !== null) return urlT;
  if (ws.info.t !== null) return ws.info.t;
  return ws.dist.total > 0 ? Math.max(1, ws.dist.tForTailShare(0.06)) : 1;
}
