/** How figures are printed on the page (the exact value also goes in a data-value attribute). */
export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
export const fmtPct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
export const fmtNum = (x: number, digits = 1) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** t values of MetaCLIP's plots (paper scale), scaled to a pool by its share of Pool 1's 5.6B matches. */
export const PAPER_TS = [20_000, 90_000, 170_000] as const;
export function scaledT(t: number, totalMatches: number): number {
  return Math.max(1, Math.round((t * totalMatches) / 5.6e9));
}
