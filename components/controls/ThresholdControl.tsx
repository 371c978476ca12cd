"use client";
import { useEffect, useState } from "react";
import type { CountDistribution } from "../../lib/curation/distribution";
import { fmtInt } from "../../lib/browser/format";
import { targetSizeField } from "../../lib/options/fields";

/** Solves t for a target size (the engine's --target-size rule, in the matches worker). */
export type TargetSolver = (size: number) => Promise<{ t: number; value: number; sampled: boolean }>;

/**
 * t by a log-scale slider or typed; p (tail share) typed and turned into t with p_to_t; or a target
 * size, turned into the integer t whose exact expected size is closest (checked by the CLI's rule).
 */
export function ThresholdControl({ dist, t, onT, target }: { dist: CountDistribution; t: number; onT: (t: number) => void; target?: TargetSolver }) {
  const max = Math.max(2, dist.maxCount);
  const logMax = Math.log10(max);
  const [tText, setTText] = useState(String(t));
  const [pText, setPText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sizeText, setSizeText] = useState("");
  const [solved, setSolved] = useState<{ t: number; text: string } | null>(null);
  // a new t (slider, typed, p, URL) makes an earlier input's error stale
  useEffect(() => { setTText(String(t)); setError(null); }, [t]);

  const commitT = () => {
    const v = Number(tText);
    if (!Number.isFinite(v) || v < 1) { setError(`t must be a number ≥ 1 (got "${tText}")`); return; }
    setError(null);
    onT(v);
  };
  const commitP = () => {
    const p = Number(pText);
    if (pText.trim() === "" || !Number.isFinite(p) || p < 0 || p > 1) { setError(`p must be a number in [0, 1] (got "${pText}")`); return; }
    const tp = dist.tForTailShare(p);
    if (tp < 1) { setError(`p = ${p} lands on a zero count (t = ${tp}); choose a larger p`); return; }
    setError(null);
    onT(tp);
  };
  const commitSize = async () => {
    const parsed = targetSizeField.safeParse(sizeText.trim() === "" ? Number.NaN : Number(sizeText));
    if (!parsed.success) { setError(`target size must be a whole number of rows, at least 1 (got "${sizeText}")`); return; }
    if (!target) { setError("a target size needs the workspace's matches.parquet"); return; }
    try {
      const r = await target(parsed.data);
      setError(null);
      setSolved({ t: r.t, text: `t = ${fmtInt(r.t)} gives an expected size of ${r.value.toLocaleString("en-US", { maximumFractionDigits: 1 })} rows${r.sampled ? " (approximate: from the matches sample)" : ""}` });
      onT(r.t);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="flex flex-wrap items-end gap-4">
      <label className="flex min-w-64 flex-1 flex-col text-sm">
        <span>t (log scale, 1 – {fmtInt(max)})</span>
        <input type="range" min={0} max={logMax} step={logMax / 1000} value={Math.log10(Math.min(Math.max(t, 1), max))} data-testid="slider-t"
          aria-label="t on a log scale" aria-valuetext={`t = ${fmtInt(t)}`}
          onChange={(e) => { setError(null); onT(Math.max(1, Math.round(10 ** Number(e.target.value)))); }} className="accent-sky-600" />
      </label>
      <label className="flex flex-col text-sm">
        <span>t</span>
        <input data-testid="input-t" inputMode="numeric" value={tText} onChange={(e) => setTText(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") commitT(); }} onBlur={commitT}
          className="w-32 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
      </label>
      <label className="flex flex-col text-sm">
        <span>or tail share p</span>
        <input data-testid="input-p" inputMode="decimal" placeholder="e.g. 0.06" value={pText} onChange={(e) => setPText(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") commitP(); }}
          className="w-28 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
      </label>
      <label className="flex flex-col text-sm">
        <span>or target size</span>
        <input data-testid="input-target-size" inputMode="numeric" placeholder="rows" value={sizeText} onChange={(e) => setSizeText(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") void commitSize(); }}
          className="w-32 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
      </label>
      {solved && solved.t === t && !error && <p data-testid="target-solved" className="w-full text-xs text-zinc-500">{solved.text}</p>}
      {t > dist.maxCount && !error && <p data-testid="threshold-note" className="w-full text-xs text-amber-700 dark:text-amber-400">t = {fmtInt(t)} is above the largest count ({fmtInt(dist.maxCount)}): no entry is capped, so balancing keeps every matched row.</p>}
      {error && <p role="alert" data-testid="threshold-error" className="w-full text-sm text-red-700 dark:text-red-400">{error}</p>}
    </div>
  );
}
