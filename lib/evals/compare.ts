/**
 * Comparing two runs' curations: which is the reference (A) — the one the user pins, else the less
 * curated (raw pool, then matched, then the larger t), so the comparison reads the same whichever run
 * was ticked first — and whether a difference is beyond noise: the spread over seeds where the runs'
 * conditions were run with several seeds, else DataComp's published band, else no estimate. Isomorphic.
 */
import { metricValue, noiseBand, type MetricId } from "./metrics";
import { experiments } from "./repeats";
import type { EvalRun } from "./run";
import { groupKey } from "./sweep";

/** 0 for the raw pool, 1 for the matched pool, then more the smaller t; half a step more for a filtered pool; unknown curations last. */
export function curationStrength(run: EvalRun): number {
  const c = run.curation;
  const filtered = c.poolFilter ? 0.5 : 0;
  if (c.subset === "raw") return filtered;
  if (c.subset === "matched") return 1 + filtered;
  if (c.t !== null) return 2 + 1 / Math.max(1, c.t) + filtered;
  return 4;
}

const NATURAL = new Intl.Collator("en", { numeric: true });

/** [reference, other]: the pinned run when it is one of the two, else the less curated (ties by id). */
export function orderForComparison(x: EvalRun, y: EvalRun, pinned: string | null): [EvalRun, EvalRun] {
  if (pinned === y.id) return [y, x];
  if (pinned === x.id) return [x, y];
  const d = curationStrength(x) - curationStrength(y);
  return d < 0 || (d === 0 && NATURAL.compare(x.id, y.id) <= 0) ? [x, y] : [y, x];
}

/** The same condition as `run` run with other seeds: the same pool, trainer, samples seen, subset and t (repeats once). */
function seedMates(run: EvalRun, runs: readonly EvalRun[]): EvalRun[] {
  const key = groupKey(run);
  return experiments(runs).map((e) => e.run).filter((r) => groupKey(r) === key && r.curation.subset === run.curation.subset && r.curation.t === run.curation.t);
}

/** Sample sd of the metric over the condition's seeds, with their number (sd null under two seeds). */
export function seedSpread(run: EvalRun, runs: readonly EvalRun[], metric: MetricId): { sd: number | null; n: number } {
  const xs = seedMates(run, runs).map((r) => metricValue(r, metric)).filter((v): v is number => v !== null);
  if (xs.length < 2) return { sd: null, n: xs.length };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)), n: xs.length };
}

export type Verdict =
  | { kind: "seeds"; beyond: boolean; threshold: number; nA: number; nB: number }
  | { kind: "band"; beyond: boolean; band: number }
  | { kind: "none" };

/**
 * Is B − A beyond noise? With seeds on either side: |Δ| > 2·σ, σ the sd of a difference of two single
 * runs, √(sd_A² + sd_B²) (a side with one seed borrows the other's sd). Else DataComp's band. Else none.
 */
export function noiseVerdict(a: EvalRun, b: EvalRun, runs: readonly EvalRun[], metric: MetricId): Verdict {
  const va = metricValue(a, metric), vb = metricValue(b, metric);
  if (va === null || vb === null) return { kind: "none" };
  const delta = Math.abs(vb - va);
  const sa = seedSpread(a, runs, metric), sb = seedSpread(b, runs, metric);
  if (sa.sd !== null || sb.sd !== null) {
    const sdA = sa.sd ?? (sb.sd as number), sdB = sb.sd ?? (sa.sd as number);
    const threshold = 2 * Math.sqrt(sdA ** 2 + sdB ** 2);
    return { kind: "seeds", beyond: delta > threshold, threshold, nA: sa.n, nB: sb.n };
  }
  const band = noiseBand(metric);
  return band !== null ? { kind: "band", beyond: delta > band, band } : { kind: "none" };
}
