/**
 * t sweeps: runs that differ only in t (and in seeds). Runs are grouped by what else shapes a result —
 * the metadata (its hash, else the workspace) and the pool (its files' hash, where the run records it), the trainer (kind, scale, model) and the samples
 * seen (to two significant figures: the embedded trainer rounds them to whole batches) — and a group with
 * two or more values of t is a sweep. Its runs without t (raw, matched) are its baselines. A repeat of
 * an experiment (repeats.ts) counts once: its value is the mean of its runs'. Isomorphic.
 */
import { metricValue, type MetricId } from "./metrics";
import { experiments } from "./repeats";
import type { EvalRun } from "./run";

export interface SweepPoint {
  run: string;
  t: number;
  /** Training seed, and balance seed when the run records one. */
  seed: number | null;
  value: number;
  /** Runs of the same experiment beyond the first (reruns): not counted again. */
  repeats: number;
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
  /** Each t's gain over the raw baseline's mean: mean ± sd over the seeds at t (empty without a raw baseline). */
  gains: { t: number; mean: number; sd: number | null; n: number }[];
  /** Runs left out as repeats of another run's experiment. */
  repeats: number;
}

const twoFigures = (x: number | null) => (x === null ? "?" : Number(x.toPrecision(2)));

export function groupKey(run: EvalRun): string {
  const c = run.curation, tr = run.training;
  return JSON.stringify([c.metadataHash ?? c.servedWorkspace ?? c.workspace, c.poolHash, tr.kind, tr.scale, tr.model, twoFigures(tr.samplesSeen)]);
}

function meanSd(xs: number[]): { mean: number; sd: number | null } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, sd: null };
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
}

export function tSweeps(runs: readonly EvalRun[], metric: MetricId): Sweep[] {
  const groups = new Map<string, EvalRun[][]>();
  for (const e of experiments(runs)) {
    const k = groupKey(e.run);
    groups.set(k, [...(groups.get(k) ?? []), e.runs]);
  }
  const out: Sweep[] = [];
  for (const [key, members] of groups) {
    const points: SweepPoint[] = [];
    const base = new Map<string, number[]>();
    let repeats = 0;
    for (const runsOfOne of members) {
      const values = runsOfOne.map((r) => metricValue(r, metric)).filter((v): v is number => v !== null);
      if (values.length === 0) continue;
      const r = runsOfOne[0], value = meanSd(values).mean;
      repeats += runsOfOne.length - 1;
      if (r.curation.t !== null) points.push({ run: r.id, t: r.curation.t, seed: r.training.seed, value, repeats: runsOfOne.length - 1 });
      else if (r.curation.subset) base.set(r.curation.subset, [...(base.get(r.curation.subset) ?? []), value]);
    }
    const ts = [...new Set(points.map((p) => p.t))].sort((a, b) => a - b);
    if (ts.length < 2) continue;
    points.sort((a, b) => a.t - b.t || (a.seed ?? 0) - (b.seed ?? 0));
    const atT = (t: number) => points.filter((p) => p.t === t).map((p) => p.value);
    const means = ts.map((t) => ({ t, ...meanSd(atT(t)), n: atT(t).length }));
    const baselines = [...base].map(([subset, xs]) => ({ subset, mean: meanSd(xs).mean, n: xs.length }));
    const raw = baselines.find((b) => b.subset === "raw");
    const gains = raw ? ts.map((t) => ({ t, ...meanSd(atT(t).map((v) => v - raw.mean)), n: atT(t).length })) : [];
    out.push({ key, label: sweepLabel(members.map((m) => m[0])), points, means, baselines, gains, repeats });
  }
  return out.sort((a, b) => b.points.length - a.points.length);
}

/** The pool the sweep curated (the workspace its raw and matched runs trained on, else its most common one), the trainer, the samples seen. */
function sweepLabel(members: EvalRun[]): string {
  const name = (r: EvalRun) => r.curation.servedWorkspace ?? r.curation.workspace ?? "?";
  const unbalanced = members.filter((r) => r.curation.t === null);
  const pool = unbalanced.length ? unbalanced : members;
  const tally = new Map<string, number>();
  for (const r of pool) tally.set(name(r), (tally.get(name(r)) ?? 0) + 1);
  const workspace = [...tally].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const tr = members[0].training;
  return [workspace, tr.scale ?? tr.model ?? tr.kind ?? "", tr.samplesSeen !== null ? `${tr.samplesSeen.toLocaleString("en-US")} seen` : ""].filter(Boolean).join(" · ");
}
