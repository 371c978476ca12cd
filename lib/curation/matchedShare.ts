/**
 * The share of pool rows with a match, and why it may be low: matching is case-sensitive (MetaCLIP's
 * rule: "Dog" in a caption does not match the entry "dog"), so a short or lower-case metadata list
 * matches few rows. One wording for the CLI and the dashboard. Isomorphic.
 */
export const LOW_MATCHED_SHARE = 0.5;

export function matchedShare(rowsMatched: number, rowsRead: number): number {
  return rowsRead > 0 ? rowsMatched / rowsRead : 0;
}

export function matchedShareNote(rowsMatched: number, rowsRead: number): string {
  const share = matchedShare(rowsMatched, rowsRead);
  const base = `${rowsMatched.toLocaleString("en-US")} of ${rowsRead.toLocaleString("en-US")} rows matched (${(100 * share).toFixed(2)}%). Matching is case-sensitive, as MetaCLIP's: "Dog" does not match the entry "dog".`;
  return share < LOW_MATCHED_SHARE ? `${base} Few rows match: a short or lower-case metadata list misses capitalised captions (MetaCLIP's 500k entries hold both cases of common words).` : base;
}
