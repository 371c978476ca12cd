"use client";
import Link from "next/link";
import type { EvalsSort } from "../../lib/browser/evalsView";
import { metricValue, runAggregates, type MetricId } from "../../lib/evals/metrics";
import type { EvalRun } from "../../lib/evals/run";
import { formatAggregate } from "../../lib/evals/summary";
import { curationLabel, distributionHref, trainingLabel } from "./runLabels";

const fmt3 = (x: number | null) => (x === null ? "–" : x.toFixed(3));
const fmtCount = (x: number | null) => (x === null ? "–" : x.toLocaleString("en-US"));

function sortValue(run: EvalRun, sort: EvalsSort, metric: MetricId | null): number | string | null {
  switch (sort) {
    case "name": return run.id;
    case "t": return run.curation.t;
    case "subset_size": return run.curation.subsetSize;
    case "samples_seen": return run.training.samplesSeen;
    case "imagenet": return runAggregates(run).imagenet.value;
    case "average": return runAggregates(run).average.value;
    case "main": return metric ? metricValue(run, metric) : null;
  }
}

const NATURAL = new Intl.Collator("en", { numeric: true });

export function sortRuns(runs: readonly EvalRun[], sort: EvalsSort, desc: boolean, metric: MetricId | null): EvalRun[] {
  return [...runs].sort((a, b) => {
    const x = sortValue(a, sort, metric), y = sortValue(b, sort, metric);
    if (x === null || y === null) return x === y ? NATURAL.compare(a.id, b.id) : x === null ? 1 : -1; // no value: last, either way
    const c = typeof x === "string" || typeof y === "string" ? NATURAL.compare(String(x), String(y)) : x - y;
    return (desc ? -c : c) || NATURAL.compare(a.id, b.id);
  });
}

interface Props {
  runs: EvalRun[];
  /** Runs that repeat another's experiment: the id of its first run. */
  repeats: Map<string, string>;
  selected: Set<string>;
  onToggle: (id: string) => void;
  sort: EvalsSort;
  desc: boolean;
  onSort: (s: EvalsSort) => void;
  metric: MetricId | null;
  metricLabel: string;
}

/** The runs, sortable by any numeric column; a checkbox selects a run for the charts. */
export function RunsTable({ runs, repeats, selected, onToggle, sort, desc, onSort, metric, metricLabel }: Props) {
  const header = (s: EvalsSort, label: string, right = true) => (
    <th className={right ? "text-right" : ""} aria-sort={sort === s ? (desc ? "descending" : "ascending") : "none"}>
      <button type="button" onClick={() => onSort(s)} data-testid={`sort-${s}`}
        className="rounded px-1 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        {label}{sort === s ? (desc ? " ↓" : " ↑") : ""}
      </button>
    </th>
  );
  return (
    <div className="max-h-[420px] overflow-auto rounded border border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-left text-sm [&_td]:px-2 [&_th]:px-2" data-testid="runs-table">
        <thead className="sticky top-0 bg-white text-xs text-zinc-500 dark:bg-zinc-950">
          <tr>
            <th className="w-8 px-2"><span className="sr-only">select</span></th>
            {header("name", "run", false)}
            <th>curation</th>
            {header("t", "t")}
            {header("subset_size", "subset size")}
            <th>training</th>
            {header("samples_seen", "samples seen")}
            <th className="text-right">passes</th>
            {header("main", metricLabel)}
            {header("imagenet", "ImageNet")}
            {header("average", "Average (38)")}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const a = runAggregates(r);
            const href = distributionHref(r);
            const on = selected.has(r.id);
            return (
              <tr key={r.id} data-testid="run-row" data-id={r.id} className={`border-t border-zinc-200 dark:border-zinc-800 ${on ? "bg-sky-50 dark:bg-sky-950/60" : ""}`}>
                <td className="px-2"><input type="checkbox" checked={on} onChange={() => onToggle(r.id)} aria-label={`select ${r.id}`} data-testid="run-select" /></td>
                <td className="py-1 font-mono text-xs">
                  {r.id}
                  {repeats.has(r.id) && <span data-testid="run-repeat" className="ml-1 rounded bg-zinc-200 px-1 font-sans text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300" title={`the same curation (workspace, t, seed) and training (model, seed, samples seen) as ${repeats.get(r.id)}: counted once in the charts`}>repeat of {repeats.get(r.id)!.split("/").pop()}</span>}
                  {r.problems.length > 0 && <span className="ml-1 text-amber-700 dark:text-amber-400" title={r.problems.map((p) => `${p.file}${p.line !== null ? ` line ${p.line}` : ""}: ${p.message}`).join("\n")}>⚠ {r.problems.length}</span>}
                </td>
                <td className="text-xs">
                  {href ? <Link href={href} className="text-sky-700 hover:underline dark:text-sky-400">{r.curation.servedWorkspace}</Link> : (r.curation.workspace ?? "–")}
                  {" · "}{curationLabel(r)}
                  {r.curation.p !== null && <span className="text-zinc-500"> · p {r.curation.p.toFixed(3)}</span>}
                  {r.curation.balanceSeed !== null && <span className="text-zinc-500"> · seed {r.curation.balanceSeed}</span>}
                </td>
                <td className="text-right tabular-nums">{fmtCount(r.curation.t)}</td>
                <td className="text-right tabular-nums">{fmtCount(r.curation.subsetSize)}</td>
                <td className="text-xs">{trainingLabel(r)}{r.training.seed !== null && <span className="text-zinc-500"> · seed {r.training.seed}</span>}</td>
                <td className="text-right tabular-nums">{fmtCount(r.training.samplesSeen)}</td>
                <td className="text-right tabular-nums">{r.training.passes === null ? "–" : r.training.passes.toFixed(2)}</td>
                <td className="text-right tabular-nums">{fmt3(metric ? metricValue(r, metric) : null)}</td>
                <td className="text-right tabular-nums" title={a.imagenet.missing.length ? `missing: ${a.imagenet.missing.join(", ")}` : undefined}>{formatAggregate(a.imagenet.value, a.imagenet.tasks, a.imagenet.of)}</td>
                <td className="text-right tabular-nums" title={a.average.missing.length ? `missing ${a.average.missing.length}: ${a.average.missing.slice(0, 8).join(", ")}${a.average.missing.length > 8 ? ", …" : ""}` : undefined}>{formatAggregate(a.average.value, a.average.tasks, a.average.of)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
