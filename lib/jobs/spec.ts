/** A job spec, validated by its kind's schema, its paths resolved: the fields named in every error. */
import { UsageError } from "../errors";
import { parseOptions } from "../options/validate";
import { JOB_KINDS } from "./kinds/index";
import type { JobFile, TaskPlan } from "./kinds/kind";
import type { PathRoots } from "./paths";
import { slurmAvailable } from "./slurmState";
import type { ExecutorName } from "./types";

export interface PlannedJob {
  kind: string;
  spec: Record<string, unknown>;
  out: string;
  tasks: (jobDir: string) => TaskPlan[];
  files?: (jobDir: string) => JobFile[];
}

export function planJob(raw: unknown, roots: PathRoots): PlannedJob {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new UsageError("a job spec must be a JSON object");
  const kind = (raw as { kind?: unknown }).kind;
  const k = typeof kind === "string" ? JOB_KINDS[kind] : undefined;
  if (!k) throw new UsageError(`"kind": must be one of ${Object.keys(JOB_KINDS).map((n) => `"${n}"`).join(", ")} (got ${JSON.stringify(kind)?.slice(0, 40)})`);
  const spec = parseOptions(k.schema, raw, "field");
  return { kind: k.kind, spec, ...k.plan(spec, roots) };
}

/** The executor a submission names ("local" unless given), checked: slurm only where a Slurm controller answers. */
export async function checkExecutor(value: unknown): Promise<ExecutorName> {
  const name = value ?? "local";
  if (name !== "local" && name !== "slurm") throw new UsageError(`"executor": must be "local" or "slurm" (got ${JSON.stringify(name)?.slice(0, 40)})`);
  if (name === "slurm") {
    const why = await slurmAvailable();
    if (why) throw new UsageError(`"executor": slurm cannot be used here: ${why}`);
  }
  return name;
}
