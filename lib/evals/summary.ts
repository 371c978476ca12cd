/**
 * A run's headline numbers, as `metacurate evals summary` prints them and the evals page shows them:
 * DataComp's five aggregates, each with the number of tasks it is based on (null when incomplete), the
 * main metric of every task outside DataComp's 38 (ours), and the run's problems. Isomorphic.
 */
import { aggregates, type Aggregate } from "./results";
import type { EvalRun } from "./run";
import { AGGREGATE_GROUPS, type AggregateName } from "./tasks";

export const AGGREGATE_NAMES = Object.keys(AGGREGATE_GROUPS) as AggregateName[];
export const AGGREGATE_LABELS: Record<AggregateName, string> = {
  imagenet: "ImageNet", imagenet_dist_shifts: "IN dist. shifts", vtab: "VTAB", retrieval: "Retrieval", average: "Average (38)",
};

export interface RunSummary {
  run: string;
  imagenet: number | null;
  imagenet_dist_shifts: number | null;
  vtab: number | null;
  retrieval: number | null;
  average: number | null;
  /** Tasks each aggregate is based on (it is null unless all `of` are there). */
  tasks: Record<AggregateName, number>;
  of: Record<AggregateName, number>;
  missing: Record<AggregateName, string[]>;
  /** Main metrics of tasks that are not DataComp's (e.g. the embedded trainer's Fashion-MNIST). */
  other_tasks: Record<string, number | null>;
  problems: { file: string; line: number | null; message: string }[];
}

export function summarize(run: EvalRun): RunSummary {
  const a = aggregates(run.results);
  const pick = <T>(f: (x: Aggregate) => T) => Object.fromEntries(AGGREGATE_NAMES.map((n) => [n, f(a[n])])) as Record<AggregateName, T>;
  // FairFace and UTKFace are DataComp's too, scored by no main metric
  const datacomp = new Set<string>([...AGGREGATE_GROUPS.average, "FairFace", "UTKFace"]);
  return {
    run: run.id,
    imagenet: a.imagenet.value, imagenet_dist_shifts: a.imagenet_dist_shifts.value, vtab: a.vtab.value, retrieval: a.retrieval.value, average: a.average.value,
    tasks: pick((x) => x.tasks), of: pick((x) => x.of), missing: pick((x) => x.missing),
    other_tasks: Object.fromEntries(run.results.filter((r) => !datacomp.has(r.dataset)).map((r) => [r.dataset, r.main])),
    problems: run.problems,
  };
}

/** Three decimals, as DataComp prints them; an incomplete aggregate shows its task count instead. */
export function formatAggregate(value: number | null, tasks: number, of: number): string {
  return value !== null ? value.toFixed(3) : `– (${tasks}/${of})`;
}

/**
 * The text table of `metacurate evals summary`: DataComp's aggregates when any run has a DataComp task,
 * and a column for each other task (the embedded trainer's), then the runs' notes.
 */
export function summaryTable(summaries: RunSummary[]): string {
  const anyDatacomp = summaries.some((s) => s.tasks.average > 0);
  const others = [...new Set(summaries.flatMap((s) => Object.keys(s.other_tasks)))];
  const aggs = anyDatacomp || others.length === 0 ? AGGREGATE_NAMES : [];
  const head = ["run", ...aggs.map((n) => AGGREGATE_LABELS[n]), ...others];
  const rows = summaries.map((s) => [s.run, ...aggs.map((n) => formatAggregate(s[n], s.tasks[n], s.of[n])),
    ...others.map((d) => (d in s.other_tasks ? (s.other_tasks[d] === null ? "n/a" : s.other_tasks[d]!.toFixed(3)) : "–"))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  const lines = [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
  const notes: string[] = [];
  if (!aggs.length) notes.push("no run has a DataComp task: the aggregates (ImageNet … Average over 38) are left out");
  for (const s of summaries) {
    if (aggs.length && s.average === null && s.tasks.average > 0) notes.push(`${s.run}: Average is incomplete, ${s.of.average - s.tasks.average} of 38 tasks missing (${s.missing.average.slice(0, 5).join(", ")}${s.missing.average.length > 5 ? ", …" : ""})`);
    for (const p of s.problems) notes.push(`${s.run}: ${p.file}${p.line !== null ? ` line ${p.line}` : ""}: ${p.message}`);
  }
  if (notes.length) lines.push("", ...notes);
  return lines.join("\n") + "\n";
}
