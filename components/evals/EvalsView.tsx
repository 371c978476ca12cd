"use client";
import { useEffect, useMemo, useState } from "react";
import { emit } from "../../lib/browser/events";
import { fetchRuns } from "../../lib/browser/evalRuns";
import type { EvalsSort } from "../../lib/browser/evalsView";
import { orderForComparison } from "../../lib/evals/compare";
import { metricLabel, metricOptions } from "../../lib/evals/metrics";
import { REFERENCE_RUNS } from "../../lib/evals/references";
import type { EvalRun } from "../../lib/evals/run";
import { repeatOf } from "../../lib/evals/repeats";
import { tSweeps } from "../../lib/evals/sweep";
import { CompareCurations } from "./CompareCurations";
import { FilterBalanceChart } from "./FilterBalanceChart";
import { HeadTailChart } from "./HeadTailChart";
import { LanguageChart } from "./LanguageChart";
import { ImagenetAverageChart } from "./ImagenetAverageChart";
import { ReferenceTable } from "./ReferenceTable";
import { RunsDrop } from "./RunsDrop";
import { RunsTable, sortRuns } from "./RunsTable";
import { SweepChart } from "./SweepChart";
import { TaskChart, type TaskSeries } from "./TaskChart";
import { useEvalsView } from "./useEvalsView";

/** /evals: every run of the data directory (and dropped files) in a table, charts of the selection, the papers' runs beside them. */
export function EvalsView() {
  const [view, update] = useEvalsView();
  const [served, setServed] = useState<EvalRun[] | null>(null);
  const [dropped, setDropped] = useState<EvalRun[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const t0 = performance.now();
    fetchRuns().then((runs) => { setServed(runs); emit({ type: "evals:ready", runs: runs.length, ms: performance.now() - t0 }); }, (e: Error) => setError(e.message));
  }, []);
  const runs = useMemo(() => [...(served ?? []), ...dropped], [served, dropped]);
  const options = useMemo(() => metricOptions(runs), [runs]);
  const metric = view.metric && options.some((o) => o.id === view.metric) ? view.metric : (options[0]?.id ?? null);
  const selected = useMemo(() => new Set(view.selected), [view.selected]);
  const shown = useMemo(() => {
    const q = view.q.toLowerCase();
    return sortRuns(q ? runs.filter((r) => r.id.toLowerCase().includes(q)) : runs, view.sort, view.desc, metric);
  }, [runs, view.q, view.sort, view.desc, metric]);
  const repeats = useMemo(() => repeatOf(runs), [runs]);
  const sweeps = useMemo(() => (metric ? tSweeps(runs, metric) : []), [runs, metric]);
  const toggle = (id: string) => update({ selected: selected.has(id) ? view.selected.filter((s) => s !== id) : [...view.selected, id] });
  const onSort = (s: EvalsSort) => update(view.sort === s ? { desc: !view.desc } : { sort: s, desc: s !== "name" && s !== "t" });
  const byId = useMemo(() => new Map(runs.map((r) => [r.id, r])), [runs]);
  const selectedRuns = view.selected.map((id) => byId.get(id)).filter((r): r is EvalRun => r !== undefined);
  const compared = selectedRuns.length === 2 ? orderForComparison(selectedRuns[0], selectedRuns[1], view.ref) : null;
  const selectedRefs = REFERENCE_RUNS.filter((r) => selected.has(`ref:${r.id}`));
  const series: TaskSeries[] = [
    ...selectedRuns.map((r) => ({ name: r.id, tasks: r.results.filter((x) => x.main !== null).map((x) => ({ dataset: x.dataset, main: x.main as number })), chance: r.chance })),
    ...selectedRefs.filter((r) => r.tasks.length).map((r) => ({ name: r.name, tasks: r.tasks, chance: {} })),
  ];
  const addDropped = (more: EvalRun[]) => setDropped((d) => {
    const ids = new Set([...(served ?? []), ...d].map((r) => r.id));
    return [...d, ...more.map((r) => { let id = r.id; for (let k = 2; ids.has(id); k++) id = `${r.id}-${k}`; ids.add(id); return { ...r, id }; })];
  });

  return (
    <main className="space-y-5 p-4">
      <header className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Evals</h1>
        <p className="text-sm text-zinc-500" data-testid="evals-count">
          {served === null ? (error ? "" : "Loading runs…") : `${runs.length.toLocaleString("en-US")} run${runs.length === 1 ? "" : "s"}${dropped.length ? ` (${dropped.length} dropped)` : ""}${repeats.size ? `, ${(runs.length - repeats.size).toLocaleString("en-US")} experiments (${repeats.size} ${repeats.size === 1 ? "run repeats" : "runs repeat"} another's curation, trainer and seed: counted once)` : ""}; ${REFERENCE_RUNS.length} reference runs from the papers`}
        </p>
      </header>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      <RunsDrop onRuns={addDropped} />
      {served !== null && runs.length === 0 && (
        <p className="text-sm text-zinc-500">No runs yet. Train one (Distribution → &ldquo;Train a tiny CLIP on it…&rdquo;, or <code>metacurate train</code>), run <code>metacurate demo --experiment</code>, or <code>metacurate evals import DIR</code> a folder of DataComp <code>eval_results.jsonl</code>.</p>
      )}
      {runs.length > 0 && (
        <section aria-labelledby="h-runs" className="space-y-2">
          <div className="flex flex-wrap items-center gap-3">
            <h2 id="h-runs" className="font-semibold">Runs</h2>
            <label className="text-sm">filter <input value={view.q} onChange={(e) => update({ q: e.target.value })} placeholder="run name" data-testid="runs-filter"
              className="ml-1 rounded border border-zinc-300 bg-transparent px-2 py-0.5 dark:border-zinc-700" /></label>
            <label className="text-sm">metric <select value={metric ?? ""} onChange={(e) => update({ metric: e.target.value })} data-testid="metric-select"
              className="ml-1 rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900">
              {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
            </select></label>
            <span className="text-xs text-zinc-500">{selectedRuns.length} selected{selectedRuns.length === 2 ? " — compared below" : selectedRuns.length < 2 ? " (select two to compare their curations)" : ""}</span>
            {view.selected.length > 0 && <button type="button" onClick={() => update({ selected: [] })} className="text-xs text-sky-700 underline dark:text-sky-400">clear selection</button>}
          </div>
          <RunsTable runs={shown} repeats={repeats} selected={selected} onToggle={toggle} sort={view.sort} desc={view.desc} onSort={onSort} metric={metric} metricLabel={metric ? metricLabel(metric) : "metric"} />
        </section>
      )}
      {compared && <CompareCurations a={compared[0]} b={compared[1]} runs={runs} pinned={view.ref === compared[0].id} onPin={(id) => update({ ref: id })} />}
      <div className="grid gap-6 xl:grid-cols-2">
        {metric && runs.length > 0 && <SweepChart sweeps={sweeps} metric={metric} />}
        {series.length > 0 && <TaskChart series={series} />}
        {runs.length > 0 && <HeadTailChart runs={runs} selected={selected} />}
        {runs.length > 0 && <LanguageChart runs={runs} />}
        {metric && runs.length > 0 && <FilterBalanceChart runs={runs} refs={REFERENCE_RUNS} metric={metric} />}
        <ImagenetAverageChart runs={runs} refs={REFERENCE_RUNS} selected={selected} />
      </div>
      <section aria-labelledby="h-refs" className="space-y-2">
        <h2 id="h-refs" className="font-semibold">The papers&rsquo; runs</h2>
        <p className="text-xs text-zinc-500">DataComp Table 3 (every scale and baseline; 38-task aggregates) and MetaCLIP Tables 4–5 (26 tasks, MetaCLIP&rsquo;s protocol) with Table 8 (the same models on DataComp&rsquo;s 38). Tick one to add its tasks to the per-task chart.</p>
        <ReferenceTable refs={REFERENCE_RUNS} selected={selected} onToggle={toggle} />
      </section>
    </main>
  );
}
