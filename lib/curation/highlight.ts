/**
 * Where each matched entry sits in the original caption, for highlighting. Applies the same rule as
 * the matcher (`" " + entry + " "` in `spacing(text)`, overlapping) while keeping a map from the
 * normalised text back to the caption's own characters.
 */
import type { EntryPadding } from "./bruteForce";
import { SPACED_WHITESPACE, WRAPPED_PUNCTUATION } from "./normalize";
import { worldwidePattern } from "./worldwide";

export interface MatchSpan {
  /** UTF-16 offsets into the original caption, end exclusive. */
  start: number;
  end: number;
  entryId: number;
}

const WRAPPED = new Set<string>(WRAPPED_PUNCTUATION);
const SPACED = new Set<string>(SPACED_WHITESPACE);

/** spacing(text) and, for each of its code units, the caption offset it came from (-1 for added spaces). */
export function spacingWithOffsets(text: string): { normalised: string; origin: Int32Array } {
  const parts: string[] = [" "];
  const origin: number[] = [-1];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (WRAPPED.has(ch)) { parts.push(" ", ch, " "); origin.push(-1, i, -1); }
    else if (SPACED.has(ch)) { parts.push(" "); origin.push(i); }
    else { parts.push(ch); origin.push(i); }
  }
  parts.push(" ");
  origin.push(-1);
  return { normalised: parts.join(""), origin: Int32Array.from(origin) };
}

/** Every occurrence of every given entry, as caption spans, sorted by start then longest first; entries padded as the matcher pads them. */
export function matchSpans(text: string, entries: ReadonlyArray<{ id: number; entry: string }>, padding: EntryPadding = "metaclip"): MatchSpan[] {
  const { normalised, origin } = spacingWithOffsets(text);
  const spans: MatchSpan[] = [];
  for (const { id, entry } of entries) {
    if (entry.length === 0) continue;
    const needle = padding === "metaclip" ? " " + entry + " " : worldwidePattern(entry)!;
    const lead = needle.startsWith(" ") && needle.length > entry.length ? 1 : 0;
    for (let at = normalised.indexOf(needle); at !== -1; at = normalised.indexOf(needle, at + 1)) {
      // the entry's own characters are normalised[at+lead, at+lead+len); map the first and last real ones back
      let first = at + lead, last = at + lead + entry.length - 1;
      while (first <= last && origin[first] < 0) first++;
      while (last >= first && origin[last] < 0) last--;
      if (first <= last) spans.push({ start: origin[first], end: origin[last] + 1, entryId: id });
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end || a.entryId - b.entryId);
}
