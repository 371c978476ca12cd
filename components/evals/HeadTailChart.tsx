"use client";
import { experiments } from "../../lib/evals/repeats";
import type { EvalRun } from "../../lib/evals/run";
import { PlotFigure } from "../charts/PlotFigure";
import { curationLabel } from "./runLabels";

type Kind = "balanced (colour: t)" | "worldwide, balanced (colour: English's t)" | "matched" | "raw pool" | "filtered (DataComp)" | "filtered, then balanced";
interface Row { id: string; task: string; head: number; tail: number; t: number | null; kind: Kind; label: string; runs: number; selected: boolean }

/** One colour per t, in order, from YlGnBu's light end to a mid blue: its palest steps vanish on white, its darkest on black. */
function tColors(Plot: typeof import("@observablehq/plot"), n: number): string[] {
  const ramp = Plot.scale({ color: { type: "linear", scheme: "YlGnBu", domain: [0, 1] } });
  return Array.from({ length: n }, (_, i) => String(ramp.apply(n === 1 ? 0.6 : 0.3 + (0.55 * i) / (n - 1))));
}

const key = (r: Row) => `${r.tail.toFixed(4)}|${r.head.toFixed(4)}`;

/**
 * For the embedded trainer's runs: accuracy on the head classes against the tail classes. Balanced
 * runs are coloured by t on an ordered (log) scale; raw and matched runs are marks of their own.
 * A repeat of an experiment is one mark; marks at the same spot say how many they are.
 */
export function HeadTailChart({ runs, selected }: { runs: EvalRun[]; selected: Set<string> }) {
  const rows: Row[] = experiments(runs).flatMap((e) => {
    const r = e.run;
    return r.results.filter((x) => typeof x.metrics.acc_head === "number" && typeof x.metrics.acc_tail === "number").map((x) => ({
      id: r.id, task: x.dataset, head: x.metrics.acc_head as number, tail: x.metrics.acc_tail as number, t: r.curation.t,
      kind: (r.curation.poolFilter ? (r.curation.t !== null ? "filtered, then balanced" : "filtered (DataComp)")
        : r.curation.t !== null ? (r.curation.languages ? "worldwide, balanced (colour: English's t)" : "balanced (colour: t)") : r.curation.subset === "matched" ? "matched" : "raw pool") as Kind,
      label: curationLabel(r), runs: e.runs.length, selected: e.runs.some((x) => selected.has(x.id)),
    }));
  });
  if (rows.length === 0) return null;
  // coloured by t: balanced runs, MetaCLIP's or worldwide (their own symbol, so the two at one t are told apart)
  const isBalanced = (r: Row) => r.kind === "balanced (colour: t)" || r.kind === "worldwide, balanced (colour: English's t)";
  const balanced = rows.filter(isBalanced), unbalanced = rows.filter((r) => !isBalanced(r));
  // marks that would hide one another: one sign per spot, with how many runs are there
  const spots = new Map<string, Row[]>();
  for (const r of rows) spots.set(key(r), [...(spots.get(key(r)) ?? []), r]);
  const stacked = [...spots.values()].map((rs) => ({ ...rs[0], n: rs.reduce((a, r) => a + r.runs, 0), all: rs.map((r) => `${r.id} (${r.label}${r.runs > 1 ? `, ${r.runs} runs` : ""})`).join("\n") })).filter((s) => s.n > 1);
  const ts = [...new Set(balanced.map((r) => r.t as number))].sort((a, b) => a - b);
  const ALL: Kind[] = ["balanced (colour: t)", "worldwide, balanced (colour: English's t)", "matched", "raw pool", "filtered (DataComp)", "filtered, then balanced"];
  const SYMBOLS = ["circle", "cross", "diamond", "square", "triangle", "star"];
  const present = ALL.filter((k) => rows.some((r) => r.kind === k));
  const drawKey = `${rows.length}|${[...selected].join(",")}|${stacked.length}`;
  return (
    <section aria-labelledby="h-headtail" className="space-y-1">
      <h3 id="h-headtail" className="text-sm font-semibold">Head vs tail accuracy ({rows[0].task})</h3>
      <p className="text-xs text-zinc-500" data-testid="head-tail-note">
        The embedded trainer scores the head classes (the more frequent half in the pool) and the tail apart; balancing should move runs right.
        Balanced runs are coloured by t (light: small t, strong balancing); raw, matched and DataComp-filtered runs are their own marks. Selected runs are ringed.
        {stacked.length > 0 ? ` ${stacked.length} spot${stacked.length === 1 ? " holds" : "s hold"} more than one run: the number beside it says how many.` : ""}
      </p>
      <PlotFigure id="head-tail" drawKey={drawKey} label="Head-class accuracy against tail-class accuracy per run" build={(Plot, width) => Plot.plot({
        width, height: 360, marginLeft: 50, marginRight: 24, marginTop: 24, grid: true,
        // one run alone makes a domain of one point: its ticks would print 0.599000
        x: { label: "tail classes: top-1", inset: 18, nice: true, tickFormat: ".3~f" }, y: { label: "head classes: top-1", inset: 18, nice: true, tickFormat: ".3~f" },
        // t is ordered: one step of a sequential scheme per t, light (small t, strong balancing) to dark (large t)
        color: { type: "ordinal", domain: ts, range: tColors(Plot, ts.length), legend: balanced.length > 0, label: "t", tickFormat: (d: number) => `t = ${d.toLocaleString("en-US")}` },
        symbol: { legend: true, domain: present, range: present.map((k) => SYMBOLS[ALL.indexOf(k)]) },
        marks: [
          Plot.dot(unbalanced, { x: "tail", y: "head", symbol: "kind", r: 6, stroke: "currentColor", strokeWidth: 1.5, fill: "var(--chart-halo)",
            title: (d: Row) => `${d.id} (${d.label}): head ${d.head.toFixed(3)}, tail ${d.tail.toFixed(3)}${d.runs > 1 ? `, ${d.runs} runs of one experiment` : ""}` }),
          Plot.dot(balanced, { x: "tail", y: "head", symbol: "kind", fill: "t", r: 5, stroke: "currentColor", strokeWidth: 0.75,
            title: (d: Row) => `${d.id} (${d.label}): head ${d.head.toFixed(3)}, tail ${d.tail.toFixed(3)}${d.runs > 1 ? `, ${d.runs} runs of one experiment` : ""}` }),
          Plot.dot(rows.filter((r) => r.selected), { x: "tail", y: "head", r: 10, stroke: "currentColor", strokeWidth: 1.5 }),
          Plot.text(stacked, { x: "tail", y: "head", text: (d: { n: number }) => `×${d.n}`, title: (d: { all: string }) => d.all, dx: 10, dy: -9, fontSize: 10, fill: "currentColor", stroke: "var(--chart-halo)", strokeWidth: 3, paintOrder: "stroke" }),
        ],
      })} />
    </section>
  );
}
