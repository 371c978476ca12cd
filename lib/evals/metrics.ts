/**
 * What a chart can plot for a run: one of DataComp's aggregates (only when complete), a task's main
 * metric, or another metric of a task (the embedded trainer's head and tail accuracy). Plus DataComp's
 * noise bands: changing the seed moves ImageNet by about 0.2 pp and the Average by up to 0.006
 * (datacomp-formats.md §6.6). Isomorphic.
 */
import { aggregates } from "./results";
import type { EvalRun } from "./run";
import { AGGREGATE_LABELS, AGGREGATE_NAMES } from "./summary";
import type { AggregateName } from "./tasks";

/** "agg:imagenet", "task:Fashion-MNIST" (its main metric) or "task:Fashion-MNIST:acc_tail". */
export type MetricId = string;

export interface MetricOption {
  id: MetricId;
  label: string;
}

const SUB_METRICS: Record<string, string> = { acc_head: "head accuracy", acc_tail: "tail accuracy", acc1: "top-1", mean_per_class_recall: "mean per-class recall" };

/** Aggregates by run, computed once per run object (charts ask for them many times). */
const cache = new WeakMap<EvalRun, ReturnType<typeof aggregates>>();
export function runAggregates(run: EvalRun): ReturnType<typeof aggregates> {
  let a = cache.get(run);
  if (!a) { a = aggregates(run.results); cache.set(run, a); }
  return a;
}

export function metricValue(run: EvalRun, id: MetricId): number | null {
  if (id.startsWith("agg:")) return runAggregates(run)[id.slice(4) as AggregateName]?.value ?? null;
  if (!id.startsWith("task:")) return null;
  const rest = id.slice(5);
  const direct = run.results.find((r) => r.dataset === rest);
  if (direct) return direct.main;
  const cut = rest.lastIndexOf(":");
  if (cut < 0) return null;
  const r = run.results.find((x) => x.dataset === rest.slice(0, cut));
  const v = r?.metrics[rest.slice(cut + 1)];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export function metricLabel(id: MetricId): string {
  if (id.startsWith("agg:")) return AGGREGATE_LABELS[id.slice(4) as AggregateName] ?? id;
  const rest = id.slice(5);
  const cut = rest.lastIndexOf(":");
  const sub = cut >= 0 ? rest.slice(cut + 1) : "";
  return sub in SUB_METRICS ? `${rest.slice(0, cut)} ${SUB_METRICS[sub]}` : rest;
}

/** Every metric some run has a value for: complete aggregates first, then tasks (most runs first), then head/tail. */
export function metricOptions(runs: readonly EvalRun[]): MetricOption[] {
  const out: MetricOption[] = [];
  for (const n of AGGREGATE_NAMES) if (runs.some((r) => runAggregates(r)[n].value !== null)) out.push({ id: `agg:${n}`, label: AGGREGATE_LABELS[n] });
  const tasks = new Map<string, number>();
  const subs = new Set<string>();
  for (const run of runs) for (const r of run.results) {
    if (r.main !== null) tasks.set(r.dataset, (tasks.get(r.dataset) ?? 0) + 1);
    for (const k of Object.keys(SUB_METRICS)) if (k.startsWith("acc_") && k !== "acc1" && typeof r.metrics[k] === "number") subs.add(`task:${r.dataset}:${k}`);
  }
  for (const [d] of [...tasks].sort((a, b) => b[1] - a[1])) out.push({ id: `task:${d}`, label: d });
  for (const id of [...subs].sort()) out.push({ id, label: metricLabel(id) });
  return out;
}

/** DataComp's seed-noise half-width for a metric, or null where none is published. */
export function noiseBand(id: MetricId): number | null {
  if (id === "agg:imagenet" || id === "task:ImageNet 1k") return 0.002;
  if (id === "agg:average") return 0.006;
  return null;
}
