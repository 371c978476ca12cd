"use client";
import type { ReactNode } from "react";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import { useWorkspaceVersion } from "../useWorkspace";

/** Shows its children once the workspace's preview pairs have arrived (or are known to be absent). */
export function PreviewGate({ ws, children }: { ws: LoadedWorkspace; children: ReactNode }) {
  useWorkspaceVersion(ws);
  const s = ws.previewState;
  if (s === "loading") return <p className="text-sm text-zinc-500" role="status">loading preview pairs…</p>;
  if (typeof s === "object") return <p role="alert" className="text-sm text-red-700 dark:text-red-400">{s.error}</p>;
  if (s === "none") return <p className="text-sm text-zinc-500">This workspace has no preview.parquet, so there are no sample pairs to show.</p>;
  return <>{children}</>;
}
