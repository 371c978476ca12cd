/**
 * Paths confined to a root folder: a file is used only when its real path (every symlink resolved)
 * lies inside the root's real path, and an opened file is checked again through its descriptor, so
 * a symlink swapped in between the check and the open cannot lead outside either.
 */
import { open, readlink, realpath, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { NotFoundError } from "../errors";

/** Whether `real` is `root` or inside it (both real paths). */
export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The real path of `p`, which must exist inside the real folder `root`; else a NotFoundError naming `shown`. */
export async function realInside(root: string, p: string, shown: string): Promise<string> {
  const real = await realpath(p).catch(() => null);
  if (real === null || !isInside(root, real)) throw new NotFoundError(`${shown} does not exist`);
  return real;
}

export interface ConfinedFile {
  handle: FileHandle;
  size: number;
}

/** Opens the regular file `p` for reading, only if it is (and stays, once open) inside the real folder `root`. */
export async function openInside(root: string, p: string, shown: string): Promise<ConfinedFile> {
  const real = await realInside(root, p, shown);
  const handle = await open(real, "r").catch(() => { throw new NotFoundError(`${shown} does not exist`); });
  try {
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => real); // Linux: the path of what was opened
    const s = await handle.stat();
    if (!isInside(root, opened) || !s.isFile()) throw new NotFoundError(`${shown} does not exist`);
    return { handle, size: s.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
