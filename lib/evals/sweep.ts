/**
 * t sweeps: runs that differ only in t (and in seeds). Runs are grouped by what else shapes a result —
 * the pool and metadata (metadata hash, else workspace), the trainer (kind, scale, model) and the samples
 * seen (to two significant figures: the embedded trainer rounds them to whole batches) — and a group with
 * two or more values of t is a sweep. Its runs without t (raw, matched) are its baselines. Isomorphic.
 */
import { metricValue, type MetricId } from "./metrics";
import type { EvalRun } from "./run";

export interface SweepPoint {
  run: string;
  t: number;
  /** Training seed, and balance seed when the run records one. */
  seed: number | null;
  value: number;
}

export interface SweepMean {
  t: number;
  mean: number;
  /** Sample standard deviation over the seeds (null with one seed). */
  sd: number | null;
  n: number;
}

export interface Sweep {
  key: string;
  label: string;
  points: SweepPoint[];
  means: SweepMean[];
  /** Runs of the group without t (raw, matched pool): the mean of each subset. */
  baselines: { subset: string; mean: number; n: number }[];
}

const twoFigures = (x: number | null) => (x === null ? "?" : Number(x.toPrecision(2)));

export function groupKey(run: EvalRun): string {
  const c = run.curation, tr = run.training;
  return JSON.stringify([c.metadataHash ?? c.servedWorkspace ?? c.workspace, tr.kind, tr.scale, tr.model, twoFigures(tr.samplesSeen)]);
}

function meanSd(xs: number[]): { mean: number; sd: number | null } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, sd: null };
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
}

export function tSweeps(runs: readonly EvalRun[], metric: MetricId): Sweep[] {
  const groups = new Map<string, EvalRun[]>();
  for (const r of runs) {
    const k = groupKey(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Sweep[] = [];
  for (const [key, members] of groups) {
    const points: SweepPoint[] = [];
    const base = new Map<string, number[]>();
    for (const r of members) {
      const value = metricValue(r, metric);
      if (value === null) continue;
      if (r.curation.t !== null) points.push({ run: r.id, t: r.curation.t, seed: r.training.seed, value });
      else if (r.curation.subset) base.set(r.curation.subset, [...(base.get(r.curation.subset) ?? []), value]);
    }
    const ts = [...new Set(points.map((p) => p.t))].sort((a, b) => a - b);
    if (ts.length < 2) continue;
    points.sort((a, b) => a.t - b.t || (a.seed ?? 0) - (b.seed ?? 0));
    const means = ts.map((t) => {
      const xs = points.filter((p) => p.t === t).map((p) => p.value);
      return { t, ...meanSd(xs), n: xs.length };
    });
    const first = members[0];
    const tr = first.training;
    const label = [first.curation.servedWorkspace ?? first.curation.workspace ?? "?", tr.scale ?? tr.model ?? tr.kind ?? "", tr.samplesSeen !== null ? `${tr.samplesSeen.toLocaleString("en")} seen` : ""].filter(Boolean).join(" · ");
    out.push({ key, label, points, means, baselines: [...base].map(([subset, xs]) => ({ subset, mean: meanSd(xs).mean, n: xs.length })) });
  }
  return out.sort((a, b) => b.points.length - a.points.length);
}
