/** A real, small filesystem (a tmpfs, mounted as root) and a way to fill it, for full-disk tests. */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";

interface SkippableTest {
  skip(message?: string): void;
  after(fn: () => void): void;
}

/** Mounts a tmpfs of `kb` KB and returns its folder; or skips the test, saying why, and returns null. */
export function mountSmallDisk(t: SkippableTest, kb: number): string | null {
  if (process.getuid?.() !== 0) {
    t.skip("SKIPPED, not run: mounting a small tmpfs (a real full disk) needs root");
    return null;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "mc-disk-"));
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`SKIPPED, not run: cannot mount a tmpfs here (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()})`);
    return null;
  }
  t.after(() => {
    spawnSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Bytes the filesystem of `dir` still gives an unprivileged writer. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Writes `dir`/filler until at most `leaveBytes` are free (0: until the disk refuses); returns the filler's path. */
export function fillDisk(dir: string, leaveBytes: number): string {
  const file = path.join(dir, "filler");
  const fd = openSync(file, "a");
  const chunk = Buffer.alloc(64 * 1024, 7);
  try {
    for (let free = freeBytes(dir); free > leaveBytes; free = freeBytes(dir)) writeSync(fd, chunk, 0, Math.min(chunk.length, free - leaveBytes));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
  return file;
}
