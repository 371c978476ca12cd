/**
 * Matching one TextGroup: the unit of work of a match worker. Produces, for the matched rows in
 * row order, their offsets in the group, their entry ids and their uids.
 */
import { MATCH_BATCH } from "../curation/automaton";
import { NO_LANGUAGE } from "../curation/worldwideMatcher";
import type { TextGroup } from "../pool/pool";
import type { GroupLanguages } from "./matchLid";

/** What matchGroup needs of a matcher: TokenMatcher, or WorldwideMatcher (which reads each text's language). */
export interface GroupMatcher {
  setTexts(bytes: Uint8Array): void;
  textLineEnds(expected: number): Int32Array;
  lineEnds(bytes: Uint8Array, expected: number): Int32Array;
  matchBatch(bounds: Int32Array, count: number, langs: ArrayLike<number>): void;
  readonly ids: Int32Array;
  readonly idStarts: Int32Array;
}

export interface BatchResult {
  matchedRows: number;
  totalMatches: number;
  /** Offsets within the group of the matched rows. */
  rows: Int32Array;
  /** Matched row i holds ids[idStarts[i], idStarts[i + 1]), ascending. */
  idStarts: Int32Array;
  ids: Int32Array;
  /** Matched row i's uid is uids[uidStarts[i], uidStarts[i + 1] - 1), each uid followed by "\n". */
  uidStarts: Int32Array;
  uids: Uint8Array;
  /** A language-ID match's: every row's label and confidence (lib/pipeline/matchLid). */
  lid?: GroupLanguages;
}

class Int32Builder {
  buf = new Int32Array(1024);
  length = 0;
  pushAll(src: Int32Array, from: number, to: number): void {
    if (this.length + (to - from) > this.buf.length) this.grow(this.length + (to - from));
    this.buf.set(src.subarray(from, to), this.length);
    this.length += to - from;
  }
  private grow(min: number): void {
    const b = new Int32Array(Math.max(min, this.buf.length * 2));
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  done(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * Matches a group; the matcher counts the matched entries itself (see TokenMatcher.countInKernel).
 * Row boundaries come from the kernel's line scan, each batch's ids, already in row order, are
 * copied in one piece, and so are the uids of each run of consecutive matched rows.
 */
export function matchGroup(matcher: GroupMatcher, group: TextGroup): BatchResult {
  const bytes = group.bytes, uidBytes = group.uids, n = group.rows;
  const uidEnds = matcher.lineEnds(uidBytes, n - 1);
  matcher.setTexts(bytes);
  const textEnds = matcher.textLineEnds(n - 1);
  const rowsOut = new Int32Array(n), idStarts = new Int32Array(n + 1), uidStarts = new Int32Array(n + 1);
  const ids = new Int32Builder();
  const uidOut = new Uint8Array(uidBytes.length + 1);
  const uidStart = (r: number) => (r === 0 ? 0 : uidEnds[r - 1] + 1);
  const uidEnd = (r: number) => (r === n - 1 ? uidBytes.length : uidEnds[r]);
  let matched = 0, uidLen = 0;
  // matched rows [runFrom, runTo] are consecutive: their uids, with the "\n" between them, are one copy
  let runFrom = -1, runTo = -1;
  const copyRun = () => {
    if (runFrom < 0) return;
    const s = uidStart(runFrom), e = uidEnd(runTo);
    uidOut.set(uidBytes.subarray(s, e), uidLen);
    uidLen += e - s;
    uidOut[uidLen++] = 10;
    runFrom = -1;
  };
  let nullIdx = 0;
  const bounds = new Int32Array(2 * MATCH_BATCH);
  const rows = new Int32Array(MATCH_BATCH);
  const langs = group.langs, batchLangs = new Uint16Array(MATCH_BATCH);
  let pending = 0;
  const flush = () => {
    matcher.matchBatch(bounds, pending, batchLangs);
    const found = matcher.ids, foundStarts = matcher.idStarts;
    ids.pushAll(found, 0, foundStarts[pending]);
    const base = ids.length - foundStarts[pending];
    for (let k = 0; k < pending; k++) {
      const to = foundStarts[k + 1];
      if (to === foundStarts[k]) continue;
      const r = rows[k];
      if (runFrom >= 0 && r === runTo + 1) runTo = r;
      else { copyRun(); runFrom = runTo = r; }
      rowsOut[matched] = r;
      idStarts[matched + 1] = base + to;
      uidStarts[matched + 1] = uidLen + uidEnd(r) - uidStart(runFrom) + 1;
      matched++;
    }
    pending = 0;
  };
  for (let r = 0; r < n; r++) {
    if (nullIdx < group.nullRows.length && group.nullRows[nullIdx] === r) { nullIdx++; continue; }
    if (langs) {
      if (langs[r] === NO_LANGUAGE) continue; // a language without a list: nothing to match
      batchLangs[pending] = langs[r];
    }
    bounds[2 * pending] = r === 0 ? 0 : textEnds[r - 1] + 1;
    bounds[2 * pending + 1] = r === n - 1 ? bytes.length : textEnds[r];
    rows[pending++] = r;
    if (pending === MATCH_BATCH) flush();
  }
  if (pending > 0) flush();
  copyRun();
  return {
    matchedRows: matched, totalMatches: ids.length,
    rows: rowsOut.subarray(0, matched), idStarts: idStarts.subarray(0, matched + 1), ids: ids.done(),
    uidStarts: uidStarts.subarray(0, matched + 1), uids: uidOut.subarray(0, uidLen),
  };
}
