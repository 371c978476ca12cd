/**
 * Where a local job's tasks run: task hosts (`metacurate job task-host`, bin/taskHost.ts), long-lived
 * processes of one job that run its tasks one at a time, each a plain `metacurate <argv> --progress
 * json` command line, so a job pays Node's start, the CLI's modules and its loaded inputs once per
 * slot instead of once per task. A host is a process group of its own (a cancel or a failed sibling
 * ends it and all it started), confined to the data directory (METACURATE_OUT_ROOT). A task's stdout
 * and non-JSON stderr go to the job's log.txt, marked with the task's name when the job has several;
 * `--progress json` lines are handed to `onProgress`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { launcher } from "./launcher";
import { messageOf, parseProgressLine } from "./progressLine";
import type { JobStore } from "./store";
import { splitEndMark, type HostRequest } from "./taskHostProtocol";
import type { JobProgress, JobRecord, TaskRecord } from "./types";

export interface TaskRun {
  /** The process running the task (its host): signalling its group ends the task. */
  pid: number;
  /** Resolves once the task ended (or its host died) and every line it wrote is in the log. */
  done: Promise<{ code: number; lastError: string | null }>;
}

/** Threads a task may use: a share of the cores when it runs beside its array siblings, else all. */
function threadEnv(job: JobRecord, task: TaskRecord, slots: number): Record<string, string | null> {
  if (task.array === undefined) return { METACURATE_TASK_THREADS: null };
  const siblings = job.tasks.filter((t) => t.array === task.array).length;
  return { METACURATE_TASK_THREADS: String(Math.max(1, Math.floor(os.availableParallelism() / Math.min(slots, Math.max(1, siblings))))) };
}

/** Marks a job's task hosts (and all they start) in their environment, so a later runner finds them by job. */
export const TASK_MARK = "METACURATE_TASK";

interface Current {
  task: string;
  mark: string;
  onProgress: (p: JobProgress) => void;
  lastError: string | null;
  ended: { out: boolean; err: boolean };
  code: number | null;
  settle: () => void;
}

export class TaskHost {
  readonly child: ChildProcess;
  readonly pid: number;
  alive = true;
  private current: Current | null = null;
  private exitCode: number | null = null;
  private streamsOpen = 2;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly log: string;

  constructor(private readonly store: JobStore, readonly job: JobRecord) {
    this.child = spawn(process.execPath, [launcher(), "job", "task-host", "--data-dir", store.dataDir, "--job", job.id], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, FORCE_COLOR: "0", [TASK_MARK]: `${job.id}/host` },
    });
    this.pid = this.child.pid ?? -1;
    this.log = store.file(job.id, "log.txt");
    this.child.on("error", (e) => this.exited(127, `cannot start: ${e.message}`));
    this.child.once("exit", (c, signal) => this.exited(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1), signal ? `its task host (pid ${this.pid}) was ended by ${signal}` : undefined));
    this.readLines(this.child.stdout!, "out");
    this.readLines(this.child.stderr!, "err");
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** Runs one task (the host must be idle). */
  run(task: TaskRecord, slots: number, onProgress: (p: JobProgress) => void): TaskRun {
    if (this.current || !this.alive) throw new Error(`task host ${this.pid} is ${this.alive ? "busy" : "gone"}`);
    const job = this.job;
    const done = new Promise<{ code: number; lastError: string | null }>((resolve) => {
      const current: Current = {
        task: task.name, mark: job.tasks.length > 1 ? `[${task.name}] ` : "", onProgress, lastError: null, ended: { out: false, err: false }, code: null,
        settle: () => {
          this.current = null;
          void this.chain.then(() => resolve({ code: current.code ?? this.exitCode ?? 1, lastError: current.lastError }));
        },
      };
      this.current = current;
    });
    const request: HostRequest = {
      argv: [...task.argv, "--progress", "json"],
      env: {
        ...threadEnv(job, task, slots),
        // the job's own output is guarded: what appeared there after the submission is not replaced without "replace"
        METACURATE_JOB_OUT: path.join(this.store.dataDir, job.out), METACURATE_JOB_ID: job.id, METACURATE_JOB_REPLACE: job.replace ? "1" : "",
      },
    };
    this.child.send(request, (e) => { if (e) this.kill(); });
    return { pid: this.pid, done };
  }

  /** Lets an idle host go: it exits when its channel closes (and is killed should it not); resolves once it has. */
  close(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.kill(), 5000);
    return gone.finally(() => clearTimeout(timer));
  }

  kill(): void {
    if (this.alive) signalGroup(this.pid, "SIGKILL");
  }

  private append(text: string): void {
    // appended one after another, in order (concurrent appends may land out of order)
    this.chain = this.chain.then(() => appendFile(this.log, text).catch(() => {}));
  }

  private readLines(stream: NodeJS.ReadableStream, which: "out" | "err"): void {
    createInterface({ input: stream }).on("line", (line) => {
      const c = this.current;
      const { text, code } = splitEndMark(line);
      const mark = c?.mark ?? "";
      if (text !== "" || code === null) {
        const progress = which === "err" && c ? parseProgressLine(text, c.task) : null;
        if (progress) c!.onProgress(progress);
        else {
          if (which === "err" && c) c.lastError = messageOf(text);
          this.append(mark + text + "\n");
        }
      }
      if (code !== null && c) {
        c.ended[which] = true;
        c.code = code;
        if (c.ended.out && c.ended.err) c.settle();
      }
    }).once("close", () => {
      this.streamsOpen--;
      this.endIfGone();
    });
  }

  private exited(code: number, why?: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.exitCode = code;
    if (why && this.current) this.current.lastError = why;
    this.endIfGone();
  }

  /** A host that died mid-task ends that task once its last lines are read, with the host's exit code. */
  private endIfGone(): void {
    if (this.alive || this.streamsOpen > 0 || !this.current) return;
    this.current.code = null;
    this.current.settle();
  }
}

/** Signals a process group (a task host and whatever it started). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

export function groupExists(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}
