/**
 * One task of a local job as a process: `metacurate <argv> --progress json` in a process group of its
 * own (a cancel or a failed sibling ends the whole group), confined to the data directory
 * (METACURATE_OUT_ROOT). Its stdout and non-JSON stderr go to the job's log.txt, marked with the
 * task's name when the job has several; `--progress json` lines are handed to `onProgress`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { launcher } from "./launcher";
import { messageOf, parseProgressLine } from "./progressLine";
import type { JobStore } from "./store";
import type { JobProgress, JobRecord, TaskRecord } from "./types";

export interface TaskRun {
  child: ChildProcess;
  /** Resolves once the process exited and every line it wrote is in the log. */
  done: Promise<{ code: number; lastError: string | null }>;
}

/** Threads a task may use: a share of the cores when it runs beside its array siblings, else all. */
function threadEnv(job: JobRecord, task: TaskRecord, slots: number): Record<string, string> {
  if (task.array === undefined) return {};
  const siblings = job.tasks.filter((t) => t.array === task.array).length;
  return { METACURATE_TASK_THREADS: String(Math.max(1, Math.floor(os.availableParallelism() / Math.min(slots, Math.max(1, siblings))))) };
}

/** Marks a task's process (and all it starts) in its environment, so a later runner finds it by job and task. */
export const TASK_MARK = "METACURATE_TASK";

export function startTask(store: JobStore, job: JobRecord, task: TaskRecord, slots: number, onProgress: (p: JobProgress) => void): TaskRun {
  const child = spawn(process.execPath, [launcher(), ...task.argv, "--progress", "json"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env, FORCE_COLOR: "0", METACURATE_OUT_ROOT: store.dataDir, ...threadEnv(job, task, slots),
      // the job's own output is guarded: what appeared there after the submission is not replaced without "replace"
      METACURATE_JOB_OUT: path.join(store.dataDir, job.out), METACURATE_JOB_ID: job.id, METACURATE_JOB_REPLACE: job.replace ? "1" : "",
      [TASK_MARK]: `${job.id}/${task.name}`,
    },
  });
  const mark = job.tasks.length > 1 ? `[${task.name}] ` : "";
  const log = store.file(job.id, "log.txt");
  // appended one after another, in order (concurrent appends may land out of order)
  let chain: Promise<unknown> = Promise.resolve();
  const append = (text: string) => { chain = chain.then(() => appendFile(log, text).catch(() => {})); };
  let lastError: string | null = null;
  const outClosed = new Promise((resolve) => createInterface({ input: child.stdout! }).on("line", (l) => append(mark + l + "\n")).once("close", resolve));
  const errClosed = new Promise((resolve) => createInterface({ input: child.stderr! }).on("line", (line) => {
    const progress = parseProgressLine(line, task.name);
    if (progress) onProgress(progress);
    else { lastError = messageOf(line); append(mark + line + "\n"); }
  }).once("close", resolve));
  const exited = new Promise<number>((resolve) => {
    child.once("error", (e) => { lastError = `cannot start: ${e.message}`; resolve(127); });
    child.once("exit", (c, signal) => resolve(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
  const done = (async () => {
    const code = await exited;
    await Promise.all([outClosed, errClosed]);
    await chain;
    return { code, lastError };
  })();
  return { child, done };
}

/** Signals a task's whole process group (it and whatever it started). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

export function groupExists(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}
