"use client";
import { metricLabel, noiseBand, type MetricId } from "../../lib/evals/metrics";
import type { Sweep } from "../../lib/evals/sweep";
import { PlotFigure } from "../charts/PlotFigure";

/**
 * A metric against t for runs that differ only in t: every seed a point, their mean a line, and a band
 * around it — DataComp's seed noise where the metric has one (ImageNet, Average), else ±1 sd of the seeds.
 * Raw and matched runs of the same group are dashed lines (their means).
 */
export function SweepChart({ sweeps, metric }: { sweeps: Sweep[]; metric: MetricId }) {
  const band = noiseBand(metric);
  const points = sweeps.flatMap((s) => s.points.map((p) => ({ ...p, sweep: s.label })));
  const means = sweeps.flatMap((s) => s.means.map((m) => {
    const half = band ?? m.sd ?? 0;
    return { ...m, sweep: s.label, lo: m.mean - half, hi: m.mean + half };
  }));
  const baselines = sweeps.flatMap((s) => s.baselines.map((b) => ({ ...b, sweep: s.label, label: `${b.subset} (mean of ${b.n})` })));
  const key = `${metric}|${points.length}|${sweeps.map((s) => s.key).join(";").length}`;
  const bandText = band !== null ? `band: DataComp's seed noise, ±${band}` : "band: ±1 sd over the seeds at each t";
  return (
    <section aria-labelledby="h-sweep" className="space-y-1">
      <h3 id="h-sweep" className="text-sm font-semibold">{metricLabel(metric)} against t</h3>
      <p className="text-xs text-zinc-500" data-testid="sweep-note">
        {sweeps.length === 0 ? "No runs differ only in t (same pool, metadata, trainer and samples seen) for this metric."
          : `${sweeps.length} sweep${sweeps.length > 1 ? "s" : ""}: ${sweeps.map((s) => `${s.label} (${s.means.length} values of t, ${s.points.length} runs)`).join("; ")}. Points are seeds; the line their mean; ${bandText}; dashed: runs without balancing.`}
      </p>
      {sweeps.length > 0 && (
        <PlotFigure id="sweep" drawKey={key} label={`${metricLabel(metric)} against the balancing threshold t`} build={(Plot) => Plot.plot({
          width: 620, height: 360, marginLeft: 50, marginRight: 110, grid: true,
          x: { type: "log", label: "t (balancing threshold, log)" }, y: { label: metricLabel(metric) },
          color: { legend: sweeps.length > 1 },
          marks: [
            Plot.areaY(means, { x: "t", y1: "lo", y2: "hi", fill: "sweep", fillOpacity: 0.15 }),
            Plot.line(means, { x: "t", y: "mean", stroke: "sweep", strokeWidth: 2 }),
            Plot.dot(points, { x: "t", y: "value", stroke: "sweep", r: 3, title: (d: { run: string; value: number }) => `${d.run}: ${d.value.toFixed(4)}` }),
            Plot.ruleY(baselines, { y: "mean", stroke: "sweep", strokeDasharray: "5 4", strokeOpacity: 0.7 }),
            Plot.text(baselines, { y: "mean", text: "label", frameAnchor: "right", textAnchor: "start", dx: 6, fontSize: 10 }),
          ],
        })} />
      )}
    </section>
  );
}
