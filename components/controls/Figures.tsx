"use client";
import { useEffect, useState } from "react";
import { emit } from "../../lib/browser/events";
import { fmtInt, fmtNum, fmtPct } from "../../lib/browser/format";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import { useWorkspaceVersion } from "../useWorkspace";

interface Expected { t: number; value: number; ms: number }

function Stat({ id, label, value, text, note }: { id: string; label: string; value: number | string; text: string; note?: string }) {
  return (
    <div className="rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid={id} data-value={String(value)}>{text}</dd>
      {note && <p className="mt-1 text-xs text-zinc-500">{note}</p>}
    </div>
  );
}

/** The live figures at t: from the sorted counts at once, the expected size from the worker. */
export function Figures({ ws, t }: { ws: LoadedWorkspace; t: number }) {
  useWorkspaceVersion(ws);
  const f = ws.dist.figuresAt(t);
  const [expected, setExpected] = useState<Expected | null>(null);
  const [error, setError] = useState<string | null>(null);
  const m = ws.matches;

  useEffect(() => {
    emit({ type: "figures", t, headEntries: f.headEntries, headShare: f.headShare, tailShare: f.tailShare });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws, t]);

  useEffect(() => {
    if (m.state !== "ready") return;
    let live = true;
    ws.expectedSize(t).then((r) => {
      if (!live) return;
      setExpected({ t, value: r.value, ms: r.ms });
      setError(null);
      performance.mark("metacurate:expected-size");
      emit({ type: "expected-size", t, value: r.value, ms: r.ms });
    }, (e: Error) => live && setError(e.message));
    return () => { live = false; };
  }, [ws, t, m.state]);

  const scale = m.state === "ready" && m.sampled ? m.totalRows / m.sampleRows : 1;
  const current = expected && expected.t === t ? expected : null;
  const curvePoint = ws.sizeCurve.filter((p) => p.t <= t).at(-1);
  let expectedText = "…", expectedNote = "", expectedValue: number | string = "";
  if (m.state === "none") { expectedText = "—"; expectedNote = "open matches.parquet to compute it"; }
  else if (m.state === "error") { expectedText = "—"; expectedNote = m.message; }
  else if (current && m.state === "ready") {
    const value = current.value * scale;
    expectedValue = value;
    expectedText = fmtNum(value, 1);
    const rate = m.state === "ready" ? value / m.totalRows : 0;
    expectedNote = m.sampled
      ? `sample estimate: exact over ${fmtInt(m.sampleRows)} of ${fmtInt(m.totalRows)} matched rows, scaled; keep rate ${fmtPct(rate)}` +
        (curvePoint ? `; size_curve.parquet at t = ${fmtInt(curvePoint.t)}: ${fmtNum(curvePoint.expectedSize, 1)}` : "")
      : `exact over all ${fmtInt(m.totalRows)} matched rows; keep rate ${fmtPct(rate)}`;
  }
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" aria-live="polite">
      <Stat id="stat-head-entries" label="head entries (count > t)" value={f.headEntries} text={fmtInt(f.headEntries)} note={`of ${fmtInt(ws.dist.entries)} entries`} />
      <Stat id="stat-head-share" label="head share of matches" value={f.headShare} text={fmtPct(f.headShare, 3)} />
      <Stat id="stat-tail-share" label="tail share p = t_to_p(t)" value={f.tailShare} text={f.tailShare.toFixed(6)} />
      <Stat id="stat-zero-entries" label="zero-count entries" value={ws.dist.zeroEntries} text={fmtInt(ws.dist.zeroEntries)} />
      <Stat id="stat-capped-matches" label="matches kept, Σ min(count, t)" value={f.cappedMatches} text={fmtInt(f.cappedMatches)} note={`of ${fmtInt(ws.dist.total)} (${fmtPct(ws.dist.total ? f.cappedMatches / ws.dist.total : 0)})`} />
      <Stat id="stat-expected-size" label={m.state === "ready" && m.sampled ? "expected curated size (sample, scaled)" : "expected curated size (exact)"} value={expectedValue} text={expectedText} note={error ?? expectedNote} />
    </dl>
  );
}
