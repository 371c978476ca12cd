"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { rankSeries } from "../../lib/browser/chartData";
import { workspaceCounts, type WorkspaceCounts } from "../../lib/browser/countsStore";
import { noiseVerdict, type Verdict } from "../../lib/evals/compare";
import { metricLabel, metricValue } from "../../lib/evals/metrics";
import type { EvalRun } from "../../lib/evals/run";
import { AGGREGATE_NAMES } from "../../lib/evals/summary";
import { PlotFigure } from "../charts/PlotFigure";
import { curationLabel, distributionHref, trainingLabel } from "./runLabels";

const fmt = (x: number | null, d = 3) => (x === null ? "–" : x.toFixed(d));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function differences(a: EvalRun, b: EvalRun, runs: readonly EvalRun[]) {
  const ids = [...AGGREGATE_NAMES.map((n) => `agg:${n}`), ...new Set([...a.results, ...b.results].map((r) => `task:${r.dataset}`))];
  return ids.map((id) => ({ id, a: metricValue(a, id), b: metricValue(b, id), verdict: noiseVerdict(a, b, runs, id) }))
    .filter((d): d is { id: string; a: number; b: number; verdict: Verdict } => d.a !== null && d.b !== null);
}

function verdictText(v: Verdict): string {
  switch (v.kind) {
    case "seeds": return `${v.beyond ? "yes" : "no"}: |B − A| ${v.beyond ? ">" : "≤"} ${v.threshold.toFixed(4)}, twice the sd of a difference, from the seeds (A ${v.nA}, B ${v.nB})`;
    case "band": return v.beyond ? `yes (DataComp's seed band ±${v.band})` : `no (within DataComp's seed band ±${v.band})`;
    case "none": return "no estimate: one seed each, no published band";
  }
}

/**
 * Two runs' eval differences beside their curations' differences: sizes, head/tail shares, distributions
 * after balancing overlaid. A is the reference (the less curated run, or the one pinned), so the table
 * reads the same whichever run was ticked first.
 */
export function CompareCurations({ a, b, runs, pinned, onPin }: { a: EvalRun; b: EvalRun; runs: readonly EvalRun[]; pinned: boolean; onPin: (id: string | null) => void }) {
  const [counts, setCounts] = useState<Record<string, WorkspaceCounts | { error: string }>>({});
  const names = [...new Set([a.curation.servedWorkspace, b.curation.servedWorkspace].filter((n): n is string => n !== null))];
  useEffect(() => {
    let stop = false;
    for (const n of names) void workspaceCounts(n).then((c) => { if (!stop) setCounts((s) => ({ ...s, [n]: c })); }, (e: Error) => { if (!stop) setCounts((s) => ({ ...s, [n]: { error: e.message } })); });
    return () => { stop = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [names.join("|")]);
  const diffs = differences(a, b, runs);
  const side = (r: EvalRun) => {
    const c = r.curation.servedWorkspace ? counts[r.curation.servedWorkspace] : undefined;
    const loaded = c && "dist" in c ? c : null;
    const t = r.curation.subset === "raw" || r.curation.subset === "matched" || r.curation.t === null ? Infinity : r.curation.t;
    const f = loaded && t !== Infinity ? loaded.dist.figuresAt(t) : null;
    return { r, c, loaded, t, f };
  };
  const sides = [side(a), side(b)];
  const chartRows: { rank: number; count: number; series: string }[] = [];
  const pools = new Set<string>();
  sides.forEach(({ r, loaded, t }, i) => {
    if (!loaded) return;
    for (const p of rankSeries(loaded.dist, t === Infinity ? loaded.dist.maxCount : t, 200)) {
      if (p.series.startsWith("after")) chartRows.push({ ...p, series: `${i === 0 ? "A" : "B"}: ${r.id} (${curationLabel(r)})` });
      else if (!pools.has(loaded.name)) chartRows.push({ ...p, series: `${loaded.name} before balancing` });
    }
    pools.add(loaded.name);
  });
  // A and B in colour, the pools before balancing in grey behind them
  const seriesNames = [...new Set(chartRows.map((p) => p.series))].sort((x, y) => Number(x.endsWith("before balancing")) - Number(y.endsWith("before balancing")));
  return (
    <section aria-labelledby="h-compare" className="space-y-3 rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid="compare">
      <div className="flex flex-wrap items-baseline gap-3">
        <h3 id="h-compare" className="text-sm font-semibold" data-testid="compare-title">Compare: A = {a.id} (reference), B = {b.id}</h3>
        <span className="text-xs text-zinc-500" data-testid="compare-reference">
          {pinned ? "A is pinned as the reference." : "A is the less curated run (raw pool, then matched, then the larger t)."}
        </span>
        <button type="button" onClick={() => onPin(b.id)} data-testid="compare-pin-b" className="text-xs text-sky-700 underline dark:text-sky-400">make B the reference</button>
        {pinned && <button type="button" onClick={() => onPin(null)} data-testid="compare-unpin" className="text-xs text-sky-700 underline dark:text-sky-400">unpin</button>}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <table className="text-sm [&_td]:px-1.5 [&_th]:px-1.5" data-testid="compare-curation">
          <thead className="text-xs text-zinc-500"><tr><th className="text-left">curation</th><th className="text-right">A</th><th className="text-right">B</th></tr></thead>
          <tbody>
            <tr><td>workspace</td>{sides.map(({ r }) => { const href = distributionHref(r); return <td key={r.id} className="text-right">{href ? <Link href={href} className="text-sky-700 hover:underline dark:text-sky-400">{r.curation.servedWorkspace}</Link> : (r.curation.workspace ?? "–")}</td>; })}</tr>
            <tr><td>pairs</td>{sides.map(({ r }) => <td key={r.id} className="text-right">{curationLabel(r)}</td>)}</tr>
            <tr><td>tail share p</td>{sides.map(({ r }) => <td key={r.id} className="text-right tabular-nums">{fmt(r.curation.p)}</td>)}</tr>
            <tr><td>subset size</td>{sides.map(({ r }) => <td key={r.id} className="text-right tabular-nums">{r.curation.subsetSize?.toLocaleString("en-US") ?? "–"}</td>)}</tr>
            <tr><td>head entries (count &gt; t)</td>{sides.map(({ r, f }) => <td key={r.id} className="text-right tabular-nums">{f ? f.headEntries.toLocaleString("en-US") : "–"}</td>)}</tr>
            <tr><td>head share of matches</td>{sides.map(({ r, f }) => <td key={r.id} className="text-right tabular-nums">{f ? pct(f.headShare) : "–"}</td>)}</tr>
            <tr><td>matches left, Σ min(count, t)</td>{sides.map(({ r, f, loaded }) => <td key={r.id} className="text-right tabular-nums">{f ? f.cappedMatches.toLocaleString("en-US") : loaded ? `${loaded.dist.total.toLocaleString("en-US")} (no cap)` : "–"}</td>)}</tr>
            <tr><td>training</td>{sides.map(({ r }) => <td key={r.id} className="text-right">{trainingLabel(r)}{r.training.seed !== null ? `, seed ${r.training.seed}` : ""}</td>)}</tr>
            <tr><td>samples seen · passes</td>{sides.map(({ r }) => <td key={r.id} className="text-right tabular-nums">{r.training.samplesSeen?.toLocaleString("en-US") ?? "–"} · {fmt(r.training.passes, 2)}</td>)}</tr>
          </tbody>
        </table>
        <table className="text-sm [&_td]:px-1.5 [&_th]:px-1.5" data-testid="compare-evals">
          <thead className="text-xs text-zinc-500"><tr><th className="text-left">eval</th><th className="text-right">A</th><th className="text-right">B</th><th className="text-right">B − A</th><th className="text-left pl-2">beyond noise?</th></tr></thead>
          <tbody>
            {diffs.length === 0 && <tr><td colSpan={5} className="text-zinc-500">The two runs share no scored task.</td></tr>}
            {diffs.map((d) => {
              const delta = d.b - d.a;
              return (
                <tr key={d.id}><td>{metricLabel(d.id)}</td><td className="text-right tabular-nums">{d.a.toFixed(4)}</td><td className="text-right tabular-nums">{d.b.toFixed(4)}</td>
                  <td className={`text-right tabular-nums ${delta > 0 ? "text-emerald-700 dark:text-emerald-400" : delta < 0 ? "text-red-700 dark:text-red-400" : ""}`}>{delta >= 0 ? "+" : ""}{delta.toFixed(4)}</td>
                  <td className="pl-2 text-xs text-zinc-500" data-testid="compare-verdict" data-kind={d.verdict.kind}>{verdictText(d.verdict)}</td></tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {names.length === 0 ? <p className="text-xs text-zinc-500">Neither run&rsquo;s workspace is served here, so their entry distributions cannot be shown.</p> : (
        <>
          {sides.map(({ r, c }) => (c && "error" in c ? <p key={r.id} role="alert" className="text-xs text-red-700 dark:text-red-400">{r.curation.servedWorkspace}: {c.error}</p> : null))}
          {chartRows.length > 0 ? (
            <PlotFigure id="compare-distribution" drawKey={`${a.id}|${b.id}|${seriesNames.join(",")}`} label="Entry counts by rank after each run's balancing, overlaid" build={(Plot) => Plot.plot({
              width: 900, height: 320, marginLeft: 60,
              x: { type: "log", label: "rank (entries by count, descending)" }, y: { type: "log", label: "matches per entry after balancing (expected)" },
              color: { legend: true, domain: seriesNames, range: seriesNames.map((n) => (n.startsWith("A:") ? "#0284c7" : n.startsWith("B:") ? "#f59e0b" : "#a1a1aa")) },
              marks: [
                Plot.line(chartRows.filter((d) => d.series.endsWith("before balancing")), { x: "rank", y: "count", stroke: "series", strokeWidth: 1 }),
                Plot.line(chartRows.filter((d) => d.series.startsWith("A:")), { x: "rank", y: "count", stroke: "series", strokeWidth: 2 }),
                Plot.line(chartRows.filter((d) => d.series.startsWith("B:")), { x: "rank", y: "count", stroke: "series", strokeWidth: 2, strokeDasharray: "6 3" }),
              ],
            })} />
          ) : <p className="text-xs text-zinc-500">Loading the workspaces&rsquo; entry counts…</p>}
        </>
      )}
    </section>
  );
}
