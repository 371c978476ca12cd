/**
 * Short-held locks between processes, as files: a job's state (every change is a compare-and-set
 * under it), a submission, the queue runner's election. A lock file is made whole in one link(2),
 * so it is never seen empty or half-written; one whose holder died (`kill -9`) is taken over, under a
 * guard so that of two processes finding it dead only one removes it.
 */
import { randomBytes } from "node:crypto";
import { link, readFile, stat, unlink, writeFile, open } from "node:fs/promises";
import os from "node:os";
import { OutputError, firstLine } from "../errors";
import { holderIsDead, procStart, type LockRecord } from "../util/stagedOutput";

/** A takeover (a few file operations) that has held its guard this long died holding it. */
const GUARD_STALE_MS = 10_000;
/** A lock file that cannot be read as a record (written by something else) is stale after this long. */
const GARBAGE_STALE_MS = 5_000;

export type Release = () => Promise<void>;

const errCode = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

export async function readLockRecord(file: string): Promise<LockRecord | "garbage" | null> {
  const text = await readFile(file, "utf8").catch((e) => (errCode(e) === "ENOENT" ? null : ""));
  if (text === null) return null;
  try {
    const r = JSON.parse(text) as LockRecord;
    return r && typeof r.pid === "number" ? r : "garbage";
  } catch {
    return "garbage";
  }
}

export async function myRecord(pid = process.pid): Promise<LockRecord> {
  return { pid, host: os.hostname(), started: new Date().toISOString(), procStart: await procStart(pid) };
}

const same = (a: LockRecord, b: LockRecord) => a.pid === b.pid && a.host === b.host && a.procStart === b.procStart && a.started === b.started;

/** Creates `file` holding `record` in one step; false when it exists. */
async function linkInto(file: string, record: LockRecord): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.new`;
  try {
    await writeFile(tmp, JSON.stringify(record) + "\n");
    await link(tmp, file);
    return true;
  } catch (e) {
    if (errCode(e) === "EEXIST") return false;
    throw new OutputError(`cannot take the lock ${file}: ${firstLine(e)}`);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** Removes `file` if it still holds what was judged dead (or unreadable and old), under a guard. */
async function takeOver(file: string, judged: LockRecord | "garbage"): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await (await open(guard, "wx")).close();
  } catch (e) {
    if (errCode(e) !== "EEXIST") return;
    const age = Date.now() - ((await stat(guard).catch(() => null))?.mtimeMs ?? Date.now());
    if (age > GUARD_STALE_MS) await unlink(guard).catch(() => {});
    return;
  }
  try {
    const now = await readLockRecord(file);
    if (now === null) return;
    const stale = judged === "garbage"
      ? now === "garbage" && Date.now() - ((await stat(file).catch(() => null))?.mtimeMs ?? Date.now()) > GARBAGE_STALE_MS
      : now !== "garbage" && same(now, judged);
    if (stale) await unlink(file).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/**
 * Takes `file` for `record` (this process unless given) if it is free or its holder is dead; null when
 * a live process holds it.
 */
export async function tryLock(file: string, record?: LockRecord): Promise<Release | null> {
  const mine = record ?? (await myRecord());
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await linkInto(file, mine)) return () => releaseIfMine(file, mine);
    const held = await readLockRecord(file);
    if (held === null) continue; // released meanwhile
    if (held !== "garbage" && !(await holderIsDead(held))) return null;
    await takeOver(file, held);
  }
  return null;
}

/** Removes the lock only while it is still this holder's. */
async function releaseIfMine(file: string, mine: LockRecord): Promise<void> {
  const now = await readLockRecord(file);
  if (now && now !== "garbage" && same(now, mine)) await unlink(file).catch(() => {});
}

/** Runs `fn` holding `file`, waiting (up to `waitMs`) for a live holder to let go. */
export async function withLock<T>(file: string, what: string, fn: () => Promise<T>, waitMs = 60_000): Promise<T> {
  const end = Date.now() + waitMs;
  const mine = await myRecord();
  for (;;) {
    const release = await tryLock(file, mine);
    if (release) {
      try {
        return await fn();
      } finally {
        await release();
      }
    }
    if (Date.now() > end) {
      const held = await readLockRecord(file);
      throw new OutputError(`${what} is locked by another process${held && held !== "garbage" ? ` (pid ${held.pid})` : ""} for over ${Math.round(waitMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
}
