/**
 * Repeats: a run whose curation (the pairs' hash: pool, metadata, subset, t, draw seed; for a run that
 * predates it, the workspace manifest's hash) and training (kind, scale, model, seed, samples seen)
 * equal another's is the same experiment run again — a rerun from the dashboard, a copied folder — not
 * a new seed. Charts and counts take each experiment once; the table says which runs repeat which. A
 * run that records neither hash, or no training seed, is never taken for a repeat. Isomorphic.
 */
import type { EvalRun } from "./run";

/** The keys that make a run the same experiment as another: one is enough (null: the run is its own experiment). */
export function experimentKeys(run: EvalRun): string[] {
  const c = run.curation, tr = run.training;
  if (tr.seed === null || tr.kind === null) return [];
  const training = JSON.stringify([c.subset, c.t, c.balanceSeed, tr.kind, tr.scale, tr.model, tr.seed, tr.samplesSeen]);
  return [c.curationHash && `pairs:${c.curationHash}`, c.workspaceHash && `manifest:${c.workspaceHash}`].filter((k): k is string => !!k).map((k) => `${k}|${training}`);
}

const NATURAL = new Intl.Collator("en", { numeric: true });

export interface Experiment {
  /** The run that stands for the experiment: the first made (when known), else the first by id. */
  run: EvalRun;
  /** Every run of the experiment, the first among them. */
  runs: EvalRun[];
}

/** The runs grouped by experiment (runs sharing any key), in the order of their first run. */
export function experiments(runs: readonly EvalRun[]): Experiment[] {
  const parent = runs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const owner = new Map<string, number>();
  runs.forEach((r, i) => {
    for (const k of experimentKeys(r)) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else { const [x, y] = [find(i), find(j)]; if (x !== y) parent[Math.max(x, y)] = Math.min(x, y); }
    }
  });
  const groups = new Map<number, EvalRun[]>();
  runs.forEach((r, i) => { const g = find(i); groups.set(g, [...(groups.get(g) ?? []), r]); });
  return [...groups.values()].map((g) => {
    const sorted = [...g].sort((a, b) => (a.madeAt ?? Infinity) - (b.madeAt ?? Infinity) || NATURAL.compare(a.id, b.id));
    return { run: sorted[0], runs: sorted };
  });
}

/** For each run that repeats another: the id of the experiment's original (first made) run. */
export function repeatOf(runs: readonly EvalRun[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of experiments(runs)) for (const r of e.runs.slice(1)) out.set(r.id, e.run.id);
  return out;
}
