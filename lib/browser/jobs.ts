/** The dashboard's side of the job API: submit, cancel (JSON, as the server's request guard requires), and the output names taken. */
import type { EvalRun } from "../evals/run";
import type { JobRecord } from "../jobs/types";
import type { WorkspaceSummary } from "../workspace/summary";
import { httpError } from "./http";

export type { JobRecord };

export async function submitJob(spec: Record<string, unknown>): Promise<string> {
  const res = await fetch("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(spec) });
  if (res.status !== 202) throw await httpError(res, "job");
  return ((await res.json()) as { id: string }).id;
}

export async function cancelJob(id: string): Promise<JobRecord> {
  const res = await fetch(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  if (!res.ok) throw await httpError(res, "job");
  return (await res.json()) as JobRecord;
}

export const isFinished = (j: JobRecord) => j.state === "succeeded" || j.state === "failed" || j.state === "cancelled";

/** Seconds from start (or creation) to end (or now), for display. */
export function jobSeconds(j: JobRecord, now = Date.now()): number {
  const from = Date.parse(j.started ?? j.created);
  const to = j.finished ? Date.parse(j.finished) : now;
  return Math.max(0, (to - from) / 1000);
}

/**
 * How far a job is: finished tasks count whole, a task of a running job by its progress line (0 when it
 * has none). A job that ended otherwise (cancelled, failed) counts only the tasks that succeeded: its
 * last progress line may say 3,000/3,000 of a step, not that the job got there.
 */
export function jobFraction(j: JobRecord): number {
  if (j.state === "succeeded") return 1;
  if (j.tasks.length === 0) return 0;
  let done = 0;
  for (const t of j.tasks) {
    if (t.state === "succeeded") done += 1;
    else if (j.state === "running" && t.state === "running" && t.progress && t.progress.total) done += Math.min(1, t.progress.done / t.progress.total);
  }
  return done / j.tasks.length;
}

/** A job as GET /api/jobs lists it: the record and its spec. */
export type ListedJob = JobRecord & { spec?: Record<string, unknown> };

/** What a job does, in a few words from its spec: the t (or p, target size) and seed; a run's subset and samples, or its recipe. */
export function jobWhat(spec: Record<string, unknown> | undefined): string {
  if (!spec) return "";
  const n = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-US") : String(v));
  const seed = spec.seed !== undefined ? `, seed ${n(spec.seed)}` : "";
  const filterWhat = (f: Record<string, unknown>) => {
    const cut = f.fraction !== undefined ? `, top ${n(f.fraction)}` : f.threshold !== undefined ? `, score >= ${n(f.threshold)}` : "";
    return `${f.name}${cut}${f.lid !== undefined ? `, language: ${f.lid}` : ""}`;
  };
  if (spec.kind === "curate" || spec.kind === "balance") {
    const first = spec.filter && typeof spec.filter === "object" ? `${filterWhat(spec.filter as Record<string, unknown>)}, then ` : "";
    const threshold = spec.t !== undefined ? `t = ${n(spec.t)}` : spec.p !== undefined ? `p = ${spec.p}` : spec["target-size"] !== undefined ? `target size ${n(spec["target-size"])}` : "t from the workspace";
    return `${first}${threshold}${seed}${typeof spec.shards === "number" && spec.shards > 1 ? `, ${spec.shards} shards` : ""}`;
  }
  if (spec.kind === "train") {
    if (spec.scale !== undefined) return `DataComp ${spec.scale}${seed}`;
    if (spec.recipe !== undefined) return `MetaCLIP ${String(spec.recipe).replace("metaclip-", "")}${seed}`;
    return `${spec.subset ?? "curated"} pairs of ${spec.workspace}${spec["samples-seen"] !== undefined ? `, ${n(spec["samples-seen"])} samples` : ""}${seed}`;
  }
  if (spec.kind === "eval") return `evaluate ${spec.run}`;
  if (spec.kind === "filter") return filterWhat(spec);
  return "";
}

/** Where a succeeded job's output opens: a run on /evals, a workspace on /distribution; a filtered pool (subset.npy, filtered.parquet) on no page yet. */
export function outputHref(j: JobRecord): string | null {
  if (j.kind === "filter") return null;
  return j.kind === "train" || j.kind === "eval" ? `/evals?sel=${encodeURIComponent(j.out)}` : `/distribution?workspace=${encodeURIComponent(j.out)}`;
}

/** What a job's output is: curate and balance jobs write a workspace, train jobs a run. */
export type OutputKind = "workspace" | "run";

/** Names of the data directory a new job's output would collide with, as the server lists them. */
export interface TakenNames {
  /** Each workspace, with what it holds in words ("curated at t = 40, seed 0"). */
  workspaces: Map<string, string>;
  /** Each run at the top of the data directory (an output name is one folder name), in words. */
  runs: Map<string, string>;
  /** Outputs of queued and running jobs. */
  live: Map<string, { id: string; state: JobRecord["state"] }>;
}

const workspaceWords = (w: WorkspaceSummary) =>
  w.t === null ? "matched, not balanced" : `curated at t = ${w.t}, seed ${w.seed ?? 0}${w.rowsKept !== null ? `, ${w.rowsKept.toLocaleString("en-US")} rows kept` : ""}`;
const runWords = ({ curation: c }: EvalRun) =>
  c.workspace ? `trained on ${c.workspace}'s ${c.subset ? `${c.subset} ` : ""}pairs` : "no curation recorded";

async function getJson<T>(url: string, what: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw await httpError(res, what);
  return (await res.json()) as T;
}

export async function fetchTakenNames(): Promise<TakenNames> {
  const [ws, evals, jobs] = await Promise.all([
    getJson<{ workspaces: WorkspaceSummary[] }>("/api/workspaces", "workspaces"),
    getJson<{ runs: EvalRun[] }>("/api/evals", "runs"),
    getJson<{ jobs: JobRecord[] }>("/api/jobs", "jobs"),
  ]);
  return {
    workspaces: new Map(ws.workspaces.map((w) => [w.name, workspaceWords(w)])),
    runs: new Map(evals.runs.filter((r) => !r.id.includes("/")).map((r) => [r.id, runWords(r)])),
    live: new Map(jobs.jobs.filter((j) => !isFinished(j)).map((j) => [j.out, { id: j.id, state: j.state }])),
  };
}

/**
 * Whether a job writing `writes` may use `name` (the server's rules, checked as the user types):
 * free; taken by the same kind (replaceable once the user confirms); or refused (a live job writes
 * it, or it holds the other kind: a run never replaces a workspace nor the reverse).
 */
export type OutputNameStatus =
  | { status: "free" }
  | { status: "taken"; holds: OutputKind; what: string }
  | { status: "refused"; reason: string };

export function outputNameStatus(name: string, writes: OutputKind, taken: TakenNames): OutputNameStatus {
  const live = taken.live.get(name);
  if (live) return { status: "refused", reason: `job ${live.id} (${live.state}) is already writing ${name}; wait for it or cancel it, or choose another name` };
  const workspace = taken.workspaces.get(name);
  const run = taken.runs.get(name);
  if (workspace !== undefined && writes === "run") return { status: "refused", reason: `${name} is a workspace (${workspace}); a run never replaces a workspace, so choose another name` };
  if (run !== undefined && writes === "workspace") return { status: "refused", reason: `${name} is a training run (${run}); a workspace never replaces a run, so choose another name` };
  if (workspace !== undefined) return { status: "taken", holds: "workspace", what: workspace };
  if (run !== undefined) return { status: "taken", holds: "run", what: run };
  return { status: "free" };
}
