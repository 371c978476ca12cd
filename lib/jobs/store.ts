/**
 * Jobs on disk: DATA_DIR/.jobs/ID/ holds spec.json, state.json (replaced atomically, changed only by
 * compare-and-set under state.lock), events.jsonl (appended under the same lock), log.txt (the tasks'
 * output) and the scripts an executor generates. DATA_DIR/.jobs/claims/NAME names the last job that
 * claimed output NAME; runner.lock elects the queue runner.
 */
import { randomBytes } from "node:crypto";
import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError, NotFoundError, UsageError } from "../errors";
import { withLock } from "./fileLock";
import type { PlannedJob } from "./spec";
import type { ExecutorName, JobEvent, JobRecord } from "./types";

const ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newJobId(now = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}-${randomBytes(3).toString("hex")}`;
}

function processExists(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code !== "ESRCH"; }
}

/** Submission order: ids only tell the second, creation times the millisecond. */
export const byCreation = (a: JobRecord, b: JobRecord) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id);

export class JobStore {
  readonly root: string;

  constructor(readonly dataDir: string) {
    this.root = path.join(path.resolve(dataDir), ".jobs");
  }

  dir(id: string): string {
    if (!ID.test(id)) throw new UsageError(`"${id.slice(0, 40)}" is not a job id`);
    return path.join(this.root, id);
  }

  file(id: string, name: "spec.json" | "state.json" | "events.jsonl" | "log.txt"): string {
    return path.join(this.dir(id), name);
  }

  /** The file of the queue runner's election (one runner per data directory). */
  get runnerLock(): string {
    return path.join(this.root, "runner.lock");
  }

  /**
   * Records a new job (queued) in one step: its folder is made aside and renamed into place, so a
   * submission that fails (a full disk, a bad script) leaves nothing. `id` may be given (a claim).
   */
  async create(planned: PlannedJob, executor: ExecutorName, id = newJobId()): Promise<JobRecord> {
    await mkdir(this.root, { recursive: true });
    const dir = this.dir(id);
    const tmp = path.join(this.root, `.new-${process.pid}-${id}`);
    const record: JobRecord = {
      id, kind: planned.kind, state: "queued", executor, out: planned.out, replace: planned.replace, created: new Date().toISOString(), started: null, finished: null,
      progress: null, error: null, supervisor: null, resumes: 0, supervisorRequested: null, cancelRequested: null,
      tasks: planned.tasks(dir).map((t) => ({ ...t, state: "pending", attempts: 0, exitCode: null, started: null, finished: null, error: null, pid: null, procStart: null })),
    };
    try {
      await mkdir(tmp);
      await writeFile(path.join(tmp, "spec.json"), JSON.stringify(planned.spec, null, 2) + "\n");
      for (const f of planned.files?.(dir) ?? []) {
        await mkdir(path.dirname(path.join(tmp, f.name)), { recursive: true });
        await writeFile(path.join(tmp, f.name), f.text, { mode: f.mode });
      }
      await writeFile(path.join(tmp, "log.txt"), "");
      await writeFile(path.join(tmp, "events.jsonl"), "");
      await writeFile(path.join(tmp, "state.json"), JSON.stringify(record, null, 2) + "\n");
      await rename(tmp, dir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
    return record;
  }

  async read(id: string): Promise<JobRecord> {
    const text = await readFile(this.file(id, "state.json"), "utf8").catch(() => { throw new NotFoundError(`no job ${id}`); });
    try {
      return JSON.parse(text) as JobRecord;
    } catch (e) {
      throw new InputError(`job ${id}: its state.json is damaged (${(e as Error).message.slice(0, 80)})`);
    }
  }

  /** Replaces state.json in one rename: a reader sees the old state or the new one. Only under the job's lock (update). */
  private async write(record: JobRecord): Promise<void> {
    const file = this.file(record.id, "state.json");
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(record, null, 2) + "\n");
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      throw e;
    }
  }

  /**
   * Compare-and-set under the job's lock: `change` gets the record as it is on disk now and returns the
   * new record, or null to leave it as it is (its precondition failed). The events it returns are
   * appended under the same lock, so the log's order is the states' order. Returns what is on disk after.
   */
  async update(id: string, change: (now: JobRecord) => { record: JobRecord; events?: JobEvent[] } | null): Promise<{ record: JobRecord; changed: boolean }> {
    await this.read(id); // a job that does not exist is "no job ID", not a lock that cannot be taken
    return withLock(path.join(this.dir(id), "state.lock"), `job ${id}`, async () => {
      const now = await this.read(id);
      const next = change(now);
      if (!next) return { record: now, changed: false };
      await this.write(next.record);
      for (const e of next.events ?? []) await this.appendEvent(id, e);
      return { record: next.record, changed: true };
    });
  }

  /** Runs `fn` holding the data directory's submission lock (checking and claiming an output name is one step). */
  async withSubmitLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.root, { recursive: true });
    return withLock(path.join(this.root, "submit.lock"), "job submission", fn);
  }

  /** The job that claimed output `out` last (claims are made under the submission lock), or null. */
  async claimOf(out: string): Promise<string | null> {
    const id = (await readFile(path.join(this.root, "claims", out), "utf8").catch(() => "")).trim();
    return ID.test(id) ? id : null;
  }

  async claim(out: string, id: string): Promise<void> {
    const dir = path.join(this.root, "claims");
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${out}.${randomBytes(4).toString("hex")}`);
    await writeFile(tmp, id + "\n");
    await rename(tmp, path.join(dir, out));
  }

  /** Removes the half-made job folders of submissions whose process died (`kill -9` of a server mid-submit). */
  async removeAbandonedCreations(): Promise<void> {
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      const pid = /^\.new-(\d+)-/.exec(name)?.[1];
      if (pid && !processExists(Number(pid))) await rm(path.join(this.root, name), { recursive: true, force: true }).catch(() => {});
    }
  }

  /** The ids of every job, oldest first. */
  async ids(): Promise<string[]> {
    return (await readdir(this.root).catch(() => [])).filter((n) => ID.test(n)).sort();
  }

  async spec(id: string): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(this.file(id, "spec.json"), "utf8")) as Record<string, unknown>;
  }

  async appendEvent(id: string, event: JobEvent): Promise<void> {
    await appendFile(this.file(id, "events.jsonl"), JSON.stringify(event) + "\n");
  }

  /** The whole event lines from byte `offset` on, and the offset after them (a watcher reads only what is new). */
  async readEvents(id: string, offset = 0): Promise<{ events: JobEvent[]; offset: number }> {
    const fh = await open(this.file(id, "events.jsonl"), "r").catch(() => null);
    if (!fh) return { events: [], offset };
    try {
      const { size } = await fh.stat();
      const buf = Buffer.alloc(Math.max(0, size - offset));
      await fh.read(buf, 0, buf.length, offset);
      const end = buf.lastIndexOf(10) + 1; // the part after the last newline is not a whole line yet
      const lines = buf.subarray(0, end).toString("utf8").split("\n").filter(Boolean);
      return { events: lines.map((l) => JSON.parse(l) as JobEvent), offset: offset + end };
    } finally {
      await fh.close();
    }
  }

  /** The scripts a person can read and rerun: the Slurm executor's .sbatch files and a cluster training job's step scripts. */
  async scripts(id: string): Promise<Record<string, string>> {
    const out: [string, string][] = [];
    for (const [sub, ext] of [["slurm", ".sbatch"], ["cluster", ".sh"]] as const) {
      const dir = path.join(this.dir(id), sub);
      const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith(ext)).sort();
      for (const n of names) out.push([sub === "cluster" ? `cluster/${n}` : n, await readFile(path.join(dir, n), "utf8")]);
    }
    return Object.fromEntries(out);
  }

  /** The last `bytes` of the log. */
  async logTail(id: string, bytes = 64 * 1024): Promise<string> {
    const file = this.file(id, "log.txt");
    const size = (await stat(file).catch(() => null))?.size ?? 0;
    const fh = await open(file, "r").catch(() => null);
    if (!fh) return "";
    try {
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return buf.toString("utf8");
    } finally {
      await fh.close();
    }
  }

  /** Every job, newest first (a reader: it never writes). */
  async list(): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    for (const id of await this.ids()) {
      const r = await this.read(id).catch(() => null);
      if (r) out.push(r);
    }
    return out.sort(byCreation).reverse();
  }
}
