"use client";
import { rankSeriesOf } from "../../lib/browser/chartData";
import { fmtT } from "../../lib/browser/format";
import type { FilterReply, LoadedWorkspace } from "../../lib/browser/workspace";
import { PlotFigure, yLabelAbove } from "../charts/PlotFigure";

const SERIES = ["pool: count", "filter: count", "balance: min(count, t)", "filter → balance: min(count_f, t)", "balance → filter: count_f · min(1, t/count)"];
const COLOURS = ["#64748b", "#f59e0b", "#0284c7", "#8b5cf6", "#10b981"];

/**
 * The filter drawn with balancing: each entry's matches (ranked, log–log) in the pool, after the
 * filter, after balancing at t, and after both in either order; and the sizes side by side.
 */
export function FilterCharts({ ws, t, reply, sizes }: { ws: LoadedWorkspace; t: number; reply: FilterReply; sizes: { id: string; label: string; value: number }[] }) {
  const counts = ws.countsById, after = reply.countsAfterFilter;
  // each entry's t: t, or on a worldwide workspace its language's (over the filtered counts after the filter; none: that series is not drawn)
  const tOf = (e: number) => (reply.entryT ? reply.entryT[e] : t), tAfterOf = (e: number) => (reply.entryTAfterFilter ? reply.entryTAfterFilter[e] : t);
  const capped = counts.map((c, e) => Math.min(c, tOf(e))), filteredCapped = after.map((c, e) => Math.min(c, tAfterOf(e)));
  const balancedFiltered = after.map((c, e) => (counts[e] > 0 ? c * Math.min(1, tOf(e) / counts[e]) : 0));
  const series = [counts, after, capped, ...(reply.filterThenBalance === null ? [] : [filteredCapped]), balancedFiltered];
  const names = SERIES.filter((_s, i) => i !== 3 || reply.filterThenBalance !== null);
  const points = series.flatMap((v, i) => rankSeriesOf(v, names[i]));
  // room for the longest size label (~6.5 px a character at the chart's 10 px type)
  const labelRoom = Math.max(230, Math.ceil(6.5 * Math.max(...sizes.map((s) => s.label.length))));
  const key = `${ws.info.label}|${t}|${reply.rowsKept}|${reply.threshold}|${reply.filterThenBalance}`;
  return (
    <div className="space-y-2">
      <PlotFigure id="filter-rank" drawKey={key} label="Entries ranked by count: pool, filter, balance and both" build={(Plot, width) => Plot.plot({
        width, height: 300, marginTop: 34, marginLeft: 60, marginRight: 20,
        x: { type: "log", label: "rank (entries by count, descending)", tickFormat: "~s" },
        y: { type: "log", label: null, tickFormat: "~s" },
        color: { legend: true, domain: SERIES, range: COLOURS },
        marks: [
          yLabelAbove(Plot, "matches per entry", 60),
          Plot.line(points, { x: "rank", y: "count", stroke: "series", strokeWidth: 1.5 }),
          Plot.ruleY([t], { stroke: "#dc2626", strokeDasharray: "4 3" }),
          Plot.text([t], { y: (d: number) => d, frameAnchor: "right", textAnchor: "end", dy: -6, text: () => `${reply.entryT ? "English's " : ""}t = ${fmtT(t)}`, fill: "#dc2626", stroke: "var(--chart-halo)", strokeWidth: 3, paintOrder: "stroke" }),
        ],
      })} />
      <PlotFigure id="filter-sizes" drawKey={key} label="Rows: pool, after the filter, after balancing, after both" build={(Plot, width) => Plot.plot({
        width: Math.max(width, labelRoom + 70 + 200), height: 40 + 28 * sizes.length, marginLeft: labelRoom, marginRight: 70,
        x: { label: "rows (expected where balancing draws)", grid: true, nice: true },
        y: { domain: sizes.map((s) => s.label), label: null },
        marks: [
          Plot.barX(sizes, { y: "label", x: "value", fill: (d: { id: string }) => ({ pool: COLOURS[0], filter: COLOURS[1], balance: COLOURS[2], "filter-balance": COLOURS[3], "balance-filter": COLOURS[4] })[d.id] }),
          Plot.text(sizes, { y: "label", x: "value", text: (d: { value: number }) => Math.round(d.value).toLocaleString("en-US"), textAnchor: "start", dx: 4, fill: "currentColor" }),
          Plot.ruleX([0]),
        ],
      })} />
    </div>
  );
}
