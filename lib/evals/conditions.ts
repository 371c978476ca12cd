/**
 * Filtering beside balancing: for runs trained alike (metadata, trainer, samples seen) on one pool and
 * on pools a DataComp filter made from it, each curation's gain over the raw pool — the mean over seeds
 * of (run − mean of the raw runs), with the sd — so a CLIP-score filter, a balance at t and both can be
 * read on one axis. A repeat counts once. Isomorphic.
 */
import { metricValue, type MetricId } from "./metrics";
import { experiments } from "./repeats";
import type { EvalRun, RunCuration } from "./run";

export interface ConditionGain {
  /** What the condition is: its filter (or null), its subset, its t. */
  filter: RunCuration["poolFilter"];
  subset: string | null;
  t: number | null;
  n: number;
  mean: number;
  sd: number | null;
  /** Pairs trained on (the first run's). */
  size: number | null;
}

export interface ConditionSet {
  key: string;
  raw: { mean: number; n: number };
  conditions: ConditionGain[];
}

const twoFigures = (x: number | null) => (x === null ? "?" : Number(x.toPrecision(2)));

/** Runs trained alike, whatever pool (a filter's output or the pool itself) they trained on. */
function trainedAlike(run: EvalRun): string {
  const c = run.curation, tr = run.training;
  return JSON.stringify([c.metadataHash ?? c.servedWorkspace ?? c.workspace, tr.kind, tr.scale, tr.model, twoFigures(tr.samplesSeen)]);
}

function meanSd(xs: number[]): { mean: number; sd: number | null } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, sd: xs.length < 2 ? null : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
}

/** Sets with a raw baseline and at least one filtered condition, their conditions by gain, largest first. */
export function conditionGains(runs: readonly EvalRun[], metric: MetricId): ConditionSet[] {
  const groups = new Map<string, EvalRun[]>();
  for (const e of experiments(runs)) groups.set(trainedAlike(e.run), [...(groups.get(trainedAlike(e.run)) ?? []), e.run]);
  const out: ConditionSet[] = [];
  for (const [key, members] of groups) {
    if (!members.some((r) => r.curation.poolFilter)) continue;
    const valued = members.map((r) => ({ r, v: metricValue(r, metric) })).filter((x): x is { r: EvalRun; v: number } => x.v !== null);
    const raw = valued.filter((x) => x.r.curation.subset === "raw" && !x.r.curation.poolFilter).map((x) => x.v);
    if (raw.length === 0) continue;
    const rawMean = meanSd(raw).mean;
    const byCondition = new Map<string, { r: EvalRun; v: number }[]>();
    for (const x of valued) {
      const c = x.r.curation;
      if (c.subset === "raw" && !c.poolFilter) continue;
      const k = JSON.stringify([c.poolFilter, c.subset, c.t]);
      byCondition.set(k, [...(byCondition.get(k) ?? []), x]);
    }
    const conditions = [...byCondition.values()].map((xs) => {
      const c = xs[0].r.curation;
      return { filter: c.poolFilter, subset: c.subset, t: c.t, n: xs.length, ...meanSd(xs.map((x) => x.v - rawMean)), size: c.subsetSize };
    }).sort((a, b) => b.mean - a.mean);
    out.push({ key, raw: { mean: rawMean, n: raw.length }, conditions });
  }
  return out;
}
