/**
 * Where a job's task may write: with METACURATE_OUT_ROOT set (the job runner sets it to the data
 * directory), an output folder must be a real folder inside that root, never a symlink, both when the
 * run opens it and again just before it commits. Without the variable (a person's own command line)
 * nothing is checked: `--out` goes where the person said.
 */
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { OutputError } from "../errors";

export interface FolderIdentity {
  dev: number;
  ino: number;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** Checks `dir` (which exists) against the root; returns its identity to compare at commit, or null when unconfined. */
export async function confinedFolder(dir: string, shown: string): Promise<FolderIdentity | null> {
  const root = process.env.METACURATE_OUT_ROOT;
  if (!root) return null;
  const s = await lstat(dir);
  if (s.isSymbolicLink()) throw new OutputError(`output folder ${shown} is a symlink; a job writes only into real folders of the data directory`);
  const realRoot = await realpath(root);
  const real = await realpath(dir);
  if (real === realRoot || !inside(realRoot, real)) throw new OutputError(`output folder ${shown} leads outside the data directory`);
  return { dev: s.dev, ino: s.ino };
}

/** Before the commit: the folder is still the one that was opened (not swapped for a symlink or another folder). */
export async function checkStillConfined(dir: string, shown: string, opened: FolderIdentity | null): Promise<void> {
  if (!opened) return;
  const now = await confinedFolder(dir, shown).catch((e) => { throw e instanceof OutputError ? e : new OutputError(`output folder ${shown} is gone`); });
  if (!now || now.dev !== opened.dev || now.ino !== opened.ino) throw new OutputError(`output folder ${shown} was replaced while the run wrote it; nothing was committed`);
}
