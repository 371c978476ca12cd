/** A job spec, validated by its kind's schema, its paths resolved: the fields named in every error. */
import { UsageError } from "../errors";
import { parseOptions } from "../options/validate";
import { assertJsonDepth } from "../util/jsonDepth";
import type { OutputKind } from "../util/outputKind";
import { JOB_KINDS } from "./kinds/index";
import { checkReplaceField } from "./outTarget";
import type { JobFile, TaskPlan } from "./kinds/kind";
import type { PathRoots } from "./paths";
import { slurmAvailable } from "./slurmState";
import type { ExecutorName } from "./types";

export interface PlannedJob {
  kind: string;
  /** What its output is: a workspace (curate, balance) or a run (train, eval). */
  writes: OutputKind;
  /** The spec said "replace": true (an existing output of the same kind may be replaced). */
  replace: boolean;
  spec: Record<string, unknown>;
  out: string;
  tasks: (jobDir: string) => TaskPlan[];
  files?: (jobDir: string) => JobFile[];
  check?: () => Promise<void>;
}

const WRITES: Record<string, OutputKind> = { curate: "workspace", balance: "workspace", train: "run", eval: "run" };

export function planJob(raw: unknown, roots: PathRoots): PlannedJob {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new UsageError("a job spec must be a JSON object");
  assertJsonDepth(raw);
  const { replace, ...rest } = raw as Record<string, unknown>;
  const kind = rest.kind;
  const k = typeof kind === "string" && Object.hasOwn(JOB_KINDS, kind) ? JOB_KINDS[kind] : undefined;
  if (!k) throw new UsageError(`"kind": must be one of ${Object.keys(JOB_KINDS).map((n) => `"${n}"`).join(", ")} (got ${JSON.stringify(kind)?.slice(0, 40)})`);
  const spec = parseOptions(k.schema, rest, "field");
  const replacing = checkReplaceField(replace);
  return { kind: k.kind, writes: WRITES[k.kind] ?? "workspace", replace: replacing, spec: replacing ? { ...spec, replace: true } : spec, ...k.plan(spec, roots) };
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
