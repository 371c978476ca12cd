"use client";
import type { EvalRun } from "../../lib/evals/run";
import { PlotFigure } from "../charts/PlotFigure";
import { curationLabel } from "./runLabels";

interface Point { lang: string; condition: string; acc: number; run: string }
interface Bar { lang: string; condition: string; mean: number; runs: number }

/** A run's zero-shot top-1 per language: acc1 is English's prompts, acc1:LANG each other language's. */
function languageScores(run: EvalRun): { task: string; scores: Map<string, number> } | null {
  for (const r of run.results) {
    const langs = Object.keys(r.metrics).filter((k) => k.startsWith("acc1:"));
    if (langs.length === 0 || typeof r.metrics.acc1 !== "number") continue;
    const scores = new Map<string, number>([["en", r.metrics.acc1]]);
    for (const k of langs) if (typeof r.metrics[k] === "number") scores.set(k.slice(5), r.metrics[k] as number);
    return { task: r.dataset, scores };
  }
  return null;
}

/**
 * The worldwide experiment's runs (metacurate demo --worldwide --experiment): zero-shot top-1 with each
 * language's prompts, one bar per curation (the mean over its runs, seeds as dots), grouped by language:
 * English-only curation against worldwide curation at equal samples seen.
 */
export function LanguageChart({ runs }: { runs: EvalRun[] }) {
  const points: Point[] = [];
  let task = "";
  for (const run of runs) {
    const s = languageScores(run);
    if (!s) continue;
    task = s.task;
    const condition = `${run.curation.workspace ?? "?"}: ${curationLabel(run)}`;
    for (const [lang, acc] of s.scores) points.push({ lang, condition, acc, run: run.id });
  }
  if (points.length === 0) return null;
  const bars: Bar[] = [];
  for (const p of points) {
    const b = bars.find((x) => x.lang === p.lang && x.condition === p.condition);
    if (b) { b.mean += p.acc; b.runs++; } else bars.push({ lang: p.lang, condition: p.condition, mean: p.acc, runs: 1 });
  }
  for (const b of bars) b.mean /= b.runs;
  const conditions = [...new Set(bars.map((b) => b.condition))].sort();
  const langs = [...new Set(bars.map((b) => b.lang))].sort((a, b) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b)));
  return (
    <section aria-labelledby="h-languages" className="space-y-1" data-testid="language-chart" data-conditions={conditions.length} data-languages={langs.join(",")}>
      <h3 id="h-languages" className="text-sm font-semibold">Zero-shot top-1 per language ({task})</h3>
      <p className="text-xs text-zinc-500">
        Runs whose eval scored each language&apos;s prompts (acc1:LANG): bars are the mean over a curation&apos;s runs (seeds), dots the runs.
        Worldwide curation keeps each language&apos;s captions by its own list and t; English-only curation keeps what English&apos;s list matches.
      </p>
      <PlotFigure id="languages" drawKey={`${points.length}|${conditions.join(",")}`} label="Zero-shot top-1 per language and curation" build={(Plot, width) => Plot.plot({
        width, height: 320, marginLeft: 50, marginBottom: 40, grid: true,
        fx: { label: "language of the prompts", domain: langs },
        x: { axis: null, domain: conditions },
        y: { label: "zero-shot top-1", domain: [0, 1] },
        color: { legend: true, domain: conditions },
        marks: [
          Plot.barY(bars, { fx: "lang", x: "condition", y: "mean", fill: "condition", title: (d: Bar) => `${d.lang}, ${d.condition}: ${(100 * d.mean).toFixed(1)}% (mean of ${d.runs})` }),
          Plot.dot(points, { fx: "lang", x: "condition", y: "acc", r: 2.5, fill: "currentColor", title: (d: Point) => `${d.run}: ${(100 * d.acc).toFixed(1)}%` }),
          Plot.ruleY([0]),
        ],
      })} />
    </section>
  );
}
