import { spacing } from "./normalize";

/**
 * The specification, literally: every entry whose `" " + entry + " "` is a substring of
 * `spacing(text)`, in ascending id order. Slow (one scan per entry); the judge of the fast matcher.
 */
export function bruteForceMatch(text: string, entries: readonly string[]): number[] {
  const normalised = spacing(text);
  const ids: number[] = [];
  for (let e = 0; e < entries.length; e++) if (normalised.includes(" " + entries[e] + " ")) ids.push(e);
  return ids;
}
