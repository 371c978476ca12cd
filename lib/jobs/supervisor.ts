/**
 * Runs one job to its end: waits for a slot of the local executor, runs its tasks in order (each a
 * `metacurate` command with `--progress json`, retried once by default, finished tasks never redone),
 * records state, progress and logs, and on SIGTERM (cancel) ends its tasks' processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { appendFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { acquireLock, clearDeadRun, procStart } from "../util/stagedOutput";
import { acquireSlot, isAlive, launcher } from "./local";
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
  let child: ChildProcess | null = null;
  let cancelled = false;
  const onTerm = () => { cancelled = true; child?.kill("SIGTERM"); setTimeout(() => child?.kill("SIGKILL"), 5000).unref(); };
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onTerm);
  const save = async (change: (j: JobRecord) => void) => { change(job); await store.write(job); };
  const now = () => new Date().toISOString();
  let release: (() => Promise<void>) | null = null;
  try {
    if (job.state === "succeeded" || job.state === "failed" || job.state === "cancelled") return job;
    release = await acquireSlot(store, () => cancelled);
    if (cancelled) throw new Cancelled();
    await save((j) => { j.state = "running"; j.started ??= now(); j.error = null; });
    await store.appendEvent(id, { time: now(), type: "state", state: "running" });
    for (const task of job.tasks) {
      if (task.state === "succeeded") continue;
      if (task.after.some((name) => job.tasks.find((t) => t.name === name)?.state !== "succeeded")) throw new Error(`task ${task.name} waits on a task that did not succeed`);
      for (let attempt = 0; ; attempt++) {
        if (cancelled) throw new Cancelled();
        await save(() => { task.state = "running"; task.attempts++; task.started = now(); task.error = null; task.exitCode = null; });
        await store.appendEvent(id, { time: now(), type: "task", task: task.name, state: "running", attempt: task.attempts });
        const result = await runTask(store, job, task, (c) => { child = c; });
        child = null;
        if (cancelled) throw new Cancelled();
        const ok = result.code === 0;
        await save(() => { task.state = ok ? "succeeded" : "failed"; task.exitCode = result.code; task.finished = now(); task.error = ok ? null : result.lastError; });
        await store.appendEvent(id, { time: now(), type: "task", task: task.name, state: task.state, attempt: task.attempts, exitCode: result.code, error: task.error });
        if (ok) break;
        // a usage or input error (exit 2, 3) fails again the same way: no retry
        if (attempt >= DEFAULT_RETRIES || result.code === 2 || result.code === 3) throw new Error(`task ${task.name} failed (exit ${result.code}): ${result.lastError ?? "no message"}`);
      }
    }
    await save((j) => { j.state = "succeeded"; j.finished = now(); });
    await store.appendEvent(id, { time: now(), type: "state", state: "succeeded" });
  } catch (e) {
    const isCancel = e instanceof Cancelled || cancelled;
    const error = isCancel ? "cancelled" : (e as Error).message;
    await save((j) => {
      j.state = isCancel ? "cancelled" : "failed"; j.finished = now(); j.error = error;
      for (const t of j.tasks) if (t.state === "running" || (isCancel && t.state === "pending")) t.state = isCancel ? "cancelled" : "failed";
    });
    await store.appendEvent(id, { time: now(), type: "state", state: job.state, error });
    if (isCancel) await clearDeadRun(path.join(store.dataDir, job.out));
  } finally {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onTerm);
    await release?.();
    await rm(lock, { force: true });
  }
  return job;
}

class Cancelled extends Error {}

function groupExists(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/** Runs a task's command; stdout and non-JSON stderr go to log.txt, `--progress json` lines become progress. */
async function runTask(store: JobStore, job: JobRecord, task: TaskRecord, started: (c: ChildProcess) => void): Promise<{ code: number; lastError: string | null }> {
  const log = openSync(store.file(job.id, "log.txt"), "a");
  try {
    const child = spawn(process.execPath, [launcher(), ...task.argv, "--progress", "json"], { stdio: ["ignore", log, "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    started(child);
    let lastError: string | null = null;
    let lastSave = 0;
    const lines = createInterface({ input: child.stderr! });
    const closed = new Promise((resolve) => lines.once("close", resolve));
    const pending: Promise<unknown>[] = [];
    lines.on("line", (line) => {
      let event: { step?: unknown; done?: unknown; total?: unknown; rate?: unknown } | null = null;
      if (line.startsWith("{")) { try { event = JSON.parse(line); } catch { event = null; } }
      if (event && typeof event.step === "string") {
        const progress = { task: task.name, step: event.step, done: Number(event.done), total: event.total === null ? null : Number(event.total), rate: Number(event.rate) };
        job.progress = progress;
        pending.push(store.appendEvent(job.id, { time: new Date().toISOString(), type: "progress", ...progress }));
        if (Date.now() - lastSave > 500) { lastSave = Date.now(); pending.push(store.write(job)); }
      } else {
        lastError = line.replace(/^metacurate [a-z ]+: /, "").slice(0, 500);
        pending.push(appendFile(store.file(job.id, "log.txt"), line + "\n"));
      }
    });
    const code = await new Promise<number>((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1))));
    await closed;
    await Promise.all(pending);
    return { code, lastError };
  } finally {
    closeSync(log);
  }
}
