/**
 * The Slurm executor. A job's tasks become `.sbatch` scripts in its folder (`slurm/`): one array
 * script per group of shard tasks (`match.sbatch`: `sbatch --array=0-3 match.sbatch` runs them),
 * one script per other task; each runs the same `metacurate` command the local executor would.
 * They are submitted with `--dependency=afterok:…` so Slurm runs reduce and merge only after what
 * they read succeeded. The queue runner (lib/jobs/runner.ts) follows them: live
 * state from `squeue`, how a task ended from `squeue -t all`/`scontrol`, else `sacct` (whose lag
 * means "missing" is "not yet"), progress from the tasks' logs. A failed task is resubmitted once
 * (not a usage or input error, exit 2 or 3), with what depends on it; cancel is `scancel`.
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import path from "node:path";
import { sbatchDirective, sbatchPatternFolder, shellComment, shellQuote } from "../cluster/shellText";
import { launcher } from "./launcher";
import { COMMAND_PREFIX, messageOf, parseProgressLine } from "./progressLine";
import { ended, isTerminal, sbatch, scancel, squeue, type Ended } from "./slurmState";
import type { JobStore } from "./store";
import type { JobRecord, TaskRecord } from "./types";

export const SLURM_RETRIES = 1;
const POLL_MS = 700;
/** How long a task gone from squeue may be missing from sacct and scontrol before it counts as lost. */
const LOST_AFTER_MS = 60_000;

/** Resources per task: the spec's slurm-* fields, else METACURATE_SLURM_* , else Slurm's defaults. */
export interface SlurmResources {
  partition?: string;
  time?: string;
  cpus?: number;
  mem?: string;
}

export function slurmResources(spec: Record<string, unknown>): SlurmResources {
  const env = process.env;
  const pick = (key: string, envKey: string) => (spec[`slurm-${key}`] as string | number | undefined) ?? env[`METACURATE_SLURM_${envKey}`] ?? undefined;
  const cpus = pick("cpus", "CPUS");
  return {
    partition: pick("partition", "PARTITION") as string | undefined,
    time: pick("time", "TIME") as string | undefined,
    cpus: cpus === undefined ? undefined : Number(cpus),
    mem: pick("mem", "MEM") as string | undefined,
  };
}

const command = (task: TaskRecord) => [process.execPath, launcher(), ...task.argv, "--progress", "json"].map(shellQuote).join(" ");

/** A group of tasks submitted as one script: an array (shard tasks) or a single task. */
interface Unit {
  script: string;
  tasks: TaskRecord[];
  array: boolean;
}

export function units(job: JobRecord): Unit[] {
  const out: Unit[] = [];
  for (const t of job.tasks) {
    const name = t.array ?? t.name;
    const found = out.find((u) => u.script === `${name}.sbatch`);
    if (found && t.array) found.tasks.push(t);
    else out.push({ script: `${name}.sbatch`, tasks: [t], array: t.array !== undefined });
  }
  return out;
}

export function logFile(jobDir: string, task: TaskRecord): string {
  return path.join(jobDir, "slurm", "logs", `${task.name}.log`);
}

/** A cluster training step's nodes, tasks and GPUs (srun inside the script starts one process per GPU over several nodes). */
function gpuLines(r: TaskRecord["resources"]): string[] {
  if (!r) return [];
  return [
    ...(r.nodes ? [sbatchDirective("nodes", r.nodes, "nodes")] : []),
    ...(r.tasksPerNode ? [sbatchDirective("ntasks-per-node", r.tasksPerNode, "tasks per node")] : []),
    ...(r.gpusPerNode ? [sbatchDirective("gpus-per-node", r.gpusPerNode, "gpus-per-node")] : []),
  ];
}

/**
 * The .sbatch scripts, written once into the job's folder: a person can read them and rerun them.
 * Every value goes through lib/cluster/shellText; a job folder an #SBATCH line cannot name (a control
 * character or a backslash in the data directory's path) is refused there, naming it.
 */
export async function writeScripts(store: JobStore, job: JobRecord, res: SlurmResources): Promise<void> {
  const dir = path.join(store.dir(job.id), "slurm");
  const logs = sbatchPatternFolder(path.join(dir, "logs"), "the job's log folder");
  await mkdir(path.join(dir, "logs"), { recursive: true });
  for (const u of units(job)) {
    const name = u.script.replace(/\.sbatch$/, "");
    const lines = [
      "#!/bin/bash",
      sbatchDirective("job-name", `metacurate-${name}`, "the job name"),
      sbatchDirective("output", `${logs}/${u.array ? `${name}-%a.log` : `${name}.log`}`, "the log file"),
      "#SBATCH --open-mode=append",
      ...(res.partition ? [sbatchDirective("partition", res.partition, "the partition (slurm-partition or METACURATE_SLURM_PARTITION)")] : []),
      ...(res.time ? [sbatchDirective("time", res.time, "the time limit (slurm-time or METACURATE_SLURM_TIME)")] : []),
      sbatchDirective("cpus-per-task", res.cpus ?? 1, "the CPUs per task (slurm-cpus or METACURATE_SLURM_CPUS)"),
      ...(res.mem ? [sbatchDirective("mem", res.mem, "the memory (slurm-mem or METACURATE_SLURM_MEM)")] : []),
      ...gpuLines(u.tasks[0].resources),
      shellComment(`metacurate job ${job.id} (${job.kind}), ${u.array ? `tasks ${name}-0 … ${name}-${u.tasks.length - 1}: sbatch --array=0-${u.tasks.length - 1} ${u.script}` : `task ${name}: sbatch ${u.script}`}`),
      "set -euo pipefail",
      `cd ${shellQuote(store.dataDir)}`,
    ];
    if (u.array) {
      lines.push('case "${SLURM_ARRAY_TASK_ID:-}" in');
      u.tasks.forEach((t, i) => lines.push(`  ${i}) exec ${command(t)} ;;`));
      lines.push('  *) echo "metacurate: no task ${SLURM_ARRAY_TASK_ID:-} in this array (0 to ' + (u.tasks.length - 1) + ')" >&2; exit 2 ;;', "esac");
    } else {
      lines.push(`exec ${command(u.tasks[0])}`);
    }
    await writeFile(path.join(dir, u.script), lines.join("\n") + "\n", { mode: 0o755 });
  }
}

/**
 * Submits every task not yet submitted (or to be run again), unit by unit in plan order, each with
 * afterok on the tasks it reads that have not yet succeeded.
 */
async function submit(store: JobStore, job: JobRecord): Promise<void> {
  const dir = path.join(store.dir(job.id), "slurm");
  const byName = new Map(job.tasks.map((t) => [t.name, t]));
  for (const u of units(job)) {
    const todo = u.tasks.map((t, i) => ({ t, i })).filter(({ t }) => t.state === "pending" && !t.slurmId);
    if (todo.length === 0) continue;
    const deps = [...new Set(todo.flatMap(({ t }) => t.after))].map((n) => byName.get(n)!).filter((d) => d.state !== "succeeded");
    const missing = deps.find((d) => !d.slurmId);
    if (missing) throw new Error(`task ${todo[0].t.name} waits on ${missing.name}, which was not submitted`);
    const args = [
      ...(deps.length ? [`--dependency=afterok:${deps.map((d) => d.slurmId).join(":")}`] : []),
      ...(u.array ? [`--array=${todo.map(({ i }) => i).join(",")}`] : []),
      path.join(dir, u.script),
    ];
    const id = await sbatch(args, store.dataDir);
    // an attempt is counted when the task is seen to run (or to have run): not for a submission Slurm cancels unrun
    for (const { t, i } of todo) { t.slurmId = u.array ? `${id}_${i}` : id; t.started = null; }
  }
}

export async function superviseSlurm(store: JobStore, job: JobRecord, save: (change?: (j: JobRecord) => void) => Promise<void>,
  isCancelled: () => boolean): Promise<void> {
  const spec = await store.spec(job.id);
  const res = slurmResources(spec);
  const now = () => new Date().toISOString();
  if (!job.tasks.some((t) => t.slurmId)) await writeScripts(store, job, res);
  // a resumed monitor keeps what Slurm is running; tasks never submitted are submitted now
  await submit(store, job);
  await save((j) => { if (j.state === "queued") { j.state = "running"; j.started ??= now(); } });
  await store.appendEvent(job.id, { time: now(), type: "state", state: "running" });
  const offsets = new Map<string, number>();
  const missingSince = new Map<string, number>();
  for (;;) {
    if (isCancelled()) {
      await scancel(job.tasks.filter((t) => t.slurmId && t.state !== "succeeded").map((t) => t.slurmId!));
      await waitGone(job.tasks.filter((t) => t.slurmId && (t.state === "running" || t.state === "pending")).map((t) => t.slurmId!));
      throw new SlurmCancelled();
    }
    const live = await squeue(job.tasks.filter((t) => t.slurmId && t.state !== "succeeded" && t.state !== "failed").map((t) => t.slurmId!));
    let resubmit = false;
    for (const task of job.tasks) {
      if (!task.slurmId || task.state === "succeeded") continue;
      await readProgress(store, job, task, offsets, save);
      const seen = live.get(task.slurmId);
      let end: Ended | null = seen && isTerminal(seen.state) ? { state: seen.state, exitCode: 0, signal: 0, reason: seen.reason } : null;
      if (seen && !end) {
        missingSince.delete(task.slurmId);
        const state = seen.state === "RUNNING" || seen.state === "COMPLETING" ? "running" : "pending";
        if (state !== task.state) {
          await save(() => { task.state = state; if (state === "running" && !task.started) { task.started = now(); task.attempts++; } });
          await store.appendEvent(job.id, { time: now(), type: "task", task: task.name, state, attempt: task.attempts });
        }
        continue;
      }
      // gone from squeue (or ended there): how it ended, from sacct / scontrol; missing means not yet
      const record = await ended(task.slurmId);
      if (record) end = { ...record, reason: end?.reason ?? record.reason };
      if (!end) {
        const since = missingSince.get(task.slurmId) ?? Date.now();
        missingSince.set(task.slurmId, since);
        if (Date.now() - since < LOST_AFTER_MS) continue;
        end = { state: "LOST", exitCode: 1, signal: 0, reason: "neither squeue, scontrol nor sacct knows it" };
      }
      await readProgress(store, job, task, offsets, save);
      const ranUnseen = !task.started && !(end.state === "CANCELLED" && /Dependency/i.test(end.reason ?? ""));
      if (ranUnseen) { task.started = now(); task.attempts++; }
      if (end.state === "COMPLETED") {
        await save(() => { task.state = "succeeded"; task.exitCode = 0; task.finished = now(); task.error = null; });
        await store.appendEvent(job.id, { time: now(), type: "task", task: task.name, state: "succeeded", attempt: task.attempts, exitCode: 0 });
        continue;
      }
      if (end.state === "CANCELLED" && /Dependency/i.test(end.reason ?? "")) {
        // what it waited on failed: it runs again once that is resubmitted
        await save(() => { task.state = "pending"; task.slurmId = null; });
        continue;
      }
      const code = end.signal ? 128 + end.signal : end.exitCode;
      const why = `${end.state}${end.exitCode || end.signal ? ` (exit ${end.exitCode}:${end.signal})` : ""}${task.error ? `: ${task.error}` : ""}`;
      await save(() => { task.state = "failed"; task.exitCode = code; task.finished = now(); task.error = why; });
      await store.appendEvent(job.id, { time: now(), type: "task", task: task.name, state: "failed", attempt: task.attempts, exitCode: code, error: why });
      const retriable = end.state !== "CANCELLED" && end.exitCode !== 2 && end.exitCode !== 3 && task.attempts <= SLURM_RETRIES;
      if (!retriable) {
        await scancel(job.tasks.filter((t) => t.slurmId && t.state !== "succeeded" && t !== task).map((t) => t.slurmId!));
        throw new Error(`task ${task.name} failed on Slurm (${why}); its log: ${path.relative(store.dataDir, logFile(store.dir(job.id), task))}`);
      }
      await save(() => { task.state = "pending"; task.slurmId = null; });
      resubmit = true;
    }
    if (job.tasks.every((t) => t.state === "succeeded")) return;
    if (resubmit || job.tasks.some((t) => t.state === "pending" && !t.slurmId)) {
      // dependants of a failed task are cancelled by Slurm (kill_invalid_depend) or pend forever without it: end them, submit anew
      const stale = job.tasks.filter((t) => t.slurmId && t.state === "pending" && t.after.some((a) => job.tasks.find((x) => x.name === a)!.slurmId === null));
      await scancel(stale.map((t) => t.slurmId!));
      for (const t of stale) t.slurmId = null;
      await submit(store, job);
      await save();
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export class SlurmCancelled extends Error {}

async function waitGone(ids: string[]): Promise<void> {
  for (let i = 0; i < 100 && ids.length > 0; i++) {
    const live = await squeue(ids);
    if (![...live.values()].some((s) => !isTerminal(s.state))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** New lines of a task's Slurm log: `--progress json` lines become progress, others go to the job's log (and the last is its error). */
async function readProgress(store: JobStore, job: JobRecord, task: TaskRecord, offsets: Map<string, number>, save: () => Promise<void>): Promise<void> {
  const file = logFile(store.dir(job.id), task);
  const fh = await open(file, "r").catch(() => null);
  if (!fh) return;
  try {
    const from = offsets.get(task.name) ?? 0;
    const { size } = await fh.stat();
    if (size <= from) return;
    const buf = Buffer.alloc(size - from);
    await fh.read(buf, 0, buf.length, from);
    const end = buf.lastIndexOf(10) + 1;
    offsets.set(task.name, from + end);
    let log = "";
    for (const line of buf.subarray(0, end).toString("utf8").split("\n")) {
      if (!line) continue;
      const progress = parseProgressLine(line, task.name);
      if (progress) {
        job.progress = progress;
        task.progress = progress;
        await store.appendEvent(job.id, { time: new Date().toISOString(), type: "progress", ...progress });
      } else {
        log += `[${task.name}] ${line}\n`;
        if (COMMAND_PREFIX.test(line) || /^\*\*\* JOB/.test(line)) task.error = messageOf(line);
      }
    }
    if (log) await writeFile(store.file(job.id, "log.txt"), log, { flag: "a" });
    await save();
  } finally {
    await fh.close();
  }
}
