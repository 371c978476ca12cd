/**
 * How many matching threads to use when not told: the CPUs Slurm gave the task (SLURM_CPUS_PER_TASK),
 * else METACURATE_TASK_THREADS (the local executor's share of the cores for a task that runs beside
 * others), else every core.
 */
import os from "node:os";

export function defaultWorkers(): number {
  for (const name of ["SLURM_CPUS_PER_TASK", "METACURATE_TASK_THREADS"]) {
    const n = Number(process.env[name]);
    if (Number.isInteger(n) && n >= 1) return n;
  }
  return Math.max(1, os.availableParallelism());
}
