/**
 * Runs one job to its end: waits for a slot of the local executor, runs its tasks in order (each a
 * `metacurate` command with `--progress json`, retried once by default, finished tasks never redone),
 * records state, progress and logs, and on SIGTERM (cancel) ends its tasks' processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { appendFile, rm, rmdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { acquireLock, clearDeadRun, procStart } from "../util/stagedOutput";
import { acquireSlot, isAlive, launcher, localSlots } from "./local";
import { messageOf, parseProgressLine } from "./progressLine";
import { SlurmCancelled, superviseSlurm } from "./slurm";
import type { JobStore } from "./store";
import type { JobRecord, TaskRecord } from "./types";

export const DEFAULT_RETRIES = 1;

export async function superviseJob(store: JobStore, id: string): Promise<JobRecord> {
  const dir = store.dir(id);
  const lock = await acquireLock(dir, `job ${id}`);
  let job = await store.read(id);
  const previous = job.previousSupervisor ?? job.supervisor;
  job.supervisor = { pid: process.pid, procStart: await procStart(process.pid), host: os.hostname() };
  job.previousSupervisor = null;
  await store.write(job);
  // a supervisor that died may have left its task running: end that process group before rerunning the task
  if (previous && previous.pid !== process.pid) {
    try { process.kill(-previous.pid, "SIGKILL"); } catch { /* no such group: nothing left */ }
    // until the group is gone, its task may still hold the output's lock
    for (let i = 0; i < 100 && groupExists(previous.pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  const children = new Set<ChildProcess>();
  let cancelled = false;
  const onTerm = () => {
    cancelled = true;
    for (const c of children) c.kill("SIGTERM");
    setTimeout(() => { for (const c of children) c.kill("SIGKILL"); }, 5000).unref();
    wakeUp();
  };
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onTerm);
  // one write at a time, in order: a later state never lands before an earlier one
  let writes: Promise<void> = Promise.resolve();
  const save = (change: (j: JobRecord) => void = () => {}) => { change(job); const snapshot = structuredClone(job); writes = writes.then(() => store.write(snapshot)); return writes; };
  const now = () => new Date().toISOString();
  let wake: (() => void) | null = null;
  const wakeUp = () => { const w = wake; wake = null; w?.(); };
  const running = new Map<string, Promise<void>>();
  let failure: Error | null = null;
  let cancelAll = false;
  try {
    if (job.state === "succeeded" || job.state === "failed" || job.state === "cancelled") return job;
    if (job.executor === "slurm") {
      await superviseSlurm(store, job, save, () => cancelled);
      await save((j) => { j.state = "succeeded"; j.finished = now(); });
      await store.appendEvent(id, { time: now(), type: "state", state: "succeeded" });
      return job;
    }
    const byName = new Map(job.tasks.map((t) => [t.name, t]));
    for (const t of job.tasks) if (t.state !== "succeeded") { t.state = "pending"; }
    for (;;) {
      if (cancelled) throw new Cancelled();
      if (failure) throw failure;
      const left = job.tasks.filter((t) => t.state !== "succeeded");
      if (left.length === 0 && running.size === 0) break;
      const ready = left.filter((t) => t.state === "pending" && !running.has(t.name) && t.after.every((a) => byName.get(a)?.state === "succeeded"));
      if (ready.length === 0 && running.size === 0) throw new Error(`tasks ${left.map((t) => t.name).join(", ")} wait on tasks that did not succeed`);
      for (const task of ready) {
        const run = runWithRetries(task).catch((e) => { failure ??= e as Error; }).finally(() => { running.delete(task.name); wakeUp(); });
        running.set(task.name, run);
      }
      await new Promise<void>((r) => { wake = r; });
    }
    await save((j) => { j.state = "succeeded"; j.finished = now(); });
    await store.appendEvent(id, { time: now(), type: "state", state: "succeeded" });
  } catch (e) {
    const isCancel = e instanceof Cancelled || e instanceof SlurmCancelled || cancelled;
    // the other tasks end too: a failed job stops its siblings, as a cancel does
    for (const c of children) c.kill("SIGTERM");
    cancelAll = true;
    await Promise.all(running.values());
    const error = isCancel ? "cancelled" : (e as Error).message;
    await save((j) => {
      j.state = isCancel ? "cancelled" : "failed"; j.finished = now(); j.error = error;
      for (const t of j.tasks) if (t.state === "running" || t.state === "pending") t.state = isCancel ? "cancelled" : t.state === "running" ? "failed" : "pending";
    });
    await store.appendEvent(id, { time: now(), type: "state", state: job.state, error });
    if (isCancel) {
      const out = path.join(store.dataDir, job.out);
      await clearDeadRun(out);
      await rmdir(out).catch(() => {}); // a folder the cancelled run created and left empty (rmdir refuses any other)
    }
  } finally {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onTerm);
    await writes;
    await rm(lock, { force: true });
  }
  return job;

  /** One task: waits for a slot of the local executor, runs, retries once (not usage or input errors, exit 2 and 3). */
  async function runWithRetries(task: TaskRecord): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const release = await acquireSlot(store, () => cancelled || cancelAll);
      try {
        if (cancelled || cancelAll) return;
        if (job.state !== "running") {
          await save((j) => { j.state = "running"; j.started ??= now(); j.error = null; });
          await store.appendEvent(id, { time: now(), type: "state", state: "running" });
        }
        await save(() => { task.state = "running"; task.attempts++; task.started = now(); task.error = null; task.exitCode = null; });
        await store.appendEvent(id, { time: now(), type: "task", task: task.name, state: "running", attempt: task.attempts });
        const result = await runTask(store, job, task, children, save);
        if (cancelled || cancelAll) return;
        const ok = result.code === 0;
        await save(() => { task.state = ok ? "succeeded" : "failed"; task.exitCode = result.code; task.finished = now(); task.error = ok ? null : result.lastError; });
        await store.appendEvent(id, { time: now(), type: "task", task: task.name, state: task.state, attempt: task.attempts, exitCode: result.code, error: task.error });
        if (ok) return;
        if (attempt >= DEFAULT_RETRIES || result.code === 2 || result.code === 3) throw new Error(`task ${task.name} failed (exit ${result.code}): ${result.lastError ?? "no message"}`);
      } finally {
        await release();
      }
    }
  }
}

class Cancelled extends Error {}

function groupExists(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/** Runs a task's command; stdout and non-JSON stderr go to log.txt, `--progress json` lines become progress. */
async function runTask(store: JobStore, job: JobRecord, task: TaskRecord, children: Set<ChildProcess>, save: () => Promise<void>): Promise<{ code: number; lastError: string | null }> {
  const log = openSync(store.file(job.id, "log.txt"), "a");
  // tasks that run side by side write their lines into one log, each marked with its task
  const mark = job.tasks.length > 1 ? `[${task.name}] ` : "";
  try {
    // a task that may run beside others takes its share of the cores, not all of them (each would start a thread per core)
    const share = Math.max(1, Math.floor(os.availableParallelism() / Math.min(localSlots(), Math.max(1, job.tasks.filter((t) => t.array === task.array).length))));
    const threads = task.array !== undefined ? { METACURATE_TASK_THREADS: String(share) } : {};
    const child = spawn(process.execPath, [launcher(), ...task.argv, "--progress", "json"], { stdio: ["ignore", mark ? "pipe" : log, "pipe"], env: { ...process.env, FORCE_COLOR: "0", ...threads } });
    children.add(child);
    child.once("exit", () => children.delete(child));
    // appended in order, one after another (concurrent appends may land out of order)
    let chain: Promise<unknown> = Promise.resolve();
    const pending = { push: (p: () => Promise<unknown>) => { chain = chain.then(p); } };
    const outClosed = mark ? new Promise((resolve) => createInterface({ input: child.stdout! })
      .on("line", (line) => { pending.push(() => appendFile(store.file(job.id, "log.txt"), mark + line + "\n")); }).once("close", resolve)) : null;
    let lastError: string | null = null;
    let lastSave = 0;
    const lines = createInterface({ input: child.stderr! });
    const closed = new Promise((resolve) => lines.once("close", resolve));
    lines.on("line", (line) => {
      const progress = parseProgressLine(line, task.name);
      if (progress) {
        job.progress = progress;
        task.progress = progress;
        const record = { time: new Date().toISOString(), type: "progress" as const, ...progress };
        pending.push(() => store.appendEvent(job.id, record));
        if (Date.now() - lastSave > 500) { lastSave = Date.now(); pending.push(save); }
      } else {
        lastError = messageOf(line);
        pending.push(() => appendFile(store.file(job.id, "log.txt"), mark + line + "\n"));
      }
    });
    const code = await new Promise<number>((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1))));
    await closed;
    await outClosed;
    await chain;
    return { code, lastError };
  } finally {
    closeSync(log);
  }
}
