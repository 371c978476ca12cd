/**
 * A job's output name, checked when it is submitted: a job never replaces what exists unless its
 * spec says "replace": true, never writes through a symlink or outside the data directory, a run
 * never replaces a workspace nor the reverse, and no two queued or running jobs share an output.
 */
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { ConflictError, UsageError } from "../errors";
import { folderHolds, refuseOtherKind, type OutputKind } from "../util/outputKind";
import type { JobStore } from "./store";
import { isTerminalState } from "./types";

const inside = (root: string, p: string) => p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** Refuses (ConflictError, 409 / exit 4) an output that exists, unless `replace` and it holds the same kind. */
export async function checkOutputFree(dataDir: string, out: string, writes: OutputKind, replace: boolean): Promise<void> {
  const abs = path.join(dataDir, out);
  const s = await lstat(abs).catch(() => null);
  if (!s) return;
  const shown = JSON.stringify(out);
  if (s.isSymbolicLink()) throw new ConflictError(`"out": ${shown} is a symlink; a job writes only into real folders of the data directory (remove the link or choose another name)`);
  if (!s.isDirectory()) throw new ConflictError(`"out": ${shown} exists and is a file, not a folder (choose another name)`);
  const real = await realpath(abs);
  if (!inside(await realpath(dataDir), real)) throw new ConflictError(`"out": ${shown} leads outside the data directory`);
  const holds = await folderHolds(abs);
  const other = refuseOtherKind(holds, writes, `"out": ${shown}`);
  if (other) throw new ConflictError(other);
  if (holds === "other") throw new ConflictError(`"out": ${shown} is a folder of files metacurate did not write; a job never writes into it (choose another name)`);
  if (holds === "empty") return;
  if (!replace) throw new ConflictError(`"out": ${shown} is already a ${holds === "run" ? "training run" : "workspace"}; choose another name, or say "replace": true to replace it`);
}

/** Refuses an output that a queued or running job will write. */
export async function checkNotClaimed(store: JobStore, out: string): Promise<void> {
  const id = await store.claimOf(out);
  if (!id) return;
  const job = await store.read(id).catch(() => null);
  if (job && !isTerminalState(job.state)) throw new ConflictError(`"out": job ${id} (${job.state}) is already writing ${JSON.stringify(out)}; wait for it or cancel it`);
}

export function checkReplaceField(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw new UsageError(`"replace": must be true or false (got ${JSON.stringify(value)?.slice(0, 40)})`);
  return value;
}
