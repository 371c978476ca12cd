/**
 * Jobs on disk: DATA_DIR/.jobs/ID/ holds spec.json, state.json (replaced atomically), events.jsonl
 * (appended), log.txt (the tasks' output) and the scripts an executor generates.
 */
import { randomBytes } from "node:crypto";
import { appendFile, mkdir, open, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { NotFoundError, UsageError } from "../errors";
import type { PlannedJob } from "./spec";
import type { ExecutorName, JobEvent, JobRecord } from "./types";

const ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newJobId(now = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}-${randomBytes(3).toString("hex")}`;
}

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

  async create(planned: PlannedJob, executor: ExecutorName): Promise<JobRecord> {
    await mkdir(this.root, { recursive: true });
    for (;;) {
      const id = newJobId();
      const dir = this.dir(id);
      try { await mkdir(dir); } catch (e) { if ((e as NodeJS.ErrnoException).code === "EEXIST") continue; throw e; }
      const record: JobRecord = {
        id, kind: planned.kind, state: "queued", executor, out: planned.out, created: new Date().toISOString(), started: null, finished: null,
        progress: null, error: null, supervisor: null, resumes: 0, supervisorRequested: null,
        tasks: planned.tasks(dir).map((t) => ({ ...t, state: "pending", attempts: 0, exitCode: null, started: null, finished: null, error: null })),
      };
      await writeFile(path.join(dir, "spec.json"), JSON.stringify(planned.spec, null, 2) + "\n");
      for (const f of planned.files?.(dir) ?? []) {
        await mkdir(path.dirname(path.join(dir, f.name)), { recursive: true });
        await writeFile(path.join(dir, f.name), f.text, { mode: f.mode });
      }
      await writeFile(path.join(dir, "log.txt"), "");
      await writeFile(path.join(dir, "events.jsonl"), "");
      await this.write(record);
      return record;
    }
  }

  async read(id: string): Promise<JobRecord> {
    const text = await readFile(this.file(id, "state.json"), "utf8").catch(() => { throw new NotFoundError(`no job ${id}`); });
    return JSON.parse(text) as JobRecord;
  }

  /** Replaces state.json in one rename: a reader sees the old state or the new one. */
  async write(record: JobRecord): Promise<void> {
    const file = this.file(record.id, "state.json");
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 2) + "\n");
    await rename(tmp, file);
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

  /** The .sbatch scripts an executor generated in the job's folder, by name. */
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

  async list(): Promise<JobRecord[]> {
    const ids = (await readdir(this.root).catch(() => [])).filter((n) => ID.test(n)).sort().reverse();
    const out: JobRecord[] = [];
    for (const id of ids) {
      const r = await this.read(id).catch(() => null);
      if (r) out.push(r);
    }
    return out;
  }
}
