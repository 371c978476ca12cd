import { spacing } from "./normalize";
import { worldwidePattern } from "./worldwide";

/** How an entry is padded before it is searched for: MetaCLIP's `" " + entry + " "`, or MetaCLIP 2's rule (lib/curation/worldwide). */
export type EntryPadding = "metaclip" | "worldwide";

/**
 * The specification, literally: every entry whose padded text is a substring of `spacing(text)`, in
 * ascending id order. Slow (one scan per entry); the judge of the fast matcher.
 */
export function bruteForceMatch(text: string, entries: readonly string[], padding: EntryPadding = "metaclip"): number[] {
  const normalised = spacing(text);
  const ids: number[] = [];
  for (let e = 0; e < entries.length; e++) {
    const pattern = padding === "metaclip" ? " " + entries[e] + " " : worldwidePattern(entries[e]);
    if (pattern !== null && normalised.includes(pattern)) ids.push(e);
  }
  return ids;
}
