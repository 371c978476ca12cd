/** The page's current workspace (kept across client-side navigation), with load progress and errors. */
import { emit } from "./events";
import { loadLocalWorkspace, loadServerWorkspace, type LocalFiles } from "./loadWorkspace";
import type { LoadedWorkspace } from "./workspace";

export type StoreState =
  | { status: "idle" }
  | { status: "loading"; key: string; step: string }
  | { status: "ready"; key: string; ws: LoadedWorkspace }
  | { status: "error"; key: string; message: string };

let state: StoreState = { status: "idle" };
const listeners = new Set<() => void>();
let generation = 0;

function set(next: StoreState): void {
  state = next;
  for (const f of listeners) f();
}

export function getState(): StoreState {
  return state;
}

export function subscribe(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

async function load(key: string, run: (step: (s: string) => void) => Promise<LoadedWorkspace>): Promise<void> {
  const mine = ++generation;
  if (state.status === "ready") state.ws.dispose();
  set({ status: "loading", key, step: "starting" });
  const t0 = performance.now();
  try {
    const ws = await run((step) => { if (mine === generation) set({ status: "loading", key, step }); });
    if (mine !== generation) { ws.dispose(); return; }
    set({ status: "ready", key, ws });
    emit({ type: "workspace:ready", key, entries: ws.countsById.length, ms: performance.now() - t0 });
  } catch (e) {
    if (mine !== generation) return;
    const message = e instanceof Error ? e.message : String(e);
    set({ status: "error", key, message });
    emit({ type: "workspace:error", key, message });
  }
}

/** Opens a served workspace unless it is the one already open (or opening). */
export function openServerWorkspace(name: string): void {
  const key = `server:${name}`;
  if (state.status !== "idle" && state.status !== "error" && state.key === key) return;
  void load(key, (step) => loadServerWorkspace(name, step));
}

export const LOCAL_KEY = "local";

export function openLocalFiles(files: LocalFiles): void {
  void load(LOCAL_KEY, (step) => loadLocalWorkspace(files, step));
}

/** Sorts dropped or picked files into a workspace's roles by name; anything else is named in the error. */
export function classifyFiles(list: File[]): LocalFiles {
  const out: Partial<LocalFiles> = {};
  const unknown: string[] = [];
  for (const f of list) {
    const n = f.name.toLowerCase();
    if (n.includes("entry_counts") && n.endsWith(".parquet")) out.entryCounts = f;
    else if (n.includes("matches") && n.endsWith(".parquet")) out.matches = f;
    else if (n.includes("preview") && n.endsWith(".parquet")) out.preview = f;
    else if (n === "manifest.json") out.manifest = f;
    else if (n.endsWith(".json") && !out.metadata) out.metadata = f;
    else unknown.push(f.name);
  }
  if (unknown.length) throw new Error(`don't know what ${unknown.join(", ")} is: open entry_counts*.parquet, and optionally matches*.parquet, preview*.parquet, manifest.json and one metadata .json`);
  if (!out.entryCounts) throw new Error("open an entry_counts parquet file (with matches.parquet for the exact expected size)");
  return out as LocalFiles;
}
