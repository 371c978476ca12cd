"use client";
import type { ReferenceRun } from "../../lib/evals/references";
import { runAggregates } from "../../lib/evals/metrics";
import type { EvalRun } from "../../lib/evals/run";
import { PlotFigure } from "../charts/PlotFigure";

const IN_BAND = 0.002, AVG_BAND = 0.006;

/**
 * ImageNet vs Average over 38 for every run that has both (complete), the papers' runs in other marks;
 * a selected run carries DataComp's noise bands (±0.2 pp ImageNet, ±0.006 Average) as a cross.
 */
export function ImagenetAverageChart({ runs, refs, selected }: { runs: EvalRun[]; refs: readonly ReferenceRun[]; selected: Set<string> }) {
  const mine = runs.map((r) => ({ id: r.id, imagenet: runAggregates(r).imagenet.value, average: runAggregates(r).average.value, selected: selected.has(r.id) }))
    .filter((d): d is { id: string; imagenet: number; average: number; selected: boolean } => d.imagenet !== null && d.average !== null);
  const papers = refs.filter((r) => r.aggregates.imagenet !== undefined && r.aggregates.average !== undefined)
    .map((r) => ({ name: r.name, paper: `${r.source.paper} ${r.source.paper === "DataComp" ? "Table 3" : "Table 8"}`, imagenet: r.aggregates.imagenet!, average: r.aggregates.average!, source: `${r.source.paper} ${r.source.table}: ${r.source.row}` }));
  const chosen = mine.filter((d) => d.selected);
  const key = `${mine.length}|${mine.map((d) => d.id).join(",").length}|${chosen.map((d) => d.id).join(",")}`;
  return (
    <section aria-labelledby="h-scatter" className="space-y-1">
      <h3 id="h-scatter" className="text-sm font-semibold">ImageNet vs Average (38 tasks)</h3>
      <p className="text-xs text-zinc-500" data-testid="scatter-note">
        {mine.length === 0 ? `None of these runs has all 38 DataComp tasks, so only the papers' runs are shown (${papers.length}).`
          : `${mine.length} of ${runs.length} runs have both; the papers' ${papers.length} runs for scale. A selected run shows DataComp's seed-noise bands (±0.2 pp ImageNet, ±0.006 Average).`}
      </p>
      <PlotFigure id="imagenet-average" drawKey={key} label="ImageNet accuracy against the 38-task average, runs and the papers' runs" build={(Plot, width) => Plot.plot({
        width, height: 380, marginLeft: 50, grid: true,
        x: { label: "ImageNet (zero-shot top-1)", domain: [0, 0.85] }, y: { label: "Average over 38 tasks", domain: [0.1, 0.7] },
        color: { legend: true, domain: ["DataComp Table 3", "MetaCLIP Table 8", "your runs"], range: ["#94a3b8", "#f59e0b", "#0284c7"] },
        symbol: { domain: ["DataComp Table 3", "MetaCLIP Table 8", "your runs"], range: ["square", "diamond", "circle"] },
        marks: [
          Plot.dot(papers, { x: "imagenet", y: "average", stroke: "paper", symbol: "paper", r: 4, title: (d: { name: string; source: string }) => `${d.name}\n${d.source}` }),
          Plot.dot(mine, { x: "imagenet", y: "average", fill: () => "your runs", r: 3.5, title: "id" }),
          Plot.ruleY(chosen, { y: "average", x1: (d: { imagenet: number }) => d.imagenet - IN_BAND, x2: (d: { imagenet: number }) => d.imagenet + IN_BAND, stroke: "#dc2626", strokeWidth: 2 }),
          Plot.ruleX(chosen, { x: "imagenet", y1: (d: { average: number }) => d.average - AVG_BAND, y2: (d: { average: number }) => d.average + AVG_BAND, stroke: "#dc2626", strokeWidth: 2 }),
          Plot.text(chosen, { x: "imagenet", y: "average", text: "id", dx: 8, textAnchor: "start", fontSize: 10 }),
        ],
      })} />
    </section>
  );
}
