/**
 * The matched rows of a run, spooled to three temp files while matching so later passes (the size
 * curve, and balancing inside `curate`) can stream them back without reading matches.parquet:
 *   rows.bin  int32 pairs (id count, uid bytes + 1) per matched row
 *   ids.bin   int32 entry ids, row after row
 *   uids.bin  each row's uid in UTF-8 followed by "\n"
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import type { BatchResult } from "./matchBatch";

/** Visits one matched row: uid bytes uids[us, ue), entry ids ids[is, ie). Same shape as forEachMatchRow's. */
export type MatchRowVisitor = (row: number, uids: Uint8Array, us: number, ue: number, ids: Int32Array, is: number, ie: number) => void;

const ROWS_PER_READ = 1 << 16;

export class MatchSpool {
  private readonly fds: { rows: number; ids: number; uids: number };
  rows = 0;
  private closed = false;

  constructor(private readonly prefix: string) {
    this.fds = { rows: openSync(`${prefix}rows.bin`, "w"), ids: openSync(`${prefix}ids.bin`, "w"), uids: openSync(`${prefix}uids.bin`, "w") };
  }

  write(r: BatchResult): void {
    const n = r.matchedRows;
    if (n === 0) return;
    const pairs = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      pairs[2 * i] = r.idStarts[i + 1] - r.idStarts[i];
      pairs[2 * i + 1] = r.uidStarts[i + 1] - r.uidStarts[i];
    }
    writeSync(this.fds.rows, new Uint8Array(pairs.buffer));
    writeSync(this.fds.ids, new Uint8Array(r.ids.buffer, r.ids.byteOffset, r.ids.byteLength));
    writeSync(this.fds.uids, r.uids);
    this.rows += n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of Object.values(this.fds)) closeSync(fd);
  }

  /** Streams every row back in order, yielding to the event loop between reads (queued DuckDB work goes on). */
  async forEach(visit: MatchRowVisitor, onChunk?: (rowsDone: number) => void): Promise<number> {
    this.close();
    const fds = { rows: openSync(`${this.prefix}rows.bin`, "r"), ids: openSync(`${this.prefix}ids.bin`, "r"), uids: openSync(`${this.prefix}uids.bin`, "r") };
    try {
      const pairs = new Int32Array(2 * ROWS_PER_READ);
      let ids = new Int32Array(1 << 16), uids = new Uint8Array(1 << 16);
      let row = 0;
      while (row < this.rows) {
        const n = Math.min(ROWS_PER_READ, this.rows - row);
        readExactly(fds.rows, new Uint8Array(pairs.buffer, 0, 8 * n));
        let idCount = 0, uidBytes = 0;
        for (let i = 0; i < n; i++) { idCount += pairs[2 * i]; uidBytes += pairs[2 * i + 1]; }
        if (ids.length < idCount) ids = new Int32Array(idCount);
        if (uids.length < uidBytes) uids = new Uint8Array(uidBytes);
        readExactly(fds.ids, new Uint8Array(ids.buffer, 0, 4 * idCount));
        readExactly(fds.uids, uids.subarray(0, uidBytes));
        for (let i = 0, ip = 0, up = 0; i < n; i++) {
          const ni = pairs[2 * i], nu = pairs[2 * i + 1];
          visit(row + i, uids, up, up + nu - 1, ids, ip, ip + ni);
          ip += ni;
          up += nu;
        }
        row += n;
        onChunk?.(row);
        await new Promise((r) => setImmediate(r));
      }
      return row;
    } finally {
      for (const fd of Object.values(fds)) closeSync(fd);
    }
  }
}

function readExactly(fd: number, into: Uint8Array): void {
  for (let got = 0; got < into.length;) {
    const n = readSync(fd, into, got, into.length - got, null);
    if (n === 0) throw new Error("match spool is truncated");
    got += n;
  }
}
