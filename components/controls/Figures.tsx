"use client";
import { useEffect } from "react";
import { emit } from "../../lib/browser/events";
import { fmtInt, fmtNum, fmtP, fmtPct } from "../../lib/browser/format";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import type { CountDistribution } from "../../lib/curation/distribution";
import type { ExpectedAtT } from "./useExpectedSize";

function Stat({ id, label, value, text, note }: { id: string; label: string; value: number | string; text: string; note?: string }) {
  return (
    <div className="rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid={id} data-value={String(value)}>{text}</dd>
      {note && <p className="mt-1 text-xs text-zinc-500">{note}</p>}
    </div>
  );
}

/**
 * The live figures at t: from the sorted counts at once, the expected size from the worker. Shares
 * follow one convention: MetaCLIP's p is a fraction, as the paper writes it; every other share is a
 * percentage, written with "%".
 */
export function Figures({ ws, dist = ws.dist, t, expected, label }: { ws: LoadedWorkspace; dist?: CountDistribution; t: number; expected: ExpectedAtT; label?: string }) {
  const f = dist.figuresAt(t);

  useEffect(() => {
    emit({ type: "figures", t, headEntries: f.headEntries, headShare: f.headShare, tailShare: f.tailShare });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws, dist, t]);

  // the size curve is over the workspace's t (English's in a worldwide one): shown only for every entry
  const curvePoint = dist === ws.dist ? ws.sizeCurve.filter((p) => p.t <= t).at(-1) : undefined;
  let expectedText = "…", expectedNote = "computing…", expectedValue: number | string = "";
  if (expected.status === "none") { expectedText = "—"; expectedNote = "open matches.parquet to compute it"; }
  else if (expected.status === "error") { expectedText = "—"; expectedNote = expected.message; }
  else if (expected.status === "ready") {
    expectedValue = expected.value;
    expectedText = fmtNum(expected.value, 1);
    const rate = expected.value / expected.totalRows;
    expectedNote = expected.sampled
      ? `sample estimate: exact over ${fmtInt(expected.sampleRows)} of ${fmtInt(expected.totalRows)} matched rows, scaled; keep rate ${fmtPct(rate)} of matched rows` +
        (curvePoint ? `; size_curve.parquet at t = ${fmtInt(curvePoint.t)}: ${fmtNum(curvePoint.expectedSize, 1)}` : "")
      : `exact over all ${fmtInt(expected.totalRows)} matched rows; keep rate ${fmtPct(rate)} of them`;
  }
  const sampled = ws.matches.state === "ready" && ws.matches.sampled;
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" aria-live="polite" aria-label={label} data-label={label}>
      <Stat id="stat-head-entries" label="head entries (count > t)" value={f.headEntries} text={fmtInt(f.headEntries)} note={`of ${fmtInt(dist.entries)} entries${label ? ` (${label})` : ""}`} />
      <Stat id="stat-head-share" label="head share of matches (%)" value={f.headShare} text={fmtPct(f.headShare, 3)} note="matches in entries with count > t" />
      <Stat id="stat-tail-share" label="tail share p = t_to_p(t)" value={f.tailShare} text={fmtP(f.tailShare)}
        note="a fraction, as in the paper: the share of matches in entries with count < t" />
      <Stat id="stat-zero-entries" label="zero-count entries" value={dist.zeroEntries} text={fmtInt(dist.zeroEntries)} />
      <Stat id="stat-capped-matches" label="matches kept, Σ min(count, t)" value={f.cappedMatches} text={fmtInt(f.cappedMatches)}
        note={`of ${fmtInt(dist.total)} matches: ${fmtPct(dist.total ? f.cappedMatches / dist.total : 0)}`} />
      <Stat id="stat-expected-size" label={sampled ? "expected curated size (sample, scaled)" : "expected curated size (exact)"} value={expectedValue} text={expectedText} note={expectedNote} />
    </dl>
  );
}
