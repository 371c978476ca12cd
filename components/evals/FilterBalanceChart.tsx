"use client";
import { conditionGains } from "../../lib/evals/conditions";
import { metricLabel, type MetricId } from "../../lib/evals/metrics";
import type { ReferenceRun } from "../../lib/evals/references";
import type { EvalRun } from "../../lib/evals/run";
import { PlotFigure } from "../charts/PlotFigure";
import { signed } from "./chartScales";
import { conditionLabel } from "./runLabels";

const KIND_COLOURS = { matched: "#a1a1aa", balanced: "#0284c7", filtered: "#f59e0b", "filtered, then balanced": "#8b5cf6" } as const;
type Kind = keyof typeof KIND_COLOURS;

/**
 * DataComp's filters beside MetaCLIP's balancing: each curation's gain over the raw pool for runs
 * trained alike (mean ± sd over seeds), and beside it DataComp's own small-scale baselines' gains over
 * "No filtering" (Table 3, Average over 38), so the demo's CLIP-score filter can be read against the
 * paper's. Shown when some run trained on a pool a DataComp filter made.
 */
export function FilterBalanceChart({ runs, refs, metric }: { runs: EvalRun[]; refs: readonly ReferenceRun[]; metric: MetricId }) {
  const [set] = conditionGains(runs, metric);
  if (!set) return null;
  const rows = set.conditions.map((c) => {
    const kind: Kind = c.filter ? (c.t !== null ? "filtered, then balanced" : "filtered") : c.t !== null ? "balanced" : "matched";
    const half = c.sd ?? 0;
    return { ...c, kind, label: conditionLabel(c), lo: c.mean - half, hi: c.mean + half };
  });
  const small = refs.filter((r) => r.source.paper === "DataComp" && r.scale === "small" && r.aggregates.average !== undefined);
  const none = small.find((r) => r.name.endsWith("No filtering"));
  const paper = none ? small.filter((r) => r !== none).map((r) => ({ label: r.name.replace("DataComp small: ", ""), gain: r.aggregates.average! - none.aggregates.average!, size: r.datasetSize })) : [];
  const order = rows.map((r) => r.label);
  return (
    <section aria-labelledby="h-filters" className="space-y-2 xl:col-span-2" data-testid="filter-balance">
      <h3 id="h-filters" className="text-sm font-semibold">Filtering beside balancing: gain over the raw pool</h3>
      <p className="text-xs text-zinc-500">
        Runs trained alike ({set.raw.n} raw run{set.raw.n === 1 ? "" : "s"}, raw {metricLabel(metric)} {set.raw.mean.toFixed(3)}): each curation&rsquo;s gain over raw, mean ± sd over seeds —
        DataComp&rsquo;s filters in amber, MetaCLIP&rsquo;s balancing in blue, both in violet. Right: DataComp&rsquo;s small-scale baselines over &ldquo;No filtering&rdquo; (Table 3, Average over 38 tasks) — another model, scale and metric: compare the order and the sign, not the size.
      </p>
      <div className="grid gap-4 lg:grid-cols-2">
        <PlotFigure id="filter-balance" drawKey={`${metric}|${rows.map((r) => `${r.label}:${r.mean}`).join(",")}`} label={`Gain over the raw pool in ${metricLabel(metric)} by curation`} build={(Plot, width) => Plot.plot({
          width: Math.max(width, 190 + 30 + 200), height: 40 + 26 * rows.length, marginLeft: 190, marginRight: 30, grid: true,
          x: { label: `gain over raw (${metricLabel(metric)})`, labelAnchor: "center", labelArrow: "none", nice: true, inset: 10 },
          y: { domain: order, label: null },
          color: { domain: Object.keys(KIND_COLOURS), range: Object.values(KIND_COLOURS) },
          marks: [
            Plot.ruleX([0], { stroke: "currentColor", strokeOpacity: 0.6 }),
            Plot.ruleY(rows, { y: "label", x1: "lo", x2: "hi", stroke: "kind", strokeWidth: 2 }),
            Plot.dot(rows, { y: "label", x: "mean", fill: "kind", r: 5, title: (d: (typeof rows)[number]) => `${d.label}: ${signed(d.mean)}${d.sd !== null ? ` ± ${d.sd.toFixed(3)}` : ""} over ${d.n} seed${d.n === 1 ? "" : "s"}${d.size !== null ? `, ${d.size.toLocaleString("en-US")} pairs` : ""}` }),
          ],
        })} />
        {paper.length > 0 && (
          <PlotFigure id="datacomp-baselines" drawKey={`${paper.length}`} label="DataComp small-scale baselines: Average gain over No filtering" build={(Plot, width) => Plot.plot({
            width: Math.max(width, 230 + 90 + 200), height: 40 + 26 * paper.length, marginLeft: 230, marginRight: 90, grid: true,
            x: { label: "DataComp small: Average (38) gain over No filtering", labelAnchor: "center", labelArrow: "none", nice: true, inset: 10 },
            y: { domain: [...paper].sort((a, b) => b.gain - a.gain).map((p) => p.label), label: null },
            marks: [
              Plot.ruleX([0], { stroke: "currentColor", strokeOpacity: 0.6 }),
              Plot.barX(paper, { y: "label", x: "gain", fill: (d: { label: string }) => (d.label.startsWith("CLIP score") ? "#f59e0b" : "#a1a1aa") }),
              Plot.text(paper, { y: "label", x: "gain", text: (d: { gain: number; size: string | null }) => `${signed(d.gain)}${d.size ? ` (${d.size})` : ""}`, textAnchor: "start", dx: 4, fontSize: 10, fill: "currentColor" }),
            ],
          })} />
        )}
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs tabular-nums">
        {rows.map((r) => (
          <li key={r.label} data-testid="condition-gain" data-label={r.label} data-mean={r.mean} data-n={r.n} className="whitespace-nowrap">
            <span className="text-zinc-500">{r.label}:</span> {signed(r.mean)}{r.sd !== null ? ` ± ${r.sd.toFixed(3)}` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
}
