/**
 * The local executor: each job is run by a supervisor process of its own (`metacurate job run ID`),
 * detached from whoever submitted it, so a job outlives the server or the shell that started it. At
 * most as many jobs run at once as there are cores (METACURATE_LOCAL_SLOTS to change it); the others
 * wait for a slot in `queued`.
 */
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { holderIsDead, procStart } from "../util/stagedOutput";
import type { JobStore } from "./store";
import type { JobRecord } from "./types";

/** The metacurate launcher (bin/metacurate.mjs) every task and supervisor is started with. */
export function launcher(): string {
  if (process.env.METACURATE_LAUNCHER) return process.env.METACURATE_LAUNCHER;
  if (process.argv[1]?.endsWith("metacurate.mjs")) return process.argv[1];
  return path.resolve(/*turbopackIgnore: true*/ path.dirname(fileURLToPath(import.meta.url)), "../../bin/metacurate.mjs");
}

export function localSlots(): number {
  const n = Number(process.env.METACURATE_LOCAL_SLOTS);
  return Number.isInteger(n) && n >= 1 ? n : os.availableParallelism();
}

/** Whether the process recorded as `who` is still the one running (same host, pid, start time). */
export async function isAlive(who: { pid: number; procStart: string | null; host: string }): Promise<boolean> {
  return !(await holderIsDead({ ...who, started: "" })) && who.host === os.hostname();
}

/**
 * Starts the job's supervisor, detached in a process group of its own (cancel ends the whole group),
 * and notes its pid in supervisor.json at once: until it records itself, that is how it is known alive.
 */
export async function startSupervisor(store: JobStore, id: string): Promise<void> {
  const child = spawn(process.execPath, [launcher(), "job", "run", id, "--data-dir", store.dataDir], { detached: true, stdio: "ignore", env: process.env });
  child.unref();
  if (child.pid !== undefined) {
    await writeFile(path.join(store.dir(id), "supervisor.json"), JSON.stringify({ pid: child.pid, procStart: await procStart(child.pid), host: os.hostname() }));
  }
}

/** Waits for a free slot (polling), unless `stop` says to give up; returns its release. */
export async function acquireSlot(store: JobStore, stop: () => boolean): Promise<() => Promise<void>> {
  const dir = path.join(store.root, ".slots");
  await mkdir(dir, { recursive: true });
  const me = JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString(), procStart: await procStart(process.pid) });
  for (;;) {
    for (let i = 0; i < localSlots(); i++) {
      const file = path.join(dir, `slot-${i}`);
      try {
        const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
        try { await fh.writeFile(me); } finally { await fh.close(); }
        return async () => { await rm(file, { force: true }); };
      } catch {
        // an empty or half-written slot file is being taken right now: leave it
        const held = await readFile(file, "utf8").then((t) => { try { return JSON.parse(t); } catch { return null; } }, () => null);
        if (held && (await holderIsDead(held))) {
          const aside = `${file}.stale-${process.pid}`;
          if (await rename(file, aside).then(() => true, () => false)) await rm(aside, { force: true });
        }
      }
    }
    if (stop()) return async () => {};
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 400)); // jittered: many waiting supervisors do not poll in step
  }
}

/**
 * Jobs whose supervisor died (killed, machine restarted) are taken up again by a new supervisor,
 * which skips their finished tasks; after two such resumes a job is marked failed with the reason.
 * Never is a job left `running` with nothing running it.
 */
export async function reconcileJobs(store: JobStore, jobs?: JobRecord[]): Promise<JobRecord[]> {
  const all = jobs ?? (await store.list());
  const out: JobRecord[] = [];
  for (const job of all) {
    if ((job.state === "queued" || job.state === "running") && (await orphaned(store, job))) {
      if (job.resumes < 2) {
        job.resumes++;
        job.previousSupervisor = job.supervisor ?? job.previousSupervisor ?? null;
        job.supervisor = null;
        job.supervisorRequested = new Date().toISOString();
        await store.write(job);
        await rm(path.join(store.dir(job.id), "supervisor.json"), { force: true }); // the dead one's
        await startSupervisor(store, job.id);
      } else {
        job.state = "failed";
        job.finished = new Date().toISOString();
        job.error = `its supervisor (pid ${job.supervisor?.pid ?? "none"}) died, and it was resumed twice already`;
        await store.write(job);
        await store.appendEvent(job.id, { time: job.finished, type: "state", state: "failed", error: job.error });
      }
    }
    out.push(job);
  }
  return out;
}

async function orphaned(store: JobStore, job: JobRecord): Promise<boolean> {
  if (job.supervisor === null) {
    // started but not yet recorded in state.json (a loaded machine takes seconds): alive by its pid file
    const started = await readFile(path.join(store.dir(job.id), "supervisor.json"), "utf8").then((t) => JSON.parse(t) as JobRecord["supervisor"], () => null);
    if (started) return !(await isAlive(started));
    return Date.now() - Date.parse(job.supervisorRequested ?? job.created) > 10_000; // being spawned
  }
  return job.supervisor.host === os.hostname() && !(await isAlive(job.supervisor));
}

/** Cancels a job: its supervisor's whole process group gets SIGTERM; a job nobody runs is marked at once. */
export async function cancelJob(store: JobStore, id: string): Promise<JobRecord> {
  const job = await store.read(id);
  if (job.state !== "queued" && job.state !== "running") return job;
  if (job.supervisor && (await isAlive(job.supervisor))) {
    try { process.kill(-job.supervisor.pid, "SIGTERM"); } catch { /* ended meanwhile */ }
    for (let i = 0; i < 100; i++) {
      const now = await store.read(id);
      if (now.state !== "queued" && now.state !== "running") return now;
      await new Promise((r) => setTimeout(r, 100));
    }
    return store.read(id);
  }
  job.state = "cancelled";
  job.finished = new Date().toISOString();
  job.error = "cancelled";
  for (const t of job.tasks) if (t.state === "pending" || t.state === "running") t.state = "cancelled";
  await store.write(job);
  await store.appendEvent(id, { time: job.finished, type: "state", state: "cancelled", error: "cancelled" });
  return job;
}
