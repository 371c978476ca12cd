import type { EvalRun } from "../../lib/evals/run";

/** The DataComp filter a run's pool went through, in a few words: "clip_score top 30%", "basic_filter". */
export function filterLabel(f: NonNullable<EvalRun["curation"]["poolFilter"]>): string {
  const cut = f.fraction !== null ? ` top ${Math.round(f.fraction * 1000) / 10}%` : f.threshold !== null ? ` ≥ ${f.threshold}` : "";
  return `${f.name}${cut}`;
}

/** How a run was curated, in a few words: "curated t = 40", "raw pool", "matched", "clip_score top 30%, then t = 51". */
export function curationLabel(run: EvalRun): string {
  const c = run.curation;
  if (c.poolFilter) return `${filterLabel(c.poolFilter)}${c.subset === "matched" ? ", matched" : c.t !== null ? `, then t = ${c.t.toLocaleString("en-US")}` : ""}`;
  if (c.subset === "raw") return "raw pool";
  if (c.subset === "matched") return "matched";
  if (c.t !== null) return `${c.languages ? "worldwide, English's " : ""}t = ${c.t.toLocaleString("en-US")}`;
  return c.subset ?? "–";
}

export function trainingLabel(run: EvalRun): string {
  const tr = run.training;
  if (tr.kind === "datacomp") return `DataComp ${tr.scale ?? ""}`.trim();
  if (tr.kind === "open_clip") return `open_clip ${tr.model ?? ""}`.trim();
  if (tr.kind === "embedded") return `tiny CLIP (${tr.model ?? "?"})`;
  return "–";
}

/** The /distribution link of a run's curation: its served workspace at its t. */
export function distributionHref(run: EvalRun): string | null {
  const ws = run.curation.servedWorkspace;
  if (!ws) return null;
  const q = new URLSearchParams({ workspace: ws });
  if (run.curation.t !== null) q.set("t", String(run.curation.t));
  if (run.curation.balanceSeed !== null) q.set("seed", String(run.curation.balanceSeed));
  return `/distribution?${q}`;
}

/** A curation condition (a filter, a subset, a t) in a few words, as curationLabel words a run's. */
export function conditionLabel(c: { filter: EvalRun["curation"]["poolFilter"]; subset: string | null; t: number | null }): string {
  if (c.filter) return `${filterLabel(c.filter)}${c.subset === "matched" ? ", matched" : c.t !== null ? `, then t = ${c.t.toLocaleString("en-US")}` : ""}`;
  if (c.subset === "matched") return "matched";
  if (c.t !== null) return `t = ${c.t.toLocaleString("en-US")}`;
  return c.subset ?? "–";
}
