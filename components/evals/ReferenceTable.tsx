"use client";
import type { ReferenceRun } from "../../lib/evals/references";

const fmt = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(3));

/** The papers' runs with their source (paper, table, row); a checkbox adds one to the per-task chart. */
export function ReferenceTable({ refs, selected, onToggle }: { refs: readonly ReferenceRun[]; selected: Set<string>; onToggle: (id: string) => void }) {
  return (
    <div className="max-h-[320px] overflow-auto rounded border border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-left text-sm [&_td]:px-2 [&_th]:px-2" data-testid="reference-table">
        <thead className="sticky top-0 bg-white text-xs text-zinc-500 dark:bg-zinc-950">
          <tr><th className="w-8 px-2"><span className="sr-only">select</span></th><th>reference run</th><th>model</th><th className="text-right">data</th>
            <th className="text-right">ImageNet</th><th className="text-right">IN shifts</th><th className="text-right">VTAB</th><th className="text-right">Retrieval</th><th className="text-right">Average (38)</th><th className="text-right">Avg (26, MetaCLIP)</th><th>source</th></tr>
        </thead>
        <tbody>
          {refs.map((r) => {
            const id = `ref:${r.id}`;
            return (
              <tr key={r.id} data-testid="reference-row" data-id={id} className={`border-t border-zinc-200 dark:border-zinc-800 ${selected.has(id) ? "bg-sky-50 dark:bg-sky-950/60" : ""}`}>
                <td className="px-2"><input type="checkbox" checked={selected.has(id)} onChange={() => onToggle(id)} aria-label={`select ${r.name}`} /></td>
                <td className="py-1">{r.name}</td>
                <td className="text-xs">{r.model}</td>
                <td className="text-right tabular-nums">{r.datasetSize ?? "–"}</td>
                <td className="text-right tabular-nums">{fmt(r.aggregates.imagenet)}</td>
                <td className="text-right tabular-nums">{fmt(r.aggregates.imagenet_dist_shifts)}</td>
                <td className="text-right tabular-nums">{fmt(r.aggregates.vtab)}</td>
                <td className="text-right tabular-nums">{fmt(r.aggregates.retrieval)}</td>
                <td className="text-right tabular-nums">{fmt(r.aggregates.average)}</td>
                <td className="text-right tabular-nums">{r.average26 === null ? "–" : r.average26.toFixed(3)}</td>
                <td className="text-xs text-zinc-500" title={r.source.citation}>{r.source.paper} {r.source.table}, {r.source.row}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
