/** What a job kind is: a schema for its spec and a plan of tasks (each a metacurate command line). */
import { z, type ZodType } from "zod";
import type { PathRoots } from "../paths";
import type { TaskRecord } from "../types";

export type TaskPlan = Pick<TaskRecord, "name" | "argv" | "after" | "array" | "resources">;

/** A file the job keeps in its folder (a cluster script), written when the job is made. */
export interface JobFile {
  /** relative to the job's folder */
  name: string;
  text: string;
  mode: number;
}

export interface JobKind {
  kind: string;
  /** The spec: JSON whose keys are the CLI's flag names, plus `kind` (and `shards` where it applies). */
  schema: ZodType<Record<string, unknown>>;
  /**
   * Resolves the spec's paths (refusing any outside the roots) into the output's name and the tasks,
   * given the job's folder (where a task's intermediate outputs go) once the job exists.
   */
  plan(spec: Record<string, unknown>, roots: PathRoots): PlanResult;
}

export interface PlanResult {
  out: string;
  tasks: (jobDir: string) => TaskPlan[];
  files?: (jobDir: string) => JobFile[];
  /** What can only be checked by reading the inputs (a pool's layout), before the job is recorded. */
  check?: () => Promise<void>;
}

/** The flags of a spec's plain options (numbers, strings, booleans) in the CLI's syntax. */
export function optionFlags(spec: Record<string, unknown>, keys: readonly string[]): string[] {
  const argv: string[] = [];
  for (const key of keys) {
    const v = spec[key];
    if (v === undefined || v === false) continue;
    if (v === true) argv.push(`--${key}`);
    else argv.push(`--${key}`, String(v));
  }
  return argv;
}

/** Per-task resources on the slurm executor (else METACURATE_SLURM_PARTITION, _TIME, _CPUS, _MEM). */
export const slurmFields = {
  "slurm-partition": z.string().regex(/^[A-Za-z0-9_.,-]{1,64}$/, { error: "must be a partition name" }).optional(),
  "slurm-time": z.string().regex(/^(\d+-)?\d{1,4}(:\d{2}){0,2}$/, { error: "must be a Slurm time limit: MM, HH:MM:SS or D-HH:MM" }).optional(),
  "slurm-cpus": z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 1024, { error: (i) => `must be an integer from 1 to 1024 (got ${i.input})` }).optional(),
  "slurm-mem": z.string().regex(/^\d{1,7}[KMGT]?$/, { error: "must be a Slurm memory size such as 4G or 16000M" }).optional(),
};
