"use client";
import { metricLabel, noiseBand, type MetricId } from "../../lib/evals/metrics";
import type { Sweep } from "../../lib/evals/sweep";
import { PlotFigure } from "../charts/PlotFigure";
import { paddedDomain, signed } from "./chartScales";

const tText = (t: number) => t.toLocaleString("en-US");

/**
 * A metric against t for runs that differ only in t: every seed a point, their mean a line, and a band
 * around it — DataComp's seed noise where the metric has one (ImageNet, Average), else ±1 sd of the seeds.
 * Raw and matched runs of the same group are dashed lines at their means, labelled with their values
 * inside the plot; every swept t has its tick; the gain over raw at each t is written under the chart.
 */
export function SweepChart({ sweeps, metric }: { sweeps: Sweep[]; metric: MetricId }) {
  const band = noiseBand(metric);
  const many = sweeps.length > 1;
  const points = sweeps.flatMap((s) => s.points.map((p) => ({ ...p, sweep: s.label })));
  const means = sweeps.flatMap((s) => s.means.map((m) => {
    const half = band ?? m.sd ?? 0;
    return { ...m, sweep: s.label, lo: m.mean - half, hi: m.mean + half };
  }));
  const baselines = sweeps.flatMap((s) => s.baselines.map((b) => ({ ...b, sweep: s.label, label: `${b.subset} ${b.mean.toFixed(3)} (mean of ${b.n} seed${b.n === 1 ? "" : "s"})` })));
  const ts = [...new Set(points.map((p) => p.t))].sort((a, b) => a - b);
  const repeats = sweeps.reduce((n, s) => n + s.repeats, 0);
  const y = paddedDomain([...points.map((p) => p.value), ...means.flatMap((m) => [m.lo, m.hi]), ...baselines.map((b) => b.mean)]);
  const x: [number, number] = ts.length ? [ts[0] / 1.25, ts[ts.length - 1] * 1.25] : [1, 10];
  const key = `${metric}|${points.length}|${sweeps.map((s) => s.key).join(";").length}|${repeats}`;
  const bandText = band !== null ? `band: DataComp's seed noise, ±${band}` : "band: ±1 sd over the seeds at each t";
  return (
    <section aria-labelledby="h-sweep" className="space-y-1">
      <h3 id="h-sweep" className="text-sm font-semibold">{metricLabel(metric)} against t</h3>
      <p className="text-xs text-zinc-500" data-testid="sweep-note">
        {sweeps.length === 0 ? "No runs differ only in t (same pool, metadata, trainer and samples seen) for this metric."
          : `${sweeps.length} sweep${many ? "s" : ""}: ${sweeps.map((s) => `${s.label} (${s.means.length} values of t, ${s.points.length} runs)`).join("; ")}. Points are seeds; the line their mean; ${bandText}; dashed: runs without balancing.`
            + (repeats ? ` ${repeats} repeat${repeats === 1 ? "" : "s"} of an experiment (same curation, trainer, seed and samples seen) counted once.` : "")}
      </p>
      {sweeps.length > 0 && (
        <PlotFigure id="sweep" drawKey={key} label={`${metricLabel(metric)} against the balancing threshold t`} build={(Plot, width) => Plot.plot({
          width, height: 360, marginLeft: 50, marginRight: 20, marginBottom: 40,
          x: { type: "log", domain: x, axis: null },
          y: { domain: y, label: metricLabel(metric), grid: true },
          color: { legend: many },
          marks: [
            // every swept t gets its tick and label (a log axis labels only some: Plot hands a log scale's labels to d3, which thins them)
            Plot.axisX(ts, { tickFormat: () => "", label: "t (balancing threshold, log scale)", labelAnchor: "center", labelArrow: "none", labelOffset: 34 }),
            Plot.text(ts, { x: (d: number) => d, frameAnchor: "bottom", dy: 16, text: tText, fontSize: 10, fill: "currentColor" }),
            Plot.gridX(ts, { strokeOpacity: 0.08 }),
            Plot.areaY(means, { x: "t", y1: "lo", y2: "hi", fill: many ? "sweep" : "#0284c7", fillOpacity: 0.15 }),
            Plot.ruleY(baselines.filter((b) => b.subset === "raw"), { y: "mean", stroke: many ? "sweep" : "currentColor", strokeDasharray: "6 4", strokeOpacity: 0.75 }),
            Plot.ruleY(baselines.filter((b) => b.subset !== "raw"), { y: "mean", stroke: many ? "sweep" : "currentColor", strokeDasharray: "2 3", strokeOpacity: 0.75 }),
            Plot.text(baselines, { y: "mean", x: x[0], text: "label", textAnchor: "start", dx: 4, dy: -7, fontSize: 11, fill: "currentColor", stroke: "var(--chart-halo)", strokeWidth: 3, paintOrder: "stroke" }),
            Plot.line(means, { x: "t", y: "mean", stroke: many ? "sweep" : "#0284c7", strokeWidth: 2 }),
            Plot.dot(points, { x: "t", y: "value", stroke: many ? "sweep" : "#0284c7", r: 3.5, strokeWidth: 1.5,
              title: (d: { run: string; value: number; repeats: number }) => `${d.run}: ${d.value.toFixed(4)}${d.repeats ? ` (and ${d.repeats} repeat${d.repeats === 1 ? "" : "s"}: counted once)` : ""}` }),
            Plot.text(points.filter((p) => p.repeats > 0), { x: "t", y: "value", text: (d: { repeats: number }) => `×${d.repeats + 1}`, dx: 12, fontSize: 10, fill: "currentColor" }),
          ],
        })} />
      )}
      {sweeps.filter((s) => s.gains.length > 0).map((s) => (
        <div key={s.key} className="text-xs" data-testid="sweep-gains">
          <p className="text-zinc-500">{many ? `${s.label}: ` : ""}gain over raw at each t ({metricLabel(metric)}, mean ± sd over seeds):</p>
          <ul className="flex flex-wrap gap-x-4 gap-y-0.5 tabular-nums">
            {s.gains.map((g) => (
              <li key={g.t} data-testid="sweep-gain" data-t={g.t} data-mean={g.mean} data-n={g.n} className="whitespace-nowrap">
                <span className="text-zinc-500">t = {tText(g.t)}:</span>{" "}
                <span className={g.mean > 0 ? "text-emerald-700 dark:text-emerald-400" : g.mean < 0 ? "text-red-700 dark:text-red-400" : ""}>{signed(g.mean)}{g.sd !== null ? ` ± ${g.sd.toFixed(3)}` : ""}</span>
                {g.n > 1 ? "" : <span className="text-zinc-500"> (1 seed)</span>}
              </li>))}
          </ul>
        </div>
      ))}
    </section>
  );
}
