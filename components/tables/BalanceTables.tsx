"use client";
import { useEffect, useState } from "react";
import { rows } from "../../lib/browser/duckdb";
import { emit } from "../../lib/browser/events";
import { fmtInt, fmtPctSmall } from "../../lib/browser/format";
import { bandTableSql, PAPER_BANDS, scaledBands, sourceTableSql } from "../../lib/browser/sql";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import type { CountDistribution } from "../../lib/curation/distribution";

interface BandRow { band: number; entries: number; before: number; after: number }
interface SourceRow { source: string; entries: number; zero: number; before: number; after: number }

const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
/** The paper bands a row stands for: "10k–20k", or "0–500k" for several merged. */
const paperLabel = (paper: number[]) => {
  const first = paper[0], last = paper[paper.length - 1];
  return last + 1 < PAPER_BANDS.length ? `${k(PAPER_BANDS[first])}–${k(PAPER_BANDS[last + 1])}` : `≥ ${k(PAPER_BANDS[first])}`;
};

/** Before/after balancing by count band (MetaCLIP Table 13, scaled to this pool) and by metadata source. */
export function BalanceTables({ ws, t, dist = ws.dist, range = null }: { ws: LoadedWorkspace; t: number; dist?: CountDistribution; range?: { offset: number; entries: number } | null }) {
  const [bands, setBands] = useState<BandRow[]>([]);
  const [sources, setSources] = useState<SourceRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const groups = scaledBands(dist.total);
  const edges = groups.map((g) => g.lower);
  const merged = groups.filter((g) => g.paper.length > 1);
  useEffect(() => {
    let live = true;
    void (async () => {
      const conn = await ws.entriesDb;
      const b = await rows<BandRow>(conn, bandTableSql(edges, t, range));
      const s = ws.hasSource ? await rows<SourceRow>(conn, sourceTableSql(t, range)) : [];
      if (!live) return;
      setBands(b);
      setSources(s);
      setError(null);
      emit({ type: "tables", t });
    })().catch((e: Error) => live && setError(e.message));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws, t, range]);
  const total = dist.total || 1;
  const capped = dist.figuresAt(t).cappedMatches || 1;
  const th = "px-2 py-1 text-left font-medium", td = "px-2 py-1 tabular-nums";
  if (error) return <p role="alert" className="text-sm text-red-700 dark:text-red-400">The band and source tables need DuckDB: {error}</p>;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <table className="self-start text-sm" data-testid="band-table">
        <caption className="mb-1 text-left text-sm font-medium">By count band (MetaCLIP Table 13, scaled to {fmtInt(dist.total)} matches)</caption>
        <thead><tr className="border-b border-zinc-200 dark:border-zinc-800"><th className={th}>paper band</th><th className={th}>here</th><th className={th}>entries</th><th className={th}>matches before (% of all)</th><th className={th}>after, Σ min(c, t) (% of kept)</th></tr></thead>
        <tbody>
          {groups.map((g, i) => ({ g, i, b: bands.find((x) => x.band === i) ?? { band: i, entries: 0, before: 0, after: 0 } })).map(({ g, i, b }) => (
            <tr key={i} className="border-b border-zinc-100 dark:border-zinc-900" data-testid="band-row">
              <td className={td}>{paperLabel(g.paper)}</td>
              <td className={td}>{i + 1 < edges.length ? (edges[i + 1] - 1 === edges[i] ? fmtInt(edges[i]) : `${fmtInt(edges[i])}–${fmtInt(edges[i + 1] - 1)}`) : `≥ ${fmtInt(edges[i])}`}</td>
              <td className={td}>{fmtInt(b.entries)}</td>
              <td className={td}>{fmtInt(b.before)} ({fmtPctSmall(b.before / total, 1)})</td>
              <td className={td}>{fmtInt(b.after)} ({fmtPctSmall(b.after / capped, 1)})</td>
            </tr>
          ))}
        </tbody>
        {merged.length > 0 && (
          <tfoot><tr><td colSpan={5} className="px-2 pt-1 text-xs text-zinc-500" data-testid="band-note">
            At this pool&apos;s size, {merged.map((g) => `the paper's bands ${g.paper.map((p) => paperLabel([p])).join(", ")}`).join("; and ")} scale to less than one match apart, so each such group is one row here. Bands with no entries show 0.
          </td></tr></tfoot>
        )}
      </table>
      {ws.hasSource ? (
        <table className="self-start text-sm" data-testid="source-table">
          <caption className="mb-1 text-left text-sm font-medium">By metadata source</caption>
          <thead><tr className="border-b border-zinc-200 dark:border-zinc-800"><th className={th}>source</th><th className={th}>entries</th><th className={th}>zero-count</th><th className={th}>matches before (% of all)</th><th className={th}>after (% of kept)</th></tr></thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.source} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className={td}>{s.source}</td><td className={td}>{fmtInt(s.entries)}</td><td className={td}>{fmtInt(s.zero)}</td>
                <td className={td}>{fmtInt(s.before)} ({fmtPctSmall(s.before / total, 1)})</td><td className={td}>{fmtInt(s.after)} ({fmtPctSmall(s.after / capped, 1)})</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="text-sm text-zinc-500">This metadata has no source column.</p>}
    </div>
  );
}
