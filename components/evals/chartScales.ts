/** A y (or x) domain that holds every value with room around it, so no mark or label sits on the frame. */
export function paddedDomain(values: readonly number[], pad = 0.12, minSpan = 0.02): [number, number] {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return [0, 1];
  let lo = Math.min(...xs), hi = Math.max(...xs);
  if (hi - lo < minSpan) { const mid = (lo + hi) / 2; lo = mid - minSpan / 2; hi = mid + minSpan / 2; }
  const room = (hi - lo) * pad;
  return [lo - room, hi + room];
}

/** "+0.041", "−0.012", "0.000": a difference, its sign always written. */
export function signed(x: number, digits = 3): string {
  const s = Math.abs(x).toFixed(digits);
  return Number(s) === 0 ? s : `${x > 0 ? "+" : "−"}${s}`;
}
