/** How figures are printed on the page (the exact value also goes in a data-value attribute). */
export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
export const fmtPct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
export const fmtNum = (x: number, digits = 1) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** t values of MetaCLIP's plots (paper scale), scaled to a pool by its share of Pool 1's 5.6B matches. */
export const PAPER_TS = [20_000, 90_000, 170_000] as const;
export function scaledT(t: number, totalMatches: number): number {
  return Math.max(1, Math.round((t * totalMatches) / 5.6e9));
}

export interface PaperOverlays {
  shown: { paper: number; t: number }[];
  /** Why some (or all) are not drawn; null when all are. */
  note: string | null;
}

/**
 * The paper's t values worth drawing on this pool: a scaled t below 2 caps every matched entry at 1
 * (one flat line), two that round alike are one line, and one at or above the largest count caps
 * nothing (it is the raw line). Those left out are named, with why.
 */
export function paperOverlays(totalMatches: number, maxCount: number): PaperOverlays {
  const shown: PaperOverlays["shown"] = [];
  const out: string[] = [];
  for (const paper of PAPER_TS) {
    const t = scaledT(paper, totalMatches);
    const label = `${paper / 1000}k → ${t.toLocaleString("en-US")}`;
    if (t < 2) out.push(`${label} (every entry capped at 1)`);
    else if (t >= maxCount) out.push(`${label} (at or above the largest count, ${maxCount.toLocaleString("en-US")}: nothing capped)`);
    else if (shown.some((s) => s.t === t)) out.push(`${label} (the same line as a smaller one)`);
    else shown.push({ paper, t });
  }
  const share = totalMatches / 5.6e9;
  return {
    shown,
    note: out.length === 0 ? null : `MetaCLIP's t scaled to this pool (${totalMatches.toLocaleString("en-US")} matches, ${share < 0.001 ? share.toExponential(1) : share.toPrecision(2)} of Pool 1's 5.6B) ${shown.length ? "not drawn" : "all meaningless here"}: ${out.join("; ")}.`,
  };
}
