"use client";
import type { EvalRun } from "../../lib/evals/run";
import { PlotFigure } from "../charts/PlotFigure";
import { curationLabel } from "./runLabels";

/** For the embedded trainer's runs: accuracy on the head classes against the tail classes, by curation. */
export function HeadTailChart({ runs, selected }: { runs: EvalRun[]; selected: Set<string> }) {
  const rows = runs.flatMap((r) => r.results.filter((x) => typeof x.metrics.acc_head === "number" && typeof x.metrics.acc_tail === "number")
    .map((x) => ({ id: r.id, task: x.dataset, head: x.metrics.acc_head as number, tail: x.metrics.acc_tail as number, curation: curationLabel(r), selected: selected.has(r.id) })));
  if (rows.length === 0) return null;
  const curations = [...new Set(rows.map((r) => r.curation))];
  const key = `${rows.length}|${[...selected].join(",")}`;
  return (
    <section aria-labelledby="h-headtail" className="space-y-1">
      <h3 id="h-headtail" className="text-sm font-semibold">Head vs tail accuracy ({rows[0].task})</h3>
      <p className="text-xs text-zinc-500">The embedded trainer scores the head classes (most pairs in the pool) and the tail apart; balancing should move runs right. Selected runs are ringed.</p>
      <PlotFigure id="head-tail" drawKey={key} label="Head-class accuracy against tail-class accuracy per run" build={(Plot) => Plot.plot({
        width: 620, height: 340, marginLeft: 50, grid: true,
        x: { label: "tail classes: top-1" }, y: { label: "head classes: top-1" },
        color: { legend: true, domain: curations },
        marks: [
          Plot.dot(rows, { x: "tail", y: "head", fill: "curation", r: 4, title: (d: { id: string; head: number; tail: number }) => `${d.id}: head ${d.head.toFixed(3)}, tail ${d.tail.toFixed(3)}` }),
          Plot.dot(rows.filter((r) => r.selected), { x: "tail", y: "head", r: 8, stroke: "currentColor", strokeWidth: 1.5 }),
        ],
      })} />
    </section>
  );
}
