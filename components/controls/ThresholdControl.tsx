"use client";
import { useEffect, useRef, useState } from "react";
import type { CountDistribution } from "../../lib/curation/distribution";
import { fmtInt, fmtNum, fmtP, fmtT } from "../../lib/browser/format";
import type { TargetSolved } from "../../lib/browser/workspace";
import { parsePText, parseSizeText, parseTText } from "../../lib/options/thresholdText";
import type { ExpectedAtT } from "./useExpectedSize";

/** Solves t for a target size (the engine's --target-size rule, in the matches worker). */
export type TargetSolver = (size: number) => Promise<TargetSolved>;

type Box = "t" | "p" | "size";

/** What a box's last apply said, for the t it was said at (a new t makes it stale). */
interface Said { t: number; kind: "error" | "note"; box: Box; text: string; useT?: number }

/**
 * One setting shown three ways: t (slider or typed), MetaCLIP's tail share p = t_to_p(t), and the
 * expected curated size at t. Each box shows what the current t implies; typing in one and pressing
 * Enter or leaving it applies it (p through p_to_t, a size through the engine's --target-size rule),
 * and the other two then show what the t it gave implies. Escape puts the box back. `noCap` is the t
 * "∞" stands for (the workspace's: its largest count, or on a worldwide workspace, where t is
 * English's, one above English's largest count).
 */
export function ThresholdControl({ dist, noCap, worldwide = false, t, onT, target, expected }: { dist: CountDistribution; noCap: number; worldwide?: boolean; t: number; onT: (t: number) => void; target?: TargetSolver; expected: ExpectedAtT }) {
  const max = Math.max(2, noCap);
  const logMax = Math.log10(max);
  // typed text, valid while t is the t it was typed at
  const [drafts, setDrafts] = useState<Partial<Record<Box, { t: number; text: string }>>>({});
  const [said, setSaid] = useState<Said | null>(null);
  const tNow = useRef(t);
  useEffect(() => { tNow.current = t; }, [t]);
  const solving = useRef<string | null>(null);

  const implied: Record<Box, string> = {
    t: fmtT(t),
    p: dist.total > 0 ? fmtP(dist.figuresAt(t).tailShare) : "",
    size: expected.status === "ready" && expected.t === t ? fmtInt(expected.value) : "",
  };
  const shown = (box: Box) => { const d = drafts[box]; return d && d.t === t ? d.text : implied[box]; };
  const typed = (box: Box) => { const d = drafts[box]; return d && d.t === t && d.text !== implied[box] ? d.text : null; };
  const edit = (box: Box, text: string) => setDrafts((ds) => ({ ...ds, [box]: { t, text } }));
  const revert = (box: Box) => {
    setDrafts((ds) => ({ ...ds, [box]: undefined }));
    setSaid((s) => (s?.kind === "error" && s.box === box ? null : s));
  };
  const fail = (box: Box, text: string) => setSaid({ t, kind: "error", box, text });
  const apply = (next: number, note?: { box: Box; text: string }) => {
    setDrafts({});
    setSaid(note ? { t: next, kind: "note", ...note } : null);
    onT(next);
  };

  const commitT = () => {
    const text = typed("t");
    if (text === null) return;
    const r = parseTText(text);
    if (!r.ok) return fail("t", `t ${r.problem}`);
    apply(r.value === Infinity ? noCap : r.value);
  };
  const commitP = () => {
    const text = typed("p");
    if (text === null) return;
    const r = parsePText(text);
    if (!r.ok) return fail("p", `p ${r.problem}`);
    if (dist.total === 0) return fail("p", "p needs matches: this workspace has none");
    const tp = dist.tForTailShare(r.value);
    if (tp < 1) return fail("p", `p = ${text.trim()} lands on a zero count (t = ${tp}); choose a larger p`);
    const gives = dist.figuresAt(tp).tailShare;
    apply(tp, { box: "p", text: `p = ${text.trim()} gives t = ${fmtT(tp)} (p_to_t)` +
      (fmtP(gives) !== fmtP(r.value) ? `; t is a whole count, so the tail share at t = ${fmtT(tp)} is p = ${fmtP(gives)}` : "") });
  };
  const commitSize = async () => {
    const text = typed("size");
    if (text === null || solving.current === text) return;
    const r = parseSizeText(text);
    if (!r.ok) return fail("size", `target size ${r.problem}`);
    if (!target || expected.status === "none") return fail("size", "a target size needs the workspace's matches.parquet");
    const at = t;
    solving.current = text;
    try {
      const s = await target(r.value);
      if (tNow.current !== at) return; // t moved while it was solved: the later choice stands
      if (r.value > s.largest) {
        const already = at >= s.t; // E is non-decreasing in t: the current t reaches it too
        return setSaid({ t: at, kind: "error", box: "size", useT: already ? undefined : s.t,
          text: `target size ${fmtInt(r.value)} rows is more than this pool can give: the largest reachable size is ${fmtNum(s.largest, 0)} rows (every matched row kept, t ≥ ${fmtT(s.t)})${s.sampled ? ", estimated from the matches sample" : ""}${already ? `; t = ${fmtT(at)} already gives it` : ""}.` });
      }
      apply(s.t, { box: "size", text: `target ${fmtInt(r.value)} rows: t = ${fmtT(s.t)} gives an expected size of ${s.value.toLocaleString("en-US", { maximumFractionDigits: 1 })} rows, the closest a whole t gives${s.sampled ? " (approximate: from the matches sample)" : ""}` });
    } catch (e) {
      if (tNow.current === at) fail("size", (e as Error).message);
    } finally {
      solving.current = null;
    }
  };
  const commit: Record<Box, () => void> = { t: commitT, p: commitP, size: () => void commitSize() };
  const keys = (box: Box) => (e: React.KeyboardEvent<HTMLInputElement>) => {
    // Enter on a box showing what t implies confirms t (it goes in the URL); leaving it does nothing
    if (e.key === "Enter") { if (typed(box) === null) onT(t); else commit[box](); }
    else if (e.key === "Escape") revert(box);
  };
  const now = said && said.t === t ? said : null;
  const box = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";
  const sizePlaceholder = expected.status === "none" ? "needs matches" : expected.status === "error" ? "—" : expected.status === "computing" ? "computing…" : "rows";
  return (
    <div className="flex flex-wrap items-end gap-4">
      <label className="flex min-w-64 flex-1 flex-col text-sm">
        <span>t (log scale, 1 – {fmtInt(max)})</span>
        <input type="range" min={0} max={logMax} step={logMax / 1000} value={Math.log10(Math.min(Math.max(t, 1), max))} data-testid="slider-t"
          aria-label="t on a log scale" aria-valuetext={`t = ${fmtT(t)}`}
          onChange={(e) => apply(Math.max(1, Math.round(10 ** Number(e.target.value))))} className="accent-sky-600" />
      </label>
      <label className="flex flex-col text-sm">
        <span>t <span className="text-xs text-zinc-500">(∞: no cap)</span></span>
        <input data-testid="input-t" inputMode="numeric" value={shown("t")} onChange={(e) => edit("t", e.target.value)}
          onKeyDown={keys("t")} onBlur={commitT} aria-describedby="threshold-help"
          title={`a whole number of matches per entry: 20000, 20,000 or 20k; ∞ (or inf) for no cap, t = ${fmtT(noCap)}`} className={`w-32 ${box}`} />
      </label>
      <label className="flex flex-col text-sm">
        <span>tail share p <span className="text-xs text-zinc-500">(0–1, or %)</span></span>
        <input data-testid="input-p" inputMode="decimal" placeholder="e.g. 0.06" value={shown("p")} onChange={(e) => edit("p", e.target.value)}
          onKeyDown={keys("p")} onBlur={commitP} aria-describedby="threshold-help"
          title="MetaCLIP's p: the share of matches in entries with count < t, as a fraction (0.06) or a percentage (6%)" className={`w-28 ${box}`} />
      </label>
      <label className="flex flex-col text-sm">
        <span>target size <span className="text-xs text-zinc-500">(rows)</span></span>
        <input data-testid="input-target-size" inputMode="numeric" placeholder={sizePlaceholder} value={shown("size")} onChange={(e) => edit("size", e.target.value)}
          onKeyDown={keys("size")} onBlur={() => void commitSize()} aria-describedby="threshold-help" aria-busy={expected.status === "computing"}
          title="the expected curated size at t; type a size to get the whole t whose expected size is closest" className={`w-32 ${box}`} />
      </label>
      <p id="threshold-help" className="w-full text-xs text-zinc-500">
        t, p and the target size are one setting: type in any box and press Enter or leave it, and the other two show what it implies (Escape puts a box back).
      </p>
      {now?.kind === "note" && now.box === "size" && <p data-testid="target-solved" className="w-full text-xs text-zinc-500">{now.text}</p>}
      {now?.kind === "note" && now.box === "p" && <p data-testid="p-solved" className="w-full text-xs text-zinc-500">{now.text}</p>}
      {t >= dist.maxCount && now?.kind !== "error" && (
        <p data-testid="threshold-note" className="w-full text-xs text-amber-700 dark:text-amber-400">
          {!worldwide ? <>
            t = {fmtT(t)} is {t === dist.maxCount ? "the largest count" : `above the largest count (${fmtInt(dist.maxCount)})`}: no entry is capped (as with t = ∞), so balancing keeps every matched row.
            {t === dist.maxCount && dist.total > 0 && ` p = t_to_p(t) counts only entries with count < t, so it is ${fmtP(dist.figuresAt(t).tailShare)} here, not 1.`}
          </> : t >= noCap ? <>
            English&apos;s t = {fmtT(t)} is above its largest count ({fmtInt(dist.maxCount)}): English&apos;s tail share p is 1, so every language&apos;s t is at or above its own largest count; no entry is capped (as with t = ∞), and balancing keeps every matched row.
          </> : <>
            English&apos;s t = {fmtT(t)} is its largest count: no English entry is capped, but p = t_to_p(t) counts only entries with count &lt; t, so it is {fmtP(dist.figuresAt(t).tailShare)} here, not 1, and other languages&apos; t (p_to_t at that p) may cap some of their entries. t = {fmtT(noCap)} (∞) caps nothing.
          </>}
        </p>
      )}
      {now?.kind === "error" && (
        <p role="alert" data-testid="threshold-error" data-box={now.box} className="w-full text-sm text-red-700 dark:text-red-400">
          {now.text}
          {now.useT !== undefined && (
            <button type="button" data-testid="use-largest" onClick={() => apply(now.useT!)}
              className="ml-2 rounded border border-red-300 px-2 py-0.5 text-xs hover:bg-red-50 dark:border-red-800 dark:hover:bg-red-950">use t = {fmtT(now.useT)}</button>
          )}
        </p>
      )}
    </div>
  );
}
