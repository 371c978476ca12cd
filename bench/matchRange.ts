// Matches captions [from, to) of a buffer the way the match command does: the bytes loaded into the
// kernel once, then batches of MATCH_BATCH texts. Returns the number of matches.
import { MATCH_BATCH, type TokenMatcher } from "../lib/curation/automaton";

export function matchRange(matcher: TokenMatcher, bytes: Uint8Array, starts: Int32Array, from: number, to: number): number {
  const base = starts[from];
  matcher.setTexts(bytes.subarray(base, starts[to]));
  const bounds = new Int32Array(2 * MATCH_BATCH);
  let matches = 0;
  for (let i = from; i < to; i += MATCH_BATCH) {
    const count = Math.min(MATCH_BATCH, to - i);
    for (let k = 0; k < count; k++) { bounds[2 * k] = starts[i + k] - base; bounds[2 * k + 1] = starts[i + k + 1] - 1 - base; }
    matcher.matchBatch(bounds, count);
    matches += matcher.idStarts[count];
  }
  return matches;
}
