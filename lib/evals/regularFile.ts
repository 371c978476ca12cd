/**
 * Reads a file of a run (eval_results.jsonl, run.json) only when it is a regular file inside `root`, up to
 * `cap` bytes (Node only). A FIFO, socket or device is opened without blocking (O_NONBLOCK) and refused
 * once its descriptor says what it is: a plain open or read of a FIFO waits forever for a writer and holds
 * one of libuv's four threads, so a few requests would stall every route. A symlink is followed only when
 * its real path stays inside `root`; the real path is opened with O_NOFOLLOW and the descriptor checked
 * again, so a symlink swapped in after the check cannot lead out either.
 */
import { constants, type Stats } from "node:fs";
import { open, readlink, realpath, type FileHandle } from "node:fs/promises";
import { isInside } from "../workspace/confined";

export type FileRead =
  | { bytes: Buffer; /** the file's mtime (ms) */ modifiedMs?: number }
  /** `missing`: there is no such file (not a problem for an optional file). */
  | { problem: string; missing?: true };

const CHUNK = 4 * 1024 * 1024;
const MB = 1024 * 1024;

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

function kindOf(s: Stats): string {
  if (s.isFIFO()) return "a FIFO";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  if (s.isDirectory()) return "a folder";
  return "not a file";
}

export const tooLarge = (size: number, cap: number) => `${(size / MB).toFixed(1)} MB is more than the ${cap / MB} MB cap: not read`;

/** The file's bytes, or why they were not read ("missing" when it does not exist). Never throws. */
export async function readRegularFile(file: string, root: string, cap: number): Promise<FileRead> {
  let real: string;
  try {
    real = await realpath(file);
    root = await realpath(root); // both compared as real paths (a data directory reached through a symlink)
  } catch (e) {
    return code(e) === "ENOENT" ? { problem: "missing", missing: true } : { problem: `unreadable (${code(e)})` };
  }
  if (!isInside(root, real)) return { problem: "a symlink that leads out of the folder: not read" };
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return code(e) === "ENOENT" ? { problem: "missing", missing: true } : code(e) === "ELOOP" ? { problem: "replaced by a symlink while read: not read" } : { problem: `unreadable (${code(e)})` };
  }
  try {
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => real); // Linux: the path of what was opened
    if (!isInside(root, opened)) return { problem: "moved out of the folder while read: not read" };
    const s = await handle.stat();
    if (!s.isFile()) return { problem: `${kindOf(s)}, not a regular file: not read` };
    if (s.size > cap) return { problem: tooLarge(s.size, cap) };
    const read = await readUpTo(handle, cap);
    return "bytes" in read ? { ...read, modifiedMs: s.mtimeMs } : read;
  } catch (e) {
    return { problem: `unreadable (${code(e)})` };
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Reads to the end; a file that grew past `cap` since its size was checked is refused all the same. */
async function readUpTo(handle: FileHandle, cap: number): Promise<FileRead> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, cap + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > cap) return { problem: tooLarge(total, cap) };
  }
  return { bytes: Buffer.concat(chunks, total) };
}
