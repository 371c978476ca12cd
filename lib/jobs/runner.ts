/**
 * The queue runner: one process per data directory (`metacurate job runner`, started on demand by
 * whoever submits or looks at jobs, elected by .jobs/runner.lock) runs every queued job's tasks, at
 * most `slots` at a time across all jobs, oldest job first. A queued job costs no process. A task
 * that fails is retried once (not a usage or input error, exit 2 or 3); a job whose task fails for
 * good stops its other tasks. Every state change is a compare-and-set under the job's lock; clients
 * only ever ask (a cancel), and the runner acts. When the runner dies (`kill -9`, a reboot), the next
 * one takes its jobs up again: it ends the tasks the dead one left and runs them anew (their outputs
 * are committed atomically, so a rerun gives the same bytes); a job taken up more than twice fails.
 * Slurm jobs are followed here too (lib/jobs/slurm.ts) and take no local slot.
 */
import { lstat, readdir, readFile, rmdir, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pausePoint } from "../util/pausePoint";
import { clearDeadRun, holderIsDead, procStart } from "../util/stagedOutput";
import { readLockRecord, tryLock, type Release } from "./fileLock";
import { SlurmCancelled, superviseSlurm } from "./slurm";
import { byCreation, type JobStore } from "./store";
import { TASK_MARK, TaskHost, groupExists, signalGroup, type TaskRun } from "./taskProcess";
import { isTerminalState, type JobEvent, type JobRecord, type ProcessId, type TaskRecord } from "./types";

export const DEFAULT_RETRIES = 1;
/** A job whose runner died more often than this while running it fails instead of running again. */
export const MAX_RESUMES = 2;

export function localSlots(): number {
  const n = Number(process.env.METACURATE_LOCAL_SLOTS);
  return Number.isInteger(n) && n >= 1 ? n : os.availableParallelism();
}

export interface RunnerOptions {
  slots?: number;
  pollMs?: number;
  /** How long the runner waits with nothing to do before it exits. */
  idleMs?: number;
  /** The process that spawned this runner and holds the election for it until it hands over. */
  spawnedBy?: number;
}

interface Active {
  job: JobRecord;
  running: Map<string, TaskRun>;
  /** The job's task hosts, busy or idle (at most `slots` across all jobs). */
  hosts: TaskHost[];
  /** Why the job is ending with tasks still to stop: a cancel or a task that failed for good. */
  ending: "cancel" | "fail" | null;
  failure: string | null;
  slurm: Promise<void> | null;
  slurmEnd: { ok: true } | { ok: false; cancelled: boolean; error: string } | null;
  lastSave: number;
  /** The chain of this job's state writes. */
  saving: Promise<void>;
  killTimer: NodeJS.Timeout | null;
}

const now = () => new Date().toISOString();
const sameProcess = (a: ProcessId | null | undefined, b: ProcessId) => !!a && a.pid === b.pid && a.host === b.host && a.procStart === b.procStart;

async function processAlive(p: { pid: number; procStart: string | null }): Promise<boolean> {
  return !(await holderIsDead({ pid: p.pid, procStart: p.procStart, host: os.hostname(), started: "" }));
}

/** Takes the runner's election, or waits for the spawner that holds it for this process to hand it over. */
async function elect(store: JobStore, spawnedBy: number | undefined): Promise<Release | null> {
  const end = Date.now() + 10_000;
  for (;;) {
    const held = await readLockRecord(store.runnerLock);
    if (held && held !== "garbage" && held.host === os.hostname()) {
      if (held.pid === process.pid) return releaseOwn(store.runnerLock);
      if (held.pid === spawnedBy && Date.now() < end && !(await holderIsDead(held))) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
    }
    return tryLock(store.runnerLock);
  }
}

function releaseOwn(file: string): Release {
  return async () => {
    const held = await readLockRecord(file);
    if (held && held !== "garbage" && held.pid === process.pid) await unlink(file).catch(() => {});
  };
}

/** Runs the queue until no job is left to run; false when another runner holds the election. */
export async function runQueue(store: JobStore, opts: RunnerOptions = {}): Promise<boolean> {
  let release = await elect(store, opts.spawnedBy);
  if (!release) return false;
  const me: ProcessId = { pid: process.pid, procStart: await procStart(process.pid), host: os.hostname() };
  const slots = opts.slots ?? localSlots();
  const pollMs = opts.pollMs ?? 200;
  const idleMs = opts.idleMs ?? 1500;
  const active = new Map<string, Active>();
  const finished = new Set<string>();
  const exits: { a: Active; task: TaskRecord; code: number; lastError: string | null }[] = [];
  let wake: (() => void) | null = null;
  const wakeUp = () => { const w = wake; wake = null; w?.(); };
  let stopping = false;
  const onSignal = () => { stopping = true; wakeUp(); };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  let idleSince: number | null = null;
  await store.removeAbandonedCreations();

  /**
   * Writes the runner's view of a job (as it is when the write's turn comes: writes of one job are
   * chained, so an older view never lands after a newer one), if the job is still the runner's, not
   * ended, and `also` holds of what is on disk; returns whether it was written.
   */
  const save = (a: Active, events: JobEvent[] = [], also: (disk: JobRecord) => boolean = () => true): Promise<boolean> => {
    const write = async () => {
      a.lastSave = Date.now();
      const snapshot = structuredClone(a.job);
      const { record, changed } = await store.update(a.job.id, (disk) => {
        if (isTerminalState(disk.state) || !sameProcess(disk.supervisor, me) || !also(disk)) return null;
        return { record: { ...snapshot, cancelRequested: disk.cancelRequested ?? null }, events };
      });
      a.job.cancelRequested = record.cancelRequested ?? null;
      return changed;
    };
    const result = a.saving.then(write);
    a.saving = result.then(() => {}, () => {});
    return result;
  };

  const take = async (id: string): Promise<Active | null> => {
    // a dead runner's task processes end first, whatever becomes of the job (they must not write its output later)
    const before = await store.read(id);
    if (before.executor === "local" && before.state === "running" && !sameProcess(before.supervisor, me)) await endLeftovers(before);
    const { record, changed } = await store.update(id, (disk) => {
      if (isTerminalState(disk.state)) return null;
      const next = structuredClone(disk);
      const events: JobEvent[] = [];
      next.previousSupervisor = disk.supervisor && !sameProcess(disk.supervisor, me) ? disk.supervisor : disk.previousSupervisor ?? null;
      next.supervisor = me;
      // running means a runner started its tasks and died: it is taken up again (queued jobs never ran)
      if (disk.state === "running" && !sameProcess(disk.supervisor, me)) {
        next.resumes++;
        if (next.resumes > MAX_RESUMES) {
          next.state = "failed";
          next.finished = now();
          next.error = `the runner running it died (pid ${disk.supervisor?.pid ?? "unknown"}), and it was taken up ${MAX_RESUMES} times already`;
          for (const t of next.tasks) if (t.state === "running") { t.state = "failed"; t.pid = null; t.procStart = null; }
          events.push({ time: next.finished, type: "state", state: "failed", error: next.error });
        } else {
          events.push({ time: now(), type: "state", state: "running", resumed: next.resumes });
        }
      }
      return { record: next, events };
    });
    if (!changed || isTerminalState(record.state)) {
      if (isTerminalState(record.state)) finished.add(id);
      return null;
    }
    const a: Active = { job: record, running: new Map(), hosts: [], ending: null, failure: null, slurm: null, slurmEnd: null, lastSave: 0, saving: Promise.resolve(), killTimer: null };
    if (record.executor === "local") {
      // its running tasks' processes are gone (ended above): they run again
      let left = false;
      for (const t of a.job.tasks) if (t.state === "running") { t.state = "pending"; t.pid = null; t.procStart = null; left = true; }
      if (left) await save(a);
    }
    return a;
  };

  /** Ends the task processes a dead runner left running (by recorded pid, and every host marked with the job in its environment). */
  const endLeftovers = async (job: JobRecord): Promise<void> => {
    if (!job.tasks.some((t) => t.state === "running")) return;
    const pids = await processesMarked(job.id);
    for (const t of job.tasks) if (t.state === "running" && t.pid && (await processAlive({ pid: t.pid, procStart: t.procStart ?? null }))) pids.push(t.pid);
    for (const pid of pids) signalGroup(pid, "SIGKILL");
    for (let i = 0; i < 200 && pids.some(groupExists); i++) await new Promise((r) => setTimeout(r, 25));
  };

  const discover = async () => {
    const found: JobRecord[] = [];
    for (const id of await store.ids()) {
      if (finished.has(id) || active.has(id)) continue;
      const job = await store.read(id).catch(() => null);
      if (!job) continue;
      if (isTerminalState(job.state)) finished.add(id);
      else found.push(job);
    }
    // oldest first: the order jobs were submitted in (ids tell only the second)
    for (const job of found.sort(byCreation)) {
      const a = await take(job.id);
      if (a) active.set(job.id, a);
    }
  };

  const startLocal = async (a: Active, task: TaskRecord): Promise<boolean> => {
    // claimed on disk first (job and task running), so a cancel of a queued job can no longer win after the spawn
    // what a refused claim puts back, in place: the job's other tasks are objects their exits still update
    const before = { job: { state: a.job.state, started: a.job.started, error: a.job.error },
      task: { state: task.state, attempts: task.attempts, started: task.started, error: task.error, exitCode: task.exitCode, pid: task.pid, procStart: task.procStart } };
    const events: JobEvent[] = [];
    if (a.job.state !== "running") {
      a.job.state = "running";
      a.job.started ??= now();
      a.job.error = null;
      events.push({ time: now(), type: "state", state: "running" });
    }
    task.state = "running"; task.attempts++; task.started = now(); task.error = null; task.exitCode = null; task.pid = null; task.procStart = null;
    events.push({ time: now(), type: "task", task: task.name, state: "running", attempt: task.attempts });
    if (!(await save(a, events, (disk) => !disk.cancelRequested))) {
      Object.assign(a.job, before.job);
      Object.assign(task, before.task);
      return false;
    }
    const run = await startTaskMarked(a, task);
    task.pid = run.pid; task.procStart = await procStart(run.pid);
    a.running.set(task.name, run);
    await save(a);
    void run.done.then(({ code, lastError }) => { exits.push({ a, task, code, lastError }); wakeUp(); });
    return true;
  };

  const startTaskMarked = async (a: Active, task: TaskRecord): Promise<TaskRun> => {
    const host = await hostFor(a);
    return host.run(task, slots, (progress) => {
      a.job.progress = progress;
      const t = a.job.tasks.find((x) => x.name === task.name);
      if (t) t.progress = progress;
      void store.appendEvent(a.job.id, { time: now(), type: "progress", ...progress }).catch(() => {});
      if (Date.now() - a.lastSave > 500) void save(a).catch(() => {});
    });
  };

  /** An idle host of the job, else a new one (letting an idle host of another job go, so hosts stay within the slots). */
  const hostFor = async (a: Active): Promise<TaskHost> => {
    for (const x of active.values()) x.hosts = x.hosts.filter((h) => h.alive);
    const idle = a.hosts.find((h) => !h.busy);
    if (idle) return idle;
    const all = [...active.values()].flatMap((x) => x.hosts);
    const spare = all.length >= slots ? all.find((h) => !h.busy && h.job.id !== a.job.id) : undefined;
    if (spare) {
      for (const x of active.values()) x.hosts = x.hosts.filter((h) => h !== spare);
      await spare.close();
    }
    const host = new TaskHost(store, a.job);
    a.hosts.push(host);
    return host;
  };

  const closeHosts = async (a: Active): Promise<void> => {
    const hosts = a.hosts;
    a.hosts = [];
    await Promise.all(hosts.map((h) => h.close()));
  };

  const onExit = async (a: Active, task: TaskRecord, code: number, lastError: string | null) => {
    const run = a.running.get(task.name);
    a.running.delete(task.name);
    // a task that failed leaves nothing of its state behind: its retry, or any other task, gets a fresh host
    const host = code !== 0 && run ? a.hosts.find((h) => h.pid === run.pid) : undefined;
    if (host) { a.hosts = a.hosts.filter((h) => h !== host); await host.close(); }
    task.pid = null; task.procStart = null;
    const events: JobEvent[] = [];
    if (a.ending === "cancel") {
      task.state = code === 0 ? "succeeded" : "cancelled";
      if (code === 0) { task.exitCode = 0; task.finished = now(); }
    } else {
      const ok = code === 0;
      task.state = ok ? "succeeded" : "failed"; task.exitCode = code; task.finished = now(); task.error = ok ? null : lastError;
      events.push({ time: now(), type: "task", task: task.name, state: task.state, attempt: task.attempts, exitCode: code, error: task.error });
      if (!ok && a.ending === null) {
        if (task.attempts <= DEFAULT_RETRIES && code !== 2 && code !== 3) task.state = "pending";
        else endJob(a, "fail", `task ${task.name} failed (exit ${code}): ${lastError ?? "no message"}`);
      }
    }
    await save(a, events);
    await pausePoint("runner:task-saved");
  };

  const endJob = (a: Active, why: "cancel" | "fail", failure: string | null = null) => {
    a.ending = why;
    a.failure = failure;
    for (const run of a.running.values()) signalGroup(run.pid, "SIGTERM");
    a.killTimer = setTimeout(() => { for (const run of a.running.values()) signalGroup(run.pid, "SIGKILL"); }, 5000);
    a.killTimer.unref();
  };

  /** The job's last change: succeeded when every task did (even if a cancel came too late), else cancelled or failed. */
  const finish = async (a: Active) => {
    if (a.killTimer) clearTimeout(a.killTimer);
    await closeHosts(a);
    await a.saving;
    const all = a.job.tasks.every((t) => t.state === "succeeded");
    const state = all ? "succeeded" : a.ending === "cancel" || (a.slurmEnd && !a.slurmEnd.ok && a.slurmEnd.cancelled) ? "cancelled" : "failed";
    const error = state === "succeeded" ? null : state === "cancelled" ? "cancelled" : a.failure ?? (a.slurmEnd && !a.slurmEnd.ok ? a.slurmEnd.error : "failed");
    const snapshot = structuredClone(a.job);
    await store.update(a.job.id, (disk) => {
      if (isTerminalState(disk.state) || !sameProcess(disk.supervisor, me)) return null;
      const next = { ...snapshot, cancelRequested: disk.cancelRequested ?? null, state, finished: now(), error } as JobRecord;
      for (const t of next.tasks) {
        if (state === "cancelled" && (t.state === "pending" || t.state === "running")) t.state = "cancelled";
        if (state === "failed" && t.state === "running") t.state = "failed";
      }
      return { record: next, events: [{ time: next.finished!, type: "state", state, ...(error ? { error } : {}) }] };
    });
    const out = path.join(store.dataDir, a.job.out);
    if (state === "cancelled" && !(await lstat(out).catch(() => null))?.isSymbolicLink()) {
      await clearDeadRun(out).catch(() => {});
      await rmdir(out).catch(() => {}); // a folder the cancelled run made and left empty (rmdir refuses any other)
    }
    active.delete(a.job.id);
    finished.add(a.job.id);
  };

  const step = async (a: Active) => {
    const disk = await store.read(a.job.id).catch(() => null);
    if (!disk || isTerminalState(disk.state) || !sameProcess(disk.supervisor, me)) {
      // ended by a client (a queued job cancelled) or gone
      if (a.running.size === 0 && !a.slurm) { await closeHosts(a); active.delete(a.job.id); if (disk) finished.add(a.job.id); }
      return;
    }
    a.job.cancelRequested = disk.cancelRequested ?? null;
    if (a.job.executor === "slurm") {
      a.slurm ??= superviseSlurm(store, a.job, async (change) => { change?.(a.job); await save(a); }, () => !!a.job.cancelRequested)
        .then(() => { a.slurmEnd = { ok: true }; }, (e) => { a.slurmEnd = { ok: false, cancelled: e instanceof SlurmCancelled, error: (e as Error).message }; })
        .finally(wakeUp);
      if (a.slurmEnd) await finish(a);
      return;
    }
    if (a.job.cancelRequested && a.ending !== "cancel" && !a.job.tasks.every((t) => t.state === "succeeded")) endJob(a, "cancel");
    if (a.job.tasks.every((t) => t.state === "succeeded") && a.running.size === 0) return finish(a);
    if (a.ending && a.running.size === 0) return finish(a);
    if (!a.ending && a.running.size === 0) {
      const left = a.job.tasks.filter((t) => t.state !== "succeeded");
      const byName = new Map(a.job.tasks.map((t) => [t.name, t]));
      const runnable = left.some((t) => t.state === "pending" && t.after.every((n) => byName.get(n)?.state === "succeeded"));
      if (!runnable) { endJob(a, "fail", `tasks ${left.map((t) => t.name).join(", ")} wait on tasks that did not succeed`); return finish(a); }
    }
  };

  const schedule = async () => {
    let free = slots - [...active.values()].reduce((n, a) => n + a.running.size, 0);
    for (const a of active.values()) {
      if (free <= 0) return;
      if (a.job.executor !== "local" || a.ending || a.job.cancelRequested) continue;
      const byName = new Map(a.job.tasks.map((t) => [t.name, t]));
      for (const task of a.job.tasks) {
        if (free <= 0) return;
        if (task.state !== "pending" || a.running.has(task.name) || !task.after.every((n) => byName.get(n)?.state === "succeeded")) continue;
        if (!(await startLocal(a, task))) break;
        free--;
      }
    }
  };

  try {
    for (;;) {
      if (stopping) {
        // stopped by a signal: its tasks end with it; the next runner takes the jobs up again
        for (const a of active.values()) { for (const run of a.running.values()) signalGroup(run.pid, "SIGTERM"); void closeHosts(a); }
        return true;
      }
      try {
        while (exits.length) { await onExit(exits[0].a, exits[0].task, exits[0].code, exits[0].lastError); exits.shift(); }
        await discover();
        for (const a of [...active.values()]) await step(a);
        await schedule();
      } catch (e) {
        // a state that cannot be written now (a full disk, say): the runner keeps what it knows and tries again
        process.stderr.write(`metacurate job runner: ${(e as Error).message.split("\n")[0]} (trying again in 2 s)\n`);
        await new Promise((r) => setTimeout(r, 2000));
        continue;
      }
      if (active.size === 0 && exits.length === 0) {
        idleSince ??= Date.now();
        if (Date.now() - idleSince >= idleMs) {
          // let go of the election, then look once more: a job submitted meanwhile saw either this
          // runner's lock (and is found now) or no lock (and started another runner)
          await release();
          release = null;
          if (!(await anyJobToRun(store, finished))) return true;
          release = await tryLock(store.runnerLock);
          if (!release) return true;
          idleSince = null;
        }
      } else {
        idleSince = null;
      }
      await new Promise<void>((r) => { wake = r; setTimeout(r, pollMs); });
    }
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    if (release) await release();
  }
}

async function anyJobToRun(store: JobStore, finished: Set<string>): Promise<boolean> {
  for (const id of await store.ids()) {
    if (finished.has(id)) continue;
    const job = await store.read(id).catch(() => null);
    if (job && !isTerminalState(job.state)) return true;
  }
  return false;
}

/** Processes (by /proc environ) that a runner started for a job's tasks: its task hosts and what they started. */
async function processesMarked(jobId: string): Promise<number[]> {
  const out: number[] = [];
  const prefix = `${TASK_MARK}=${jobId}/`;
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const env = await readFile(`/proc/${name}/environ`, "latin1").catch(() => "");
    if (env.split("\0").some((e) => e.startsWith(prefix))) out.push(Number(name));
  }
  return out;
}
