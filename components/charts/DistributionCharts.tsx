"use client";
import { cumulativeSeries, rankSeries } from "../../lib/browser/chartData";
import { fmtT, paperOverlays } from "../../lib/browser/format";
import type { CountDistribution } from "../../lib/curation/distribution";
import { PlotFigure, yLabelAbove } from "./PlotFigure";

/** Rank vs count (log–log) and the cumulative-count plot, for t = ∞, the chosen t and optional overlays. */
export function DistributionCharts({ dist, t, overlays, distKey }: { dist: CountDistribution; t: number; overlays: boolean; distKey: string }) {
  const paper = paperOverlays(dist.total, dist.maxCount);
  const overlayTs = overlays ? paper.shown.map((o) => ({ t: o.t, label: `t = ${o.paper / 1000}k (paper) → ${o.t.toLocaleString("en-US")}` })) : [];
  const key = `${distKey}|${t}|${overlays}`;
  return (
    <div className="space-y-2">
    {overlays && paper.note && <p className="text-xs text-zinc-500" data-testid="overlay-note">{paper.note}</p>}
    <div className="grid gap-6 lg:grid-cols-2">
      <PlotFigure id="rank" drawKey={key} label="Entries ranked by count, log–log" build={(Plot, width) => Plot.plot({
        width, height: 320, marginTop: 34, marginLeft: 60, marginRight: 72,
        x: { type: "log", label: "rank (entries by count, descending)", ticks: decades(dist.entries - dist.zeroEntries), tickFormat: "~s" },
        y: { type: "log", label: null, ticks: decades(dist.maxCount), tickFormat: "~s" },
        color: { legend: true, domain: ["before (count)", "after (min(count, t))"], range: ["#64748b", "#0284c7"] },
        marks: [
          yLabelAbove(Plot, "matches per entry", 60),
          Plot.line(rankSeries(dist, t), { x: "rank", y: "count", stroke: "series" }),
          Plot.ruleY([t], { stroke: "#dc2626", strokeDasharray: "4 3" }),
          // in the right margin, beside the rule: never over the curves
          Plot.text([t], { y: (d: number) => d, frameAnchor: "right", textAnchor: "start", dx: 4, text: () => `t = ${fmtT(t)}`, fill: "#dc2626", stroke: "var(--chart-halo)", strokeWidth: 3, paintOrder: "stroke" }),
        ],
      })} />
      <PlotFigure id="cumulative" drawKey={key} label="Cumulative matches, entries sorted ascending" build={(Plot, width) => {
        const series = [{ t: Infinity, label: "t = ∞ (raw)" }, { t, label: `t = ${fmtT(t)} (chosen)` }, ...overlayTs];
        return Plot.plot({
          width, height: 320, marginLeft: 70,
          x: { label: `matched entries sorted by count, tail → head (${dist.zeroEntries.toLocaleString("en-US")} zero-count entries left out)` }, y: { label: "cumulative matches", grid: true },
          color: { legend: true, domain: series.map((s) => s.label) },
          marks: [
            Plot.line(cumulativeSeries(dist, series.slice(0, 2)), { x: "index", y: "cumulative", stroke: "series" }),
            Plot.line(cumulativeSeries(dist, overlayTs), { x: "index", y: "cumulative", stroke: "series", strokeDasharray: "4 3" }),
          ],
        });
      }} />
    </div>
    </div>
  );
}

/** Powers of ten from 1 to the first at or above `max`: evenly spaced ticks on a log axis (1, 10, 100, 1k…). */
function decades(max: number): number[] {
  const out = [1];
  while (out[out.length - 1] < max) out.push(out[out.length - 1] * 10);
  return out;
}
