"use client";
import { useEffect, useSyncExternalStore } from "react";
import { getState, openServerWorkspace, subscribe, type StoreState } from "../lib/browser/workspaceStore";

const idle: StoreState = { status: "idle" };

// a workspace page named in the address starts loading when this module runs, before React has hydrated the page
if (typeof window !== "undefined" && ["/distribution", "/entries", "/pairs"].includes(location.pathname)) {
  const name = new URLSearchParams(location.search).get("workspace");
  if (name) openServerWorkspace(name);
}

/** The workspace named in the URL, loading it if needed (local files stay open until another is chosen). */
export function useWorkspace(name: string | null): StoreState {
  const state = useSyncExternalStore(subscribe, getState, () => idle);
  useEffect(() => {
    if (name) openServerWorkspace(name);
  }, [name]);
  return state;
}

/** Re-renders when the loaded workspace reports a change (matches loaded, failed). */
export function useWorkspaceVersion(ws: { subscribe(f: () => void): () => void } | null): number {
  return useSyncExternalStore(
    (f) => (ws ? ws.subscribe(f) : () => {}),
    () => versionOf(ws),
    () => 0,
  );
}

const versions = new WeakMap<object, number>();
function versionOf(ws: object | null): number {
  if (!ws) return 0;
  if (!versions.has(ws)) {
    versions.set(ws, 0);
    (ws as { subscribe(f: () => void): () => void }).subscribe(() => versions.set(ws, (versions.get(ws) ?? 0) + 1));
  }
  return versions.get(ws)!;
}
