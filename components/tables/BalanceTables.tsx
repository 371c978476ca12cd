"use client";
import { useEffect, useState } from "react";
import { rows } from "../../lib/browser/duckdb";
import { emit } from "../../lib/browser/events";
import { fmtInt, fmtPct } from "../../lib/browser/format";
import { bandTableSql, PAPER_BANDS, scaledBands, sourceTableSql } from "../../lib/browser/sql";
import type { LoadedWorkspace } from "../../lib/browser/workspace";

interface BandRow { band: number; entries: number; before: number; after: number }
interface SourceRow { source: string; entries: number; zero: number; before: number; after: number }

const paperLabel = (i: number) => {
  const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
  return i + 1 < PAPER_BANDS.length ? `${k(PAPER_BANDS[i])}–${k(PAPER_BANDS[i + 1])}` : `≥ ${k(PAPER_BANDS[i])}`;
};

/** Before/after balancing by count band (MetaCLIP Table 13, scaled to this pool) and by metadata source. */
export function BalanceTables({ ws, t }: { ws: LoadedWorkspace; t: number }) {
  const [bands, setBands] = useState<BandRow[]>([]);
  const [sources, setSources] = useState<SourceRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const edges = scaledBands(ws.dist.total);
  useEffect(() => {
    let live = true;
    void (async () => {
      const conn = await ws.entriesDb;
      const b = await rows<BandRow>(conn, bandTableSql(edges, t));
      const s = ws.hasSource ? await rows<SourceRow>(conn, sourceTableSql(t)) : [];
      if (!live) return;
      setBands(b);
      setSources(s);
      setError(null);
      emit({ type: "tables", t });
    })().catch((e: Error) => live && setError(e.message));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws, t]);
  const total = ws.dist.total || 1;
  const capped = ws.dist.figuresAt(t).cappedMatches || 1;
  const th = "px-2 py-1 text-left font-medium", td = "px-2 py-1 tabular-nums";
  if (error) return <p role="alert" className="text-sm text-red-700 dark:text-red-400">The band and source tables need DuckDB: {error}</p>;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <table className="self-start text-sm" data-testid="band-table">
        <caption className="mb-1 text-left text-sm font-medium">By count band (MetaCLIP Table 13, scaled to {fmtInt(ws.dist.total)} matches)</caption>
        <thead><tr className="border-b border-zinc-200 dark:border-zinc-800"><th className={th}>paper band</th><th className={th}>here</th><th className={th}>entries</th><th className={th}>matches before</th><th className={th}>after (Σ min(c, t))</th></tr></thead>
        <tbody>
          {bands.map((b) => (
            <tr key={b.band} className="border-b border-zinc-100 dark:border-zinc-900">
              <td className={td}>{paperLabel(b.band)}</td>
              <td className={td}>{b.band + 1 < edges.length ? `${fmtInt(edges[b.band])}–${fmtInt(edges[b.band + 1] - 1)}` : `≥ ${fmtInt(edges[b.band])}`}</td>
              <td className={td}>{fmtInt(b.entries)}</td>
              <td className={td}>{fmtInt(b.before)} ({fmtPct(b.before / total, 1)})</td>
              <td className={td}>{fmtInt(b.after)} ({fmtPct(b.after / capped, 1)})</td>
            </tr>
          ))}
        </tbody>
      </table>
      {ws.hasSource ? (
        <table className="self-start text-sm" data-testid="source-table">
          <caption className="mb-1 text-left text-sm font-medium">By metadata source</caption>
          <thead><tr className="border-b border-zinc-200 dark:border-zinc-800"><th className={th}>source</th><th className={th}>entries</th><th className={th}>zero-count</th><th className={th}>matches before</th><th className={th}>after</th></tr></thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.source} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className={td}>{s.source}</td><td className={td}>{fmtInt(s.entries)}</td><td className={td}>{fmtInt(s.zero)}</td>
                <td className={td}>{fmtInt(s.before)} ({fmtPct(s.before / total, 1)})</td><td className={td}>{fmtInt(s.after)} ({fmtPct(s.after / capped, 1)})</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="text-sm text-zinc-500">This metadata has no source column.</p>}
    </div>
  );
}
