"use client";
import { cumulativeSeries, rankSeries } from "../../lib/browser/chartData";
import { PAPER_TS, scaledT } from "../../lib/browser/format";
import type { CountDistribution } from "../../lib/curation/distribution";
import { PlotFigure } from "./PlotFigure";

/** Rank vs count (log–log) and the cumulative-count plot, for t = ∞, the chosen t and optional overlays. */
export function DistributionCharts({ dist, t, overlays, distKey }: { dist: CountDistribution; t: number; overlays: boolean; distKey: string }) {
  const overlayTs = overlays ? PAPER_TS.map((pt) => ({ t: scaledT(pt, dist.total), label: `t = ${pt / 1000}k (paper) → ${scaledT(pt, dist.total)}` })) : [];
  const key = `${distKey}|${t}|${overlays}`;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <PlotFigure id="rank" drawKey={key} label="Entries ranked by count, log–log" build={(Plot) => Plot.plot({
        width: 560, height: 320, marginLeft: 60,
        x: { type: "log", label: "rank (entries by count, descending)" }, y: { type: "log", label: "matches per entry" },
        color: { legend: true, domain: ["before (count)", "after (min(count, t))"], range: ["#64748b", "#0284c7"] },
        marks: [
          Plot.line(rankSeries(dist, t), { x: "rank", y: "count", stroke: "series" }),
          Plot.ruleY([t], { stroke: "#dc2626", strokeDasharray: "4 3" }),
          Plot.text([t], { y: (d: number) => d, frameAnchor: "right", dy: -6, text: () => `t = ${t}`, fill: "#dc2626" }),
        ],
      })} />
      <PlotFigure id="cumulative" drawKey={key} label="Cumulative matches, entries sorted ascending" build={(Plot) => {
        const series = [{ t: Infinity, label: "t = ∞ (raw)" }, { t, label: `t = ${t} (chosen)` }, ...overlayTs];
        return Plot.plot({
          width: 560, height: 320, marginLeft: 70,
          x: { label: `matched entries sorted by count, tail → head (${dist.zeroEntries.toLocaleString("en-US")} zero-count entries left out)` }, y: { label: "cumulative matches", grid: true },
          color: { legend: true, domain: series.map((s) => s.label) },
          marks: [
            Plot.line(cumulativeSeries(dist, series.slice(0, 2)), { x: "index", y: "cumulative", stroke: "series" }),
            Plot.line(cumulativeSeries(dist, overlayTs), { x: "index", y: "cumulative", stroke: "series", strokeDasharray: "4 3" }),
          ],
        });
      }} />
    </div>
  );
}
