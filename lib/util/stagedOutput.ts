/**
 * An output folder committed in one atomic step, locked while a run writes it.
 *
 * Layout of a folder DIR that metacurate writes:
 *   DIR/.metacurate-gen-XXXXXX/          one complete set of outputs (a "generation")
 *   DIR/.metacurate-current              symlink to the generation in force: the commit point
 *   DIR/manifest.json, DIR/matches.parquet, …   symlinks to .metacurate-current/<name>
 *   DIR/.metacurate-lock                 held by the run writing DIR (pid, host, start)
 * A run stages every file in a new generation; the commit is one rename(2) of a new
 * `.metacurate-current` link over the old one, so a reader (or a `kill -9`) sees the old set or the
 * new set, never a mix. Names the new set lacks then resolve to nothing. Generations no link points
 * at (left by killed runs) are removed by the next run that takes the lock.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, chmod, link, lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, realpath, rename, rm, rmdir, stat, symlink, unlink, writeFile, copyFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { OutputError, diskFullError, firstLine, isDiskFull } from "../errors";
import { checkStillConfined, confinedFolder, type FolderIdentity } from "./outputConfinement";
import { folderHolds, refuseOtherKind, type OutputKind } from "./outputKind";
import { jobGuardFor, recordJobCommit, refuseForeignOutputs, type JobGuard } from "./jobOutputGuard";
import { pausePoint } from "./pausePoint";

export const CURRENT_LINK = ".metacurate-current";
export const GENERATION_PREFIX = ".metacurate-gen-";
export const LOCK_FILE = ".metacurate-lock";
/** Staging folders of versions before generations; removed like dead generations. */
const LEGACY_TMP_PREFIX = ".metacurate-tmp-";

/** Every name a metacurate command writes at the top of an output folder. */
export const OUTPUT_NAMES = ["manifest.json", "matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet",
  "curated.parquet", "subset.npy", "metadata.json", "metadata.parquet", "summary.json", "kept.parquet",
  "run.json", "eval_results.jsonl", "model.json", "weights.bin", "imported.json", "filter_columns.parquet"] as const;

/** An input of the run, named by the flag that gave it (for the refusal message). */
export interface RunInput {
  flag: string;
  path: string;
}

export interface LockRecord {
  pid: number;
  host: string;
  started: string;
  /** The holder's start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  procStart: string | null;
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

export async function procStart(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** A process that has exited but is not yet reaped (state Z) holds nothing any more. */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
}

/** Whether the process that wrote `lock` is gone (only decidable on this host). */
export async function holderIsDead(lock: LockRecord): Promise<boolean> {
  if (lock.host !== os.hostname() || !Number.isInteger(lock.pid)) return false;
  try {
    process.kill(lock.pid, 0);
  } catch (e) {
    return errCode(e) === "ESRCH";
  }
  if (await isZombie(lock.pid)) return true;
  const start = await procStart(lock.pid);
  return lock.procStart !== null && start !== null && start !== lock.procStart;
}

/**
 * Creates `abs` and its missing parents one level at a time (Node's recursive mkdir spins forever
 * under /proc); returns whether the folder was made. Fails at once, naming the level that failed.
 */
export async function makeFolder(abs: string, shown: string): Promise<boolean> {
  const missing: string[] = [];
  for (let p = abs; ; p = path.dirname(p)) {
    const s = await stat(p).catch((e) => (errCode(e) === "ENOENT" ? null : Promise.reject(new OutputError(`cannot write output folder ${shown}: ${p}: ${firstLine(e)}`))));
    if (s) {
      if (!s.isDirectory()) throw new OutputError(p === abs ? `output path ${shown} exists and is not a folder` : `cannot write output folder ${shown}: ${p} is not a folder`);
      break;
    }
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) {
    await mkdir(p).catch((e) => {
      if (errCode(e) === "EEXIST") return;
      throw isDiskFull(e) ? diskFullError(e, `the output folder ${shown}`) : new OutputError(`cannot write output folder ${shown}: cannot create ${p} (${errCode(e) ?? firstLine(e)})`);
    });
  }
  return missing.length > 0;
}

/**
 * How old an unreadable lock (empty or garbage) must be to be taken over. A lock is linked into place
 * complete, so only a writer that died mid-write (an older version, a full disk, a power cut) leaves
 * one; a few seconds is far more than any writer spends between creating and filling it.
 */
export const UNREADABLE_LOCK_STALE_MS = 5000;
const LOCK_TMP_PREFIX = `${LOCK_FILE}.tmp-`;

/** The lock's record (or null when empty, half-written or garbage), its inode and age; null if there is no lock. */
async function readLock(file: string): Promise<{ held: LockRecord | null; ino: number; ageMs: number } | null> {
  const fh = await open(file, "r").catch(() => null);
  if (!fh) return null;
  try {
    const s = await fh.stat();
    let held: LockRecord | null = null;
    try {
      const parsed = JSON.parse(await fh.readFile("utf8")) as LockRecord | null;
      if (parsed && typeof parsed === "object" && Number.isInteger(parsed.pid) && typeof parsed.host === "string") held = parsed;
    } catch { /* unreadable */ }
    return { held, ino: s.ino, ageMs: Date.now() - s.mtimeMs };
  } finally {
    await fh.close();
  }
}

/** Writes the lock record to a temp file beside the lock (so a full disk fails here, never leaving a partial lock). */
async function writeLockRecord(dir: string, shown: string, record: LockRecord): Promise<string> {
  const tmp = path.join(dir, `${LOCK_TMP_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}-${os.hostname()}`);
  try {
    await writeFile(tmp, JSON.stringify(record) + "\n", { flag: "wx", mode: 0o644 });
    return tmp;
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw outputFolderError(e, shown);
  }
}

/** Moves a lock judged stale (`ino`) aside; puts it back if, by then, another run's new lock had replaced it. */
async function takeOver(file: string, ino: number): Promise<void> {
  const aside = `${file}.stale-${randomBytes(4).toString("hex")}`;
  if (!(await rename(file, aside).then(() => true, () => false))) return;
  const moved = await lstat(aside).catch(() => null);
  if (moved && moved.ino !== ino) await link(aside, file).catch(() => {});
  await rm(aside, { force: true });
}

/**
 * Lock temp files (PREFIX<pid>-<random>-<host>) of runs killed while taking a lock: their writer is gone
 * (on this host), or they are older than any live writer's (a live run's lives for milliseconds).
 */
async function removeDeadLockTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^(\d+)-[0-9a-f]{8}-(.*)$/.exec(name.startsWith(LOCK_TMP_PREFIX) ? name.slice(LOCK_TMP_PREFIX.length) : "");
    if (!m) continue;
    const writerGone = m[2] === os.hostname() && Number(m[1]) !== process.pid && !processExists(Number(m[1]));
    const s = await lstat(path.join(dir, name)).catch(() => null);
    if (s && (writerGone || Date.now() - s.mtimeMs > UNREADABLE_LOCK_STALE_MS)) await rm(path.join(dir, name), { force: true }).catch(() => {});
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) !== "ESRCH";
  }
}

/**
 * Takes `dir`'s lock file, or an OutputError naming the live holder; returns the lock's path. The
 * record is written to a temp file and linked into place (link(2) fails with EEXIST atomically), so a
 * lock is complete from its first instant. A lock of a dead holder is taken over, and so is an
 * unreadable one older than UNREADABLE_LOCK_STALE_MS.
 */
export async function acquireLock(dir: string, shown: string): Promise<string> {
  const file = path.join(dir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), procStart: await procStart(process.pid) };
  let tmp = await writeLockRecord(dir, shown, record);
  try {
    const deadline = Date.now() + UNREADABLE_LOCK_STALE_MS + 2000;
    for (let attempt = 0; attempt < 10 || Date.now() < deadline; attempt++) {
      const linked = await link(tmp, file).then(() => true, (e) => {
        if (errCode(e) === "EEXIST" || errCode(e) === "ENOENT") return errCode(e);
        throw outputFolderError(e, shown);
      });
      if (linked === true) {
        await removeDeadLockTemps(dir);
        return file;
      }
      if (linked === "ENOENT") { // our temp file was removed as a dead run's (we waited long): write it again
        tmp = await writeLockRecord(dir, shown, record);
        continue;
      }
      const found = await readLock(file);
      if (found === null) continue; // removed meanwhile: try again
      const { held } = found;
      if (held && !(await holderIsDead(held))) {
        throw new OutputError(`${shown} is being written by another metacurate run (pid ${held.pid} on ${held.host}, since ${held.started}); ` +
          `wait for it to finish, or remove ${path.join(shown, LOCK_FILE)} if that run no longer exists`);
      }
      if (held || found.ageMs > UNREADABLE_LOCK_STALE_MS) await takeOver(file, found.ino);
      else await new Promise((r) => setTimeout(r, 50)); // unreadable but young: an older version's writer may still be filling it
    }
    throw new OutputError(`cannot lock output folder ${shown}: ${file} keeps changing`);
  } finally {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/** An error writing the output folder `shown`: a full disk says so; anything else names the system's reason. */
export function outputFolderError(e: unknown, shown: string): OutputError {
  if (isDiskFull(e)) return diskFullError(e, `the output folder ${shown}`);
  if (e instanceof OutputError) return e;
  return new OutputError(`cannot write output folder ${shown}: ${firstLine(e)}`);
}

/** The generation folder `.metacurate-current` points at, or null. */
async function currentGeneration(dir: string): Promise<string | null> {
  const target = await readlink(path.join(dir, CURRENT_LINK)).catch(() => null);
  return target && target.startsWith(GENERATION_PREFIX) && !target.includes("/") ? target : null;
}

/** Removes the generations and legacy staging folders no link points at (their runs are dead: we hold the lock). */
async function removeDeadGenerations(dir: string, keep: string | null): Promise<void> {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const dead = (d.name.startsWith(GENERATION_PREFIX) && d.name !== keep) || d.name.startsWith(LEGACY_TMP_PREFIX)
      || d.name.startsWith(`${CURRENT_LINK}.tmp-`) || d.name.startsWith(`${LOCK_FILE}.stale-`);
    if (dead) await rm(path.join(dir, d.name), { recursive: true, force: true });
  }
}

/**
 * Refuses inputs that the commit would replace: a file at DIR/<output name> that is not a link of
 * ours (the user's own file), or an earlier output of DIR, unless the run carries it over.
 */
async function refuseOverwrittenInputs(dir: string, shown: string, inputs: RunInput[], carried: Set<string>): Promise<void> {
  const realDir = await realpath(dir);
  for (const input of inputs) {
    const abs = path.resolve(input.path);
    const lexical = path.relative(dir, abs).split(path.sep)[0];
    const real = await realpath(abs).catch(() => abs);
    const rel = path.relative(realDir, real);
    const inside = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
    const top = inside ? rel.split(path.sep)[0] : null;
    const name = path.basename(real);
    const isOutput = (path.dirname(abs) === dir && (OUTPUT_NAMES as readonly string[]).includes(lexical))
      || (top !== null && ((OUTPUT_NAMES as readonly string[]).includes(top) || top.startsWith(GENERATION_PREFIX)));
    if (isOutput && !carried.has(name)) {
      throw new OutputError(`--${input.flag} ${input.path} is inside the output folder ${shown} where this run writes its outputs, and would be replaced; ` +
        `write to another --out, or move the input out of ${shown} first`);
    }
  }
}

export interface OpenOptions {
  inputs?: RunInput[];
  /** Files of an input workspace that this run keeps in its output (balance in place): never refused as inputs. */
  carry?: { from: string; names: string[] };
  /** What the run writes: a folder holding the other kind is refused (a run never replaces a workspace, nor the reverse). */
  kind?: OutputKind;
}

/**
 * An output folder being written: files are staged in a new generation and made current by
 * `commit` in one step; `abort` removes the generation (and the folder if this run made it).
 */
export class StagedOutput {
  /**
   * `dir` is the folder as named (recorded in manifests, shown in messages); `at` is where every file
   * operation goes: the same path, or, for a run confined to the data directory (a job's task), the
   * folder opened once (/proc/self/fd/N), so a symlink swapped in for it later is never followed.
   */
  private constructor(readonly dir: string, private readonly at: string, readonly tmp: string, private readonly shown: string, private readonly lock: string,
    private readonly created: boolean, private readonly carry: OpenOptions["carry"], private readonly identity: FolderIdentity | null,
    private readonly handle: FileHandle | null, private readonly guard: JobGuard | null) {}

  static async open(dir: string, opts: OpenOptions = {}): Promise<StagedOutput> {
    const abs = path.resolve(dir);
    if (process.env.METACURATE_OUT_ROOT && (await lstat(abs).catch(() => null))?.isSymbolicLink()) await confinedFolder(abs, dir);
    const created = await makeFolder(abs, dir);
    const identity = await confinedFolder(abs, dir);
    const handle = identity ? await openFolder(abs, dir, identity) : null;
    const at = handle ? `/proc/self/fd/${handle.fd}` : abs;
    try {
      if (opts.kind) {
        const refused = refuseOtherKind(await folderHolds(at), opts.kind, dir);
        if (refused) throw new OutputError(refused);
      }
      const lock = await acquireLock(at, dir).catch(async (e) => {
        if (created) await rmdir(abs).catch(() => {});
        throw e;
      });
      const guard = jobGuardFor(abs);
      try {
        await removeDeadGenerations(at, await currentGeneration(at));
        if (guard) await refuseForeignOutputs(at, dir, guard, await folderHolds(at), await currentGeneration(at));
        await refuseOverwrittenInputs(abs, dir, opts.inputs ?? [], new Set(opts.carry?.names ?? []));
        const tmp = await mkdtemp(path.join(at, GENERATION_PREFIX));
        await chmod(tmp, 0o755); // mkdtemp makes it private; the outputs are for every reader of the folder
        return new StagedOutput(abs, at, tmp, dir, lock, created, opts.carry, identity, handle, guard);
      } catch (e) {
        await rm(lock, { force: true });
        throw outputFolderError(e, dir);
      }
    } catch (e) {
      await handle?.close();
      throw e;
    }
  }

  /** Path of a file being staged. */
  file(name: string): string {
    return path.join(this.tmp, name);
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await writeFile(this.file(name), JSON.stringify(value, null, 2) + "\n");
  }

  /**
   * Makes the staged `names` (plus the carried files) the folder's outputs in one step; every other
   * output name of the folder then resolves to nothing. Durable: files and folders are synced first.
   */
  async commit(names: string[]): Promise<void> {
    const all = [...names];
    for (const name of this.carry?.names ?? []) {
      const from = await realpath(path.join(this.carry!.from, name)).catch(() => null);
      if (!from || all.includes(name)) continue;
      await link(from, this.file(name)).catch(() => copyFile(from, this.file(name)));
      all.push(name);
    }
    // nothing else goes into the generation (DuckDB's spill folder, sorted runs)
    for (const entry of await readdir(this.tmp)) if (!all.includes(entry)) await rm(this.file(entry), { recursive: true, force: true });
    for (const name of all) await syncPath(this.file(name));
    await syncPath(this.tmp);
    await pausePoint("commit:staged");
    await checkStillConfined(this.dir, this.shown, this.identity);

    const previous = await currentGeneration(this.at);
    // 1. a link for every name of the new set; a regular file there is an output of an older version (inputs were refused)
    const legacy: string[] = [];
    for (const name of OUTPUT_NAMES) {
      const s = await lstat(path.join(/*turbopackIgnore: true*/ this.at, name)).catch(() => null);
      if (s && !s.isSymbolicLink()) legacy.push(name);
    }
    legacy.sort((a, b) => Number(b === "manifest.json") - Number(a === "manifest.json")); // the manifest first: no folder half-old, half-new is ever a workspace
    for (const name of legacy) {
      await rm(path.join(this.at, name), { recursive: true, force: true });
      await pausePoint("commit:legacy-removed");
    }
    for (const name of all) {
      const at = path.join(this.at, name), target = `${CURRENT_LINK}/${name}`;
      if ((await readlink(at).catch(() => null)) === target) continue;
      const tmpLink = `${at}.tmp-${randomBytes(4).toString("hex")}`;
      await symlink(target, tmpLink);
      await rename(tmpLink, at);
    }
    await pausePoint("commit:links");
    // 2. the commit: one rename
    const nextLink = path.join(this.at, `${CURRENT_LINK}.tmp-${randomBytes(4).toString("hex")}`);
    await symlink(path.basename(this.tmp), nextLink);
    await rename(nextLink, path.join(this.at, CURRENT_LINK));
    await syncPath(this.at);
    if (this.guard) await recordJobCommit(this.at, this.guard, path.basename(this.tmp));
    await pausePoint("commit:swapped");
    // 3. tidy up: links to names the new set lacks, the old generation, the lock
    for (const name of OUTPUT_NAMES) {
      if (all.includes(name)) continue;
      const at = path.join(/*turbopackIgnore: true*/ this.at, name);
      if ((await readlink(at).catch(() => null)) === `${CURRENT_LINK}/${name}`) await unlink(at).catch(() => {});
    }
    await pausePoint("commit:unlinked");
    if (previous && previous !== path.basename(this.tmp)) await rm(path.join(this.at, previous), { recursive: true, force: true });
    await pausePoint("commit:old-removed");
    await rm(this.lock, { force: true });
    await this.handle?.close();
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true }).catch(() => {});
    await rm(this.lock, { force: true }).catch(() => {});
    if (this.created) {
      const left = await readdir(this.at).catch(() => ["?"]);
      // the folder this run made, by its name: only while that name is still the very folder it opened
      const same = !this.identity || (await checkStillConfined(this.dir, this.shown, this.identity).then(() => true, () => false));
      if (left.length === 0 && same) await rmdir(this.dir).catch(() => {});
    }
    await this.handle?.close().catch(() => {});
  }
}

/** The output folder opened as itself (no symlink followed), checked to be the folder that was confined. */
async function openFolder(abs: string, shown: string, identity: FolderIdentity): Promise<FileHandle> {
  const handle = await open(abs, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW).catch((e) => { throw outputFolderError(e, shown); });
  const s = await handle.stat();
  if (s.dev !== identity.dev || s.ino !== identity.ino) {
    await handle.close();
    throw new OutputError(`output folder ${shown} was replaced while the run opened it; nothing was written`);
  }
  return handle;
}

async function syncPath(p: string): Promise<void> {
  const fh = await open(p, "r");
  try { await fh.sync(); } finally { await fh.close(); }
}

/**
 * After a run was killed (a cancelled job): if no live run holds `dir`'s lock, removes the lock and the
 * generation the dead run was staging. The folder keeps its committed outputs.
 */
export async function clearDeadRun(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  let held: LockRecord;
  try { held = JSON.parse(await readFile(file, "utf8")) as LockRecord; } catch { return; }
  if (!(await holderIsDead(held))) return;
  await rm(file, { force: true });
  await removeDeadGenerations(dir, await currentGeneration(dir)).catch(() => {});
}
