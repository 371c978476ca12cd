/**
 * What clients do with jobs (the CLI and the server's API alike): submit, cancel, make sure a queue
 * runner is there, follow a job to its end. Clients never change a running job's state themselves:
 * a cancel is asked for under the job's lock and carried out by the runner.
 */
import { spawn } from "node:child_process";
import { open, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { myRecord, readLockRecord, tryLock } from "./fileLock";
import { launcher } from "./launcher";
import { checkNotClaimed, checkOutputFree } from "./outTarget";
import type { PathRoots } from "./paths";
import { checkExecutor, planJob } from "./spec";
import { newJobId, type JobStore } from "./store";
import { isTerminalState, type JobRecord } from "./types";
import { holderIsDead } from "../util/stagedOutput";

/** Validates a spec, refuses an output that exists (unless replace) or that a live job writes, records the job and wakes the runner. */
export async function submitJob(store: JobStore, raw: unknown, executor: unknown, roots: PathRoots): Promise<JobRecord> {
  const planned = planJob(raw, roots);
  const exec = await checkExecutor(executor);
  await planned.check?.();
  const job = await store.withSubmitLock(async () => {
    await checkNotClaimed(store, planned.out);
    await checkOutputFree(store.dataDir, planned.out, planned.writes, planned.replace);
    const id = newJobId();
    await store.claim(planned.out, id);
    return store.create(planned, exec, id);
  });
  await ensureRunner(store);
  return job;
}

/**
 * Starts the data directory's queue runner unless a live one holds the election. The election is
 * taken here for the new runner (then handed to it), so callers racing here start one runner, not many.
 */
export async function ensureRunner(store: JobStore): Promise<void> {
  const held = await readLockRecord(store.runnerLock);
  if (held && held !== "garbage" && !(await holderIsDead(held))) return;
  const reserved = await tryLock(store.runnerLock);
  if (!reserved) return;
  try {
    // what the runner itself says (not its tasks: they write into their job's log) goes to .jobs/runner.log
    const log = await open(path.join(store.root, "runner.log"), "a");
    let child;
    try {
      child = spawn(process.execPath, [launcher(), "job", "runner", "--data-dir", store.dataDir], {
        detached: true, stdio: ["ignore", log.fd, log.fd], env: { ...process.env, METACURATE_RUNNER_SPAWNER: String(process.pid) },
      });
    } finally {
      await log.close();
    }
    child.unref();
    if (child.pid === undefined) throw new Error("the queue runner did not start");
    // hand the election over: the lock now names the runner
    const tmp = `${store.runnerLock}.${process.pid}.handover`;
    await writeFile(tmp, JSON.stringify(await myRecord(child.pid)) + "\n");
    await rename(tmp, store.runnerLock);
  } catch (e) {
    await reserved();
    throw e;
  }
}

/**
 * Cancels a job: a queued one at once; for a running one the runner is asked (it ends the job's
 * processes, then marks it). Waits up to `waitMs` for the end and returns the record as it is then.
 */
export async function cancelJob(store: JobStore, id: string, waitMs = 15_000): Promise<JobRecord> {
  const { record } = await store.update(id, (disk) => {
    if (isTerminalState(disk.state)) return null;
    const time = new Date().toISOString();
    if (disk.state === "queued") {
      const tasks = disk.tasks.map((t) => (t.state === "pending" ? { ...t, state: "cancelled" as const } : t));
      return { record: { ...disk, tasks, state: "cancelled", finished: time, error: "cancelled", cancelRequested: time }, events: [{ time, type: "state", state: "cancelled", error: "cancelled" }] };
    }
    return disk.cancelRequested ? null : { record: { ...disk, cancelRequested: time } };
  });
  if (isTerminalState(record.state)) return record;
  await ensureRunner(store);
  const end = Date.now() + waitMs;
  for (;;) {
    const now = await store.read(id);
    if (isTerminalState(now.state) || Date.now() > end) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether any job of the store is queued or running (then a runner should be there). */
export function anyActive(jobs: JobRecord[]): boolean {
  return jobs.some((j) => !isTerminalState(j.state));
}

/** For readers: starts a runner when jobs wait with none there, never failing the read (a full disk, a read-only folder). */
export async function nudgeRunner(store: JobStore, jobs: JobRecord[]): Promise<void> {
  if (anyActive(jobs)) await ensureRunner(store).catch(() => {});
}

/** When the runner's election is held by a process of another host (which this host cannot check), what to tell the user. */
export async function runnerElsewhere(store: JobStore): Promise<string | null> {
  const held = await readLockRecord(store.runnerLock);
  if (!held || held === "garbage" || held.host === os.hostname()) return null;
  return `the queue runner of this data directory is pid ${held.pid} on host ${held.host} (it holds ${path.relative(store.dataDir, store.runnerLock)}); ` +
    `jobs run there. If that machine no longer runs it, remove that file and they run here`;
}

/** Follows a job until it ends, printing its events; keeps a runner there meanwhile. */
export async function followJob(store: JobStore, id: string, print: (line: string) => void): Promise<JobRecord> {
  let offset = 0;
  let lastCheck = 0;
  let toldElsewhere = false;
  for (;;) {
    const read = await store.readEvents(id, offset);
    offset = read.offset;
    for (const e of read.events) {
      if (e.type === "progress") print(`${e.task} ${e.step}${e.total ? ` ${e.done}/${e.total}` : ""}`);
      else if (e.type === "task") print(`task ${e.task}: ${e.state}${e.error ? ` (${e.error})` : ""}`);
      else print(`job ${id}: ${e.state}${e.resumed ? ` (taken up again after its runner died, ${e.resumed}×)` : ""}${e.error ? ` (${e.error})` : ""}`);
    }
    const job = await store.read(id);
    if (isTerminalState(job.state)) {
      if ((await store.readEvents(id, offset)).events.length === 0) return job;
      continue;
    }
    if (Date.now() - lastCheck > 2000) {
      lastCheck = Date.now();
      await nudgeRunner(store, [job]);
      const elsewhere = await runnerElsewhere(store);
      if (elsewhere && !toldElsewhere) { print(`job ${id}: ${job.state}: ${elsewhere}`); toldElsewhere = true; }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
