/** What a job kind is: a schema for its spec and a plan of tasks (each a metacurate command line). */
import type { ZodType } from "zod";
import type { PathRoots } from "../paths";
import type { TaskRecord } from "../types";

export type TaskPlan = Pick<TaskRecord, "name" | "argv" | "after" | "array">;

export interface JobKind {
  kind: string;
  /** The spec: JSON whose keys are the CLI's flag names, plus `kind` (and `shards` where it applies). */
  schema: ZodType<Record<string, unknown>>;
  /**
   * Resolves the spec's paths (refusing any outside the roots) into the output's name and the tasks,
   * given the job's folder (where a task's intermediate outputs go) once the job exists.
   */
  plan(spec: Record<string, unknown>, roots: PathRoots): { out: string; tasks: (jobDir: string) => TaskPlan[] };
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
