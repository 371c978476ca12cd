/**
 * subset.npy in DataComp's format: the kept uids (32 hex digits each) as sorted (u8, u8) records.
 * The uids are collected as the draw keeps them, sorted in runs of RUN_RECORDS by radix sort (see
 * sortRecords), and, when there is more than one run, the runs are spilled to temp files and merged.
 * Memory stays bounded (32 bytes per record of one run while it is sorted) however many rows are
 * kept; DuckDB's cap does not cover it, as DuckDB is not used.
 */
import { closeSync, fstatSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { InputError } from "../errors";
import { npyHeader, uidRecord, UID_RECORD_BYTES } from "../pool/npy";

/** Records sorted in memory at a time: at 2^22, 64 MB of records and as much again while sorting. */
export const RUN_RECORDS = 1 << 22;

const WORDS = UID_RECORD_BYTES / 4;
const DIGITS = 1 << 16;

export class SubsetNpyWriter {
  private records: Uint32Array;
  private bytes: Uint8Array;
  private count = 0;
  private total = 0;
  private runs: string[] = [];

  /** `runFile(i)` names the temp file of spilled run i; `runRecords` is for tests. */
  constructor(private readonly runFile: (i: number) => string, private readonly runRecords = RUN_RECORDS) {
    this.records = new Uint32Array(WORDS * Math.min(runRecords, 1 << 16));
    this.bytes = new Uint8Array(this.records.buffer);
  }

  /** Adds the uid of 32 hex digits at src[at, at + 32). */
  add(src: Uint8Array, at: number): void {
    if (this.count === this.runRecords) this.spill();
    if (WORDS * this.count === this.records.length) this.grow();
    uidRecord(src, at, this.bytes, UID_RECORD_BYTES * this.count);
    this.count++;
    this.total++;
  }

  get size(): number {
    return this.total;
  }

  /** Drops what was collected (the uids turned out not to be all hex) and any spilled run. */
  discard(): void {
    this.count = this.total = 0;
    this.records = new Uint32Array(0);
    this.bytes = new Uint8Array(0);
    for (const f of this.runs) rmSync(f, { force: true });
    this.runs = [];
  }

  /** Writes the sorted records to `target` as .npy. */
  write(target: string): void {
    const fd = openSync(target, "w");
    try {
      writeSync(fd, npyHeader(this.total));
      if (this.runs.length === 0) {
        sortRecords(this.records, this.count);
        writeRecords(fd, this.records, this.count);
      } else {
        if (this.count > 0) this.spill();
        mergeRuns(fd, this.runs);
      }
    } finally {
      closeSync(fd);
      for (const f of this.runs) rmSync(f, { force: true });
      this.runs = [];
    }
  }

  private grow(): void {
    const next = new Uint32Array(Math.min(WORDS * this.runRecords, 2 * this.records.length));
    next.set(this.records);
    this.records = next;
    this.bytes = new Uint8Array(next.buffer);
  }

  private spill(): void {
    const file = this.runFile(this.runs.length);
    const fd = openSync(file, "w");
    this.runs.push(file);
    try {
      sortRecords(this.records, this.count);
      writeRecords(fd, this.records, this.count);
    } finally {
      closeSync(fd);
    }
    this.count = 0;
  }
}

/*
 * A record is stored as four u32 words: npy's two little-endian u64 (f0 = the first 16 digits, f1
 * the last 16) read as little-endian u32, i.e. [f0 low, f0 high, f1 low, f1 high]. The sort key, most
 * significant first, is therefore words 1, 0, 3, 2; key byte `level` (0: the most significant) is
 * read by keyByte.
 */
const KEY_WORD = [1, 0, 3, 2];
const keyByte = (records: Uint32Array, at: number, level: number) => (records[at + KEY_WORD[level >> 2]] >>> (24 - 8 * (level & 3))) & 0xff;
const KEY_BYTES = 16;
const INSERTION_MAX = 32;

/**
 * Sorts the first n records in place by key: a counting pass on the top 16 bits, then each bucket by
 * MSD radix on the following bytes (insertion sort for small ones), so the work is linear in the
 * bytes that tell records apart, whatever the uids (uniform md5s, shared prefixes or repeats).
 */
export function sortRecords(records: Uint32Array, n: number): void {
  const tmp = new Uint32Array(WORDS * n);
  const counts = new Uint32Array(DIGITS + 1);
  for (let i = 0; i < n; i++) counts[(records[WORDS * i + 1] >>> 16) + 1]++;
  for (let d = 0; d < DIGITS; d++) counts[d + 1] += counts[d];
  const starts = counts.slice(0, DIGITS + 1);
  for (let i = 0; i < n; i++) {
    const o = WORDS * i, to = WORDS * counts[records[o + 1] >>> 16]++;
    tmp[to] = records[o]; tmp[to + 1] = records[o + 1]; tmp[to + 2] = records[o + 2]; tmp[to + 3] = records[o + 3];
  }
  records.set(tmp.subarray(0, WORDS * n));
  const byteCounts = new Uint32Array(257);
  for (let d = 0; d < DIGITS; d++) sortRange(records, tmp, starts[d], starts[d + 1], 2, byteCounts);
}

function sortRange(records: Uint32Array, tmp: Uint32Array, from: number, to: number, level: number, counts: Uint32Array): void {
  for (;;) {
    const n = to - from;
    if (n < 2 || level >= KEY_BYTES) return;
    if (n <= INSERTION_MAX) { insertionSort(records, from, to); return; }
    counts.fill(0);
    for (let i = from; i < to; i++) counts[keyByte(records, WORDS * i, level) + 1]++;
    if (counts[keyByte(records, WORDS * from, level) + 1] === n) { level++; continue; } // one byte value: go on to the next byte
    for (let d = 0; d < 256; d++) counts[d + 1] += counts[d];
    const bounds = counts.slice();
    for (let i = from; i < to; i++) {
      const o = WORDS * i, t = WORDS * (from + counts[keyByte(records, o, level)]++);
      tmp[t] = records[o]; tmp[t + 1] = records[o + 1]; tmp[t + 2] = records[o + 2]; tmp[t + 3] = records[o + 3];
    }
    records.set(tmp.subarray(WORDS * from, WORDS * to), WORDS * from);
    for (let d = 0; d < 256; d++) sortRange(records, tmp, from + bounds[d], from + bounds[d + 1], level + 1, counts);
    return;
  }
}

function insertionSort(records: Uint32Array, from: number, to: number): void {
  const key = new Uint32Array(WORDS);
  for (let i = from + 1; i < to; i++) {
    key.set(records.subarray(WORDS * i, WORDS * i + WORDS));
    let j = i - 1;
    while (j >= from && compare(records, WORDS * j, key, 0) > 0) {
      records.copyWithin(WORDS * (j + 1), WORDS * j, WORDS * j + WORDS);
      j--;
    }
    records.set(key, WORDS * (j + 1));
  }
}

const WRITE_RECORDS = 1 << 16;

function writeRecords(fd: number, records: Uint32Array, n: number): void {
  for (let from = 0; from < n; from += WRITE_RECORDS) {
    const m = Math.min(WRITE_RECORDS, n - from);
    writeSync(fd, new Uint8Array(records.buffer, records.byteOffset + UID_RECORD_BYTES * from, UID_RECORD_BYTES * m));
  }
}

/** Record a's key against record b's (-1, 0, 1), each given as words at an offset. */
function compare(a: Uint32Array, ao: number, b: Uint32Array, bo: number): number {
  for (const w of KEY_WORD) if (a[ao + w] !== b[bo + w]) return a[ao + w] < b[bo + w] ? -1 : 1;
  return 0;
}

const READ_RECORDS = 1 << 14;

/** A sorted run on disk, read a block at a time. */
class RunReader {
  readonly words = new Uint32Array(WORDS * READ_RECORDS);
  private n = 0;
  pos = 0;
  private readonly fd: number;
  private open = true;

  /** `skip`: bytes before the first record (a .npy header). */
  constructor(file: string, skip = 0) {
    this.fd = openSync(file, "r");
    if (skip > 0) readSync(this.fd, new Uint8Array(skip), 0, skip, null);
    this.refill();
  }

  get done(): boolean {
    return this.pos >= this.n;
  }

  advance(): void {
    if (++this.pos >= this.n) this.refill();
  }

  close(): void {
    if (this.open) closeSync(this.fd);
    this.open = false;
  }

  private refill(): void {
    const bytes = new Uint8Array(this.words.buffer);
    let got = 0;
    for (let r; got < bytes.length && (r = readSync(this.fd, bytes, got, bytes.length - got, null)) > 0;) got += r;
    if (got % UID_RECORD_BYTES !== 0) throw new Error("subset.npy: a spilled run is truncated");
    this.n = got / UID_RECORD_BYTES;
    this.pos = 0;
    if (this.n === 0) this.close();
  }
}

/** K-way merge of sorted runs into fd, through a binary heap of run readers (ties: lower run first). */
function mergeRuns(fd: number, files: string[]): void {
  const readers: RunReader[] = [];
  try {
    for (const f of files) readers.push(new RunReader(f));
    mergeReaders(fd, readers);
  } finally {
    for (const r of readers) r.close();
  }
}

function mergeReaders(fd: number, readers: RunReader[]): void {
  const less = (i: number, j: number) => {
    const a = readers[i], b = readers[j];
    const c = compare(a.words, WORDS * a.pos, b.words, WORDS * b.pos);
    return c < 0 || (c === 0 && i < j);
  };
  const heap = readers.map((_, i) => i).filter((i) => !readers[i].done);
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1, r = l + 1;
      let min = at;
      if (l < heap.length && less(heap[l], heap[min])) min = l;
      if (r < heap.length && less(heap[r], heap[min])) min = r;
      if (min === at) return;
      [heap[at], heap[min]] = [heap[min], heap[at]];
      at = min;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out = new Uint32Array(WORDS * WRITE_RECORDS);
  let buffered = 0;
  while (heap.length > 0) {
    const reader = readers[heap[0]], o = WORDS * reader.pos;
    out.set(reader.words.subarray(o, o + WORDS), WORDS * buffered);
    if (++buffered === WRITE_RECORDS) { writeSync(fd, new Uint8Array(out.buffer)); buffered = 0; }
    reader.advance();
    if (reader.done) { heap[0] = heap[heap.length - 1]; heap.pop(); }
    down(0);
  }
  if (buffered > 0) writeSync(fd, new Uint8Array(out.buffer, 0, UID_RECORD_BYTES * buffered));
}

/**
 * Merges sorted subset.npy files (a sharded job's shards) into one sorted subset.npy: the same bytes
 * as one sort of all their records. Returns the record count.
 */
export function mergeSubsetNpy(target: string, sources: string[]): number {
  let total = 0;
  for (const f of sources) {
    const fd = openSync(f, "r");
    try {
      const size = fstatSync(fd).size, n = (size - 128) / UID_RECORD_BYTES;
      const head = new Uint8Array(128);
      readSync(fd, head, 0, 128, 0);
      if (!Number.isInteger(n) || n < 0 || !Buffer.from(head).equals(Buffer.from(npyHeader(n)))) throw new InputError(`${f} is not a subset.npy metacurate wrote (${size} bytes)`);
      total += n;
    } finally {
      closeSync(fd);
    }
  }
  const fd = openSync(target, "w");
  const readers: RunReader[] = [];
  try {
    writeSync(fd, npyHeader(total));
    for (const f of sources) readers.push(new RunReader(f, 128));
    mergeReaders(fd, readers);
  } finally {
    for (const r of readers) r.close();
    closeSync(fd);
  }
  return total;
}
