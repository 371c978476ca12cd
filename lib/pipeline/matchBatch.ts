/**
 * Matching one TextGroup: the unit of work of a match worker (and of the single-thread path).
 * Produces, for the matched rows in row order, their offsets in the group, their entry ids and
 * their uids, and adds to the per-entry counts (each text counts an entry at most once).
 */
import { MATCH_BATCH, type TokenMatcher } from "../curation/automaton";
import type { TextGroup } from "../pool/pool";

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
}

class Int32Builder {
  buf = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }
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

export function matchGroup(matcher: TokenMatcher, counts: Float64Array, group: TextGroup): BatchResult {
  const bytes = group.bytes, uidBytes = group.uids;
  matcher.setTexts(bytes);
  const rowsOut = new Int32Builder(), idStarts = new Int32Builder(), ids = new Int32Builder(), uidStarts = new Int32Builder();
  const uidOut = new Uint8Array(uidBytes.length + 1);
  let uidLen = 0;
  idStarts.push(0);
  uidStarts.push(0);
  let nullIdx = 0;
  let start = 0, uidStart = 0;
  const bounds = new Int32Array(2 * MATCH_BATCH);
  const rows = new Int32Array(MATCH_BATCH);
  const uidBounds = new Int32Array(2 * MATCH_BATCH);
  let pending = 0;
  const flush = () => {
    matcher.matchBatch(bounds, pending);
    const found = matcher.ids, foundStarts = matcher.idStarts;
    for (let k = 0; k < pending; k++) {
      const from = foundStarts[k], to = foundStarts[k + 1];
      if (to === from) continue;
      rowsOut.push(rows[k]);
      for (let j = from; j < to; j++) counts[found[j]]++;
      ids.pushAll(found, from, to);
      idStarts.push(ids.length);
      uidOut.set(uidBytes.subarray(uidBounds[2 * k], uidBounds[2 * k + 1]), uidLen);
      uidLen += uidBounds[2 * k + 1] - uidBounds[2 * k];
      uidOut[uidLen++] = 10;
      uidStarts.push(uidLen);
    }
    pending = 0;
  };
  for (let r = 0; r < group.rows; r++) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    let uidEnd = uidBytes.indexOf(10, uidStart);
    if (uidEnd < 0) uidEnd = uidBytes.length;
    if (r === group.rows - 1 && (end !== bytes.length || uidEnd !== uidBytes.length)) throw new Error(`text group at row ${group.firstRow} has more texts or uids than rows`);
    if (nullIdx < group.nullRows.length && group.nullRows[nullIdx] === r) { nullIdx++; start = end + 1; uidStart = uidEnd + 1; continue; }
    bounds[2 * pending] = start; bounds[2 * pending + 1] = end;
    uidBounds[2 * pending] = uidStart; uidBounds[2 * pending + 1] = uidEnd;
    rows[pending++] = r;
    start = end + 1;
    uidStart = uidEnd + 1;
    if (pending === MATCH_BATCH) flush();
  }
  if (pending > 0) flush();
  return {
    matchedRows: rowsOut.length, totalMatches: ids.length,
    rows: rowsOut.done(), idStarts: idStarts.done(), ids: ids.done(), uidStarts: uidStarts.done(), uids: uidOut.slice(0, uidLen),
  };
}
