/** How figures are printed on the page (the exact value also goes in a data-value attribute). */
export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
export const fmtPct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
/** t as the page prints it (and the t box reads back): "20,000"; a t the CLI set to a fraction keeps its digits. */
export const fmtT = (t: number) => (Number.isInteger(t) ? fmtInt(t) : t.toLocaleString("en-US", { maximumFractionDigits: 6 }));

/**
 * MetaCLIP's p (the tail share t_to_p) as the paper writes it: a fraction, not a percentage. Three
 * decimals ("0.060"), more for a small p so two significant digits show ("0.0012"); a p too small for
 * that in eight decimals is written in scientific notation. Every other share is a percentage (fmtPct).
 */
export function fmtP(p: number): string {
  if (p === 0 || p === 1 || !Number.isFinite(p)) return p.toFixed(3);
  const decimals = Math.max(3, Math.ceil(-Math.log10(p)) + 1);
  return decimals > 8 ? p.toExponential(1) : p.toFixed(decimals);
}

/** A share as a percentage with `digits` decimals, more when a share above 0 would print as 0 ("0.00018%", not "0.00%"). */
export function fmtPctSmall(x: number, digits = 2): string {
  const pct = x * 100;
  if (!(x > 0) || Number(pct.toFixed(digits)) !== 0) return fmtPct(x, digits);
  return `${pct.toFixed(Math.min(12, Math.ceil(-Math.log10(pct)) + 1))}%`;
}

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
    note: out.length === 0 ? null : `MetaCLIP's t scaled to this pool (${totalMatches.toLocaleString("en-US")} matches, ${fmtPctSmall(share)} of Pool 1's 5.6B) ${shown.length ? "not drawn" : "all meaningless here"}: ${out.join("; ")}.`,
  };
}
