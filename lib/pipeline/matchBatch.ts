/**
 * Matching one TextGroup: the unit of work of a match worker (and of the single-thread path).
 * Produces, for the matched rows in row order, the lines of the intermediate CSV
 * (`file,row,id id id`) and a binary copy of the id lists ([n, id1..idn] per row), and adds to
 * the per-entry counts (each text counts an entry at most once).
 */
import { MATCH_BATCH, type TokenMatcher } from "../curation/automaton";
import type { TextGroup } from "../pool/pool";

export interface BatchResult {
  matchedRows: number;
  totalMatches: number;
  csv: Uint8Array;
  idLists: Int32Array;
}

class ByteWriter {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }
  int(v: number): void {
    if (v === 0) { this.buf[this.pos++] = 48; return; }
    let digits = 0;
    for (let x = v; x > 0; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = v; x > 0; x = Math.floor(x / 10)) this.buf[--p] = 48 + (x % 10);
  }
}

export function matchGroup(matcher: TokenMatcher, counts: Float64Array, group: TextGroup): BatchResult {
  const bytes = group.bytes;
  matcher.setTexts(bytes);
  const csv = new ByteWriter();
  let lists = new Int32Array(1024);
  let lp = 0;
  let matchedRows = 0;
  let totalMatches = 0;
  let nullIdx = 0;
  let start = 0;
  const bounds = new Int32Array(2 * MATCH_BATCH);
  const rows = new Int32Array(MATCH_BATCH);
  let pending = 0;
  const flush = () => {
    matcher.matchBatch(bounds, pending);
    const ids = matcher.ids, idStarts = matcher.idStarts;
    for (let k = 0; k < pending; k++) {
      const from = idStarts[k], n = idStarts[k + 1] - from;
      if (n === 0) continue;
      matchedRows++;
      totalMatches += n;
      csv.ensure(32 + n * 11);
      csv.int(group.file); csv.buf[csv.pos++] = 44;
      csv.int(group.firstRow + rows[k]); csv.buf[csv.pos++] = 44;
      if (lp + n + 1 > lists.length) { const g = new Int32Array(Math.max(lists.length * 2, lp + n + 1)); g.set(lists.subarray(0, lp)); lists = g; }
      lists[lp++] = n;
      for (let j = 0; j < n; j++) {
        const id = ids[from + j];
        counts[id]++;
        lists[lp++] = id;
        if (j > 0) csv.buf[csv.pos++] = 32;
        csv.int(id);
      }
      csv.buf[csv.pos++] = 10;
    }
    pending = 0;
  };
  for (let r = 0; r < group.rows; r++) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    if (r === group.rows - 1 && end !== bytes.length) throw new Error(`text group at row ${group.firstRow} has more texts than rows`);
    if (nullIdx < group.nullRows.length && group.nullRows[nullIdx] === r) { nullIdx++; start = end + 1; continue; }
    bounds[2 * pending] = start; bounds[2 * pending + 1] = end; rows[pending++] = r;
    start = end + 1;
    if (pending === MATCH_BATCH) flush();
  }
  if (pending > 0) flush();
  return { matchedRows, totalMatches, csv: csv.buf.slice(0, csv.pos), idLists: lists.slice(0, lp) };
}
