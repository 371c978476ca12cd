/**
 * What an output folder holds, by the outputs committed in it: a workspace (manifest.json) or a run
 * (run.json, model.json, eval_results.jsonl). A run never replaces a workspace, nor the reverse.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

export type OutputKind = "workspace" | "run";

const RUN_NAMES = ["run.json", "model.json", "eval_results.jsonl"];

/** "workspace", "run", "empty" (no entries, or none but metacurate's own bookkeeping), "other" (files of someone else's), or null when absent. */
export async function folderHolds(dir: string): Promise<OutputKind | "empty" | "other" | null> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? null : Promise.reject(e)));
  if (names === null) return null;
  if (names.includes("manifest.json")) return (await isMetacurateManifest(path.join(dir, "manifest.json"))) ? "workspace" : "other";
  if (RUN_NAMES.some((n) => names.includes(n))) return "run";
  return names.every((n) => n.startsWith(".metacurate-")) ? "empty" : "other";
}

export function refuseOtherKind(holds: Awaited<ReturnType<typeof folderHolds>>, writes: OutputKind, shown: string): string | null {
  if (holds === "workspace" && writes === "run") return `${shown} is a workspace; a run never replaces a workspace (choose another name)`;
  if (holds === "run" && writes === "workspace") return `${shown} is a training run; a workspace never replaces a run (choose another name)`;
  return null;
}

/** Whether the file is a manifest metacurate wrote ("tool": "metacurate"), not someone's own manifest.json. */
async function isMetacurateManifest(file: string): Promise<boolean> {
  const s = await stat(file).catch(() => null);
  if (!s || !s.isFile() || s.size > 8 << 20) return false;
  try {
    return (JSON.parse(await readFile(file, "utf8")) as { tool?: unknown }).tool === "metacurate";
  } catch {
    return false;
  }
}
