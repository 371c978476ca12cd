/**
 * MetaCLIP v1 substring matching over tokens: a trie of the entries' tokens, walked from every
 * token of the text that begins an entry.
 *
 * Why tokens: a match is `" " + entry + " "` inside `spacing(text)`, so every match starts and
 * ends on a space. An entry therefore matches exactly when its `split(" ")` tokens occur as a
 * contiguous run of the tokens of the normalised text (without the two empty tokens the padding
 * adds). Tokens are compared as WTF-8 bytes; the alphabet of the trie is the set of distinct entry
 * tokens, and a text token outside it ends every walk.
 *
 * Why a walk from every start rather than Aho–Corasick's failure links: the tables for 500k
 * entries are tens of MB, so the time goes in cache misses, and each Aho–Corasick step depends on
 * the one before, so its misses queue one behind the other. The walks from different starts are
 * independent: they advance one token per round, all of them together, and each round first
 * touches every bucket it will read, so the misses overlap. A walk is at most as long as the
 * longest entry (`maxDepth` tokens), and each node holds only its own entries.
 *
 * This file builds the tables (in TypeScript); the walking is done by a WebAssembly kernel
 * (lib/curation/wasm/tokenWalk.ts, AssemblyScript) that compares 16 text bytes and 4 table lanes
 * per instruction. Layout, every table a typed array (in a SharedArrayBuffer where there is one, so
 * worker threads share one build):
 * - token ids are given hottest first (by how many entries use the token). Tokens that begin an
 *   entry get ids 1..R, equal to the node ids of the root's children, so the first step needs no
 *   lookup;
 * - the vocabulary is two bucket tables (the hottest tokens, small enough to stay in cache, then
 *   the rest): key = the token's bytes packed into two int32 (up to 7 bytes) or a hash and the
 *   length (longer tokens, whose bytes are then compared); value = 2 * token id + (root child has
 *   children), and the root child's outputs;
 * - every edge below the root is a lane of one bucket table: key = (parent, token), value =
 *   2 * child + (child has children), and the child's outputs.
 * Outputs: -1 none, <= -2 the single entry id -out-2, >= 0 an index into outIds holding
 * [count, id...] (several entries with the same text keep their own ids).
 */
import { BYTE_CLASS, SEPARATOR_NIBBLES } from "./normalize";
import { encodeWtf8Into, wtf8Length } from "./utf8";
import { tokenWalkModule } from "./wasmKernel";

export interface AutomatonTables {
  entryCount: number;
  /** Trie nodes, the root included. */
  nodeCount: number;
  tokenCount: number;
  /** Tokens that begin an entry have ids 1..rootChildren (= their node ids); 0 is no token. */
  rootChildren: number;
  /** The most frequent tokens: a BucketTable keyed by the token's key (see above). */
  hotTable: Int32Array;
  hotMask: number;
  /** All other tokens, same layout. */
  vocabTable: Int32Array;
  vocabMask: number;
  /** Token t (1-based) spans tokenBytes[tokenOffsets[t] .. tokenOffsets[t+1]). */
  tokenOffsets: Int32Array;
  tokenBytes: Uint8Array;
  /** Edges below the root: a BucketTable keyed by (parent, token). */
  edgeTable: Int32Array;
  edgeMask: number;
  outIds: Int32Array;
  /** Tokens in the longest entry: no walk is longer. */
  maxDepth: number;
  /** Bytes (WTF-8) of the longest entry: no match spans more bytes of a text. */
  maxEntryBytes: number;
}

/** Ints per bucket in every table (see BucketTable). */
export const BUCKET = 16;
const BUCKET_LOAD = 0.6;
const EMPTY_KEY = 0xfe000000 | 0;
const SPILLED = 0x80000000 | 0;

/** How many of the most frequent tokens go into the small hot table. */
const HOT_TOKENS = 16384;
/** The most texts one `matchBatch` call takes (the match command and the benchmark send this many). */
export const MATCH_BATCH = 64;

const LONG = 0xff << 24;
const FNV_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function mix(w0: number, w1: number): number {
  let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1 ^ (w1 >>> 15), 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h;
}

/**
 * The key of token bytes[s, e): [k0, k1]. Up to 7 bytes: the bytes themselves, little-endian (k0
 * bytes 0-3, k1 bytes 4-6) with the length in k1's top byte; longer: FNV-1a and the length. The
 * kernel builds the same key from one 8-byte load.
 */
function tokenKey(bytes: Uint8Array, s: number, e: number, out: Int32Array): void {
  const len = e - s;
  if (len <= 7) {
    let w0 = 0, w1 = len << 24;
    for (let k = 0; k < len; k++) {
      if (k < 4) w0 |= bytes[s + k] << (8 * k); else w1 |= bytes[s + k] << (8 * (k - 4));
    }
    out[0] = w0; out[1] = w1;
    return;
  }
  let h = FNV_BASIS;
  for (let k = s; k < e; k++) h = Math.imul(h ^ bytes[k], FNV_PRIME);
  out[0] = h; out[1] = LONG | (len & 0xffffff);
}

/** The smallest power of two >= 16 giving a load factor of at most `load`. */
function tableSize(count: number, load: number): number {
  let p = 16;
  while (p * load < count) p *= 2;
  return p;
}

/** Shared memory where there is any (Node, cross-origin-isolated pages); plain memory otherwise. */
function shared<T extends Int32Array | Uint8Array>(ctor: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, length: number): T {
  const bytes = Math.max(1, length) * ctor.BYTES_PER_ELEMENT;
  return new ctor(typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/**
 * An open-addressing table of 64-byte buckets (one cache line), each holding 4 lanes stored field by
 * field: [key0 x4][key1 x4][value0 x4][value1 x4], so the kernel compares a probe with all 4 keys
 * at once. A full bucket spills into the next; bit 31 of value0 in lane 0 marks a bucket that
 * spilled (values use 31 bits), so a probe that finds nothing stops at once unless it is set.
 * Empty lanes have key1 = EMPTY_KEY, which no token key or token id equals.
 */
class BucketTable {
  readonly table: Int32Array;
  readonly mask: number;
  constructor(count: number) {
    let buckets = 1;
    while (buckets * 4 * BUCKET_LOAD < count) buckets *= 2;
    this.mask = buckets - 1;
    this.table = shared(Int32Array, buckets * BUCKET);
    for (let b = 0; b < buckets; b++) this.table.fill(EMPTY_KEY, b * BUCKET + 4, b * BUCKET + 8);
  }
  insert(hash: number, key0: number, key1: number, value0: number, value1: number): void {
    const t = this.table;
    for (let b = hash & this.mask; ; b = (b + 1) & this.mask) {
      const at = b * BUCKET;
      for (let lane = 0; lane < 4; lane++) {
        if (t[at + 4 + lane] !== EMPTY_KEY) continue;
        t[at + lane] = key0; t[at + 4 + lane] = key1; t[at + 8 + lane] |= value0; t[at + 12 + lane] = value1;
        return;
      }
      t[at + 8] |= SPILLED;
    }
  }
}

/**
 * Builds the trie; entry id = index in `entries`; duplicates keep their own ids. A null entry keeps
 * its id but is not in the trie: it never matches (a worldwide list's entries that another matcher finds).
 */
export function buildAutomaton(entries: readonly (string | null)[]): AutomatonTables {
  const entryCount = entries.length;
  // 1. all entries as WTF-8 in one buffer; count tokens (split on " " only: entries are not normalised)
  let totalBytes = 0;
  for (let e = 0; e < entryCount; e++) totalBytes += entries[e] === null ? 0 : wtf8Length(entries[e]!);
  const bytes = new Uint8Array(totalBytes);
  const starts = new Int32Array(entryCount + 1);
  let pos = 0, totalTokens = 0;
  for (let e = 0; e < entryCount; e++) {
    starts[e] = pos;
    if (entries[e] === null) continue;
    pos = encodeWtf8Into(entries[e]!, bytes, pos);
    for (let i = starts[e]; i < pos; i++) if (bytes[i] === 0x20) totalTokens++;
    totalTokens++;
  }
  starts[entryCount] = pos;

  // 2. distinct tokens (provisional ids in order of first appearance)
  const buildMask = tableSize(totalTokens, 0.5) - 1;
  const buildTable = new Int32Array((buildMask + 1) * 3);
  const tokStart: number[] = [0], tokEnd: number[] = [0];
  const key = new Int32Array(2);
  const entryTokens = new Int32Array(totalTokens);
  const entryTokenStart = new Int32Array(entryCount + 1);
  const sameBytes = (t: number, s: number, e: number) => {
    if (tokEnd[t] - tokStart[t] !== e - s) return false;
    for (let k = 0, a = tokStart[t]; k < e - s; k++) if (bytes[a + k] !== bytes[s + k]) return false;
    return true;
  };
  let nt = 0, maxDepth = 0, maxEntryBytes = 0;
  for (let e = 0; e < entryCount; e++) maxEntryBytes = Math.max(maxEntryBytes, starts[e + 1] - starts[e]);
  for (let e = 0; e < entryCount; e++) {
    entryTokenStart[e] = nt;
    if (entries[e] === null) continue;
    let s = starts[e];
    const end = starts[e + 1];
    for (let i = s; i <= end; i++) {
      if (i < end && bytes[i] !== 0x20) continue;
      tokenKey(bytes, s, i, key);
      let slot = mix(key[0], key[1]) & buildMask;
      let id = 0;
      for (;;) {
        const t = buildTable[slot * 3 + 2];
        if (t === 0) break;
        if (buildTable[slot * 3] === key[0] && buildTable[slot * 3 + 1] === key[1] && sameBytes(t, s, i)) { id = t; break; }
        slot = (slot + 1) & buildMask;
      }
      if (id === 0) {
        id = tokStart.length;
        tokStart.push(s); tokEnd.push(i);
        buildTable[slot * 3] = key[0]; buildTable[slot * 3 + 1] = key[1]; buildTable[slot * 3 + 2] = id;
      }
      entryTokens[nt++] = id;
      s = i + 1;
    }
    maxDepth = Math.max(maxDepth, nt - entryTokenStart[e]);
  }
  entryTokenStart[entryCount] = nt;
  const tokenCount = tokStart.length - 1;

  // final token ids, hottest first: tokens that begin an entry (1..R), then the others
  const heat = new Float64Array(tokenCount + 1);
  for (let k = 0; k < nt; k++) heat[entryTokens[k]] += 1;
  const begins = new Uint8Array(tokenCount + 1);
  for (let e = 0; e < entryCount; e++) if (entryTokenStart[e + 1] > entryTokenStart[e]) begins[entryTokens[entryTokenStart[e]]] = 1;
  const byHeat = Array.from({ length: tokenCount }, (_, i) => i + 1).sort((x, y) => heat[y] - heat[x] || x - y);
  const finalId = new Int32Array(tokenCount + 1);
  let rootChildren = 0;
  for (const t of byHeat) if (begins[t]) finalId[t] = ++rootChildren;
  let other = rootChildren;
  for (const t of byHeat) if (!begins[t]) finalId[t] = ++other;
  for (let k = 0; k < nt; k++) entryTokens[k] = finalId[entryTokens[k]];

  const tokenOffsets = shared(Int32Array, tokenCount + 2);
  let tokenByteCount = 0;
  for (let t = 1; t <= tokenCount; t++) tokenByteCount += tokEnd[t] - tokStart[t];
  const tokenBytes = shared(Uint8Array, tokenByteCount);
  const byFinal = new Int32Array(tokenCount + 1);
  for (let t = 1; t <= tokenCount; t++) byFinal[finalId[t]] = t;
  let tb = 0;
  for (let f = 1; f <= tokenCount; f++) {
    const t = byFinal[f];
    tokenOffsets[f] = tb;
    tokenBytes.set(bytes.subarray(tokStart[t], tokEnd[t]), tb);
    tb += tokEnd[t] - tokStart[t];
  }
  tokenOffsets[tokenCount + 1] = tb;

  // 3. the trie: node a (1..R) is the root's child for token a; deeper nodes are numbered from R + 1.
  // Edges go into a provisional table sized for the worst case, then into the final one.
  const maxNodes = rootChildren + totalTokens + 1;
  const trieMask = tableSize(totalTokens, 0.5) - 1;
  const trieEdges = new Int32Array((trieMask + 1) * 3);
  const hasKids = new Uint8Array(maxNodes);
  const ownFirst = new Int32Array(maxNodes).fill(-1);
  const ownLast = new Int32Array(maxNodes).fill(-1);
  const entryNext = new Int32Array(entryCount).fill(-1);
  let nodeCount = rootChildren + 1;
  for (let e = 0; e < entryCount; e++) {
    const first = entryTokenStart[e], last = entryTokenStart[e + 1];
    if (first === last) continue; // a null entry
    let node = entryTokens[first];
    for (let k = first + 1; k < last; k++) {
      const a = entryTokens[k];
      let slot = mix(node, a) & trieMask;
      let child = 0;
      for (; trieEdges[slot * 3] !== 0; slot = (slot + 1) & trieMask) {
        if (trieEdges[slot * 3] === node && trieEdges[slot * 3 + 1] === a) { child = trieEdges[slot * 3 + 2]; break; }
      }
      if (child === 0) {
        child = nodeCount++;
        trieEdges[slot * 3] = node; trieEdges[slot * 3 + 1] = a; trieEdges[slot * 3 + 2] = child;
        hasKids[node] = 1;
      }
      node = child;
    }
    if (ownFirst[node] < 0) ownFirst[node] = e; else entryNext[ownLast[node]] = e;
    ownLast[node] = e;
  }

  // 4. outputs: each node's own entries
  let outLength = 0;
  const outCode = new Int32Array(nodeCount).fill(-1);
  for (let v = 1; v < nodeCount; v++) {
    let n = 0;
    for (let e = ownFirst[v]; e >= 0; e = entryNext[e]) n++;
    if (n > 1) outLength += n + 1;
  }
  const outIds = shared(Int32Array, outLength);
  let op = 0;
  for (let v = 1; v < nodeCount; v++) {
    const e0 = ownFirst[v];
    if (e0 < 0) continue;
    if (entryNext[e0] < 0) { outCode[v] = -e0 - 2; continue; }
    outCode[v] = op;
    const at = op++;
    for (let e = e0; e >= 0; e = entryNext[e]) outIds[op++] = e; // entry order: ascending
    outIds[at] = op - at - 1;
  }

  // 5. the match-time tables
  const edges = new BucketTable(nodeCount - 1 - rootChildren);
  for (let s = 0; s <= trieMask; s++) {
    const p = trieEdges[s * 3];
    if (p === 0) continue;
    const a = trieEdges[s * 3 + 1], c = trieEdges[s * 3 + 2];
    edges.insert(mix(p, a), p, a, c * 2 + hasKids[c], outCode[c]);
  }
  const hotCount = Math.min(HOT_TOKENS, tokenCount);
  const hot = new BucketTable(hotCount);
  const vocab = new BucketTable(tokenCount - hotCount);
  byHeat.forEach((t, rank) => {
    tokenKey(bytes, tokStart[t], tokEnd[t], key);
    const id = finalId[t];
    const root = id <= rootChildren;
    (rank < hotCount ? hot : vocab).insert(mix(key[0], key[1]), key[0], key[1], id * 2 + (root ? hasKids[id] : 0), root ? outCode[id] : -1);
  });
  const hotTable = hot.table, hotMask = hot.mask, vocabTable = vocab.table, vocabMask = vocab.mask, edgeTable = edges.table, edgeMask = edges.mask;

  return {
    entryCount, nodeCount, tokenCount, rootChildren, hotTable, hotMask, vocabTable, vocabMask, tokenOffsets, tokenBytes,
    edgeTable, edgeMask, outIds, maxDepth, maxEntryBytes,
  };
}

/** Bytes held by the match-time tables. */
export function automatonBytes(a: AutomatonTables): number {
  return [a.hotTable, a.vocabTable, a.tokenOffsets, a.tokenBytes, a.edgeTable, a.outIds].reduce((n, arr) => n + arr.byteLength, 0);
}

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  setTables(hot: number, hotMask: number, vocab: number, vocabMask: number, tokenOffsets: number, tokenBytes: number,
    edge: number, edgeMask: number, outIds: number, rootChildren: number, classes: number): void;
  setScratch(base: number, tokenCap: number, foundCap: number, idsCap: number, entryCount: number, maxTexts: number): number;
  idsAddress(): number;
  idStartsAddress(): number;
  matchBatch(bounds: number, count: number): number;
  setCounts(at: number): void;
  lineEnds(src: number, len: number, out: number, max: number): number;
}

const PAGE = 65536;
const align64 = (n: number) => Math.ceil(n / 64) * 64;
/** The kernel's addresses are u32; past 2^31 they reach JavaScript as negative i32s. */
const u32 = (n: number) => n >>> 0;
/** WebAssembly (wasm32) memory cannot grow past 4 GiB. */
const MAX_MEMORY = 2 ** 32 - PAGE;

/**
 * The texts of one kernel call add up to at most this many bytes (a single text may be longer), so
 * the per-token scratch (up to 80 bytes per text byte) stays small however long the captions are.
 */
export const BATCH_BYTES = 1 << 18;

/**
 * Matches texts against the trie, in the WebAssembly kernel (lib/curation/wasm/tokenWalk.ts). The
 * tables are copied once into the kernel's memory; each thread makes its own matcher.
 * Texts are loaded with `setTexts`, then matched in batches of up to MATCH_BATCH with `matchBatch`
 * (their cache misses overlap); `matchBytes` and `matchText` match one text.
 *
 * Memory: the fixed part (tables, bounds, counts), then three regions laid out in this order and
 * re-laid from the first one that must grow: the loaded texts, the line-end buffer, the scratch.
 * A text longer than the chunk size is matched in overlapping chunks cut at separators (see
 * matchLong), so any caption length matches exactly within the 4 GiB a WebAssembly memory allows.
 */
export class TokenMatcher {
  readonly tables: AutomatonTables;
  private readonly kernel: KernelExports;
  private readonly boundsAt: number;
  private readonly countsAt: number;
  private readonly fixedTop: number;
  /** A text longer than this is matched in chunks. */
  private readonly chunkBytes: number;
  private counting = false;
  private textAt = 0;
  private textCap = 16;
  private textLength = 0;
  private lineBufAt = 0;
  private lineBufCap = 0;
  private scratchAt = 0;
  private scratchEnd = 0;
  private tokenCap = 4096;
  private foundCap = 4096;
  private idsCap = 4096;
  private i32 = new Int32Array(0) as Int32Array<ArrayBufferLike>;
  private u8 = new Uint8Array(0) as Uint8Array<ArrayBufferLike>;
  private idsView = new Int32Array(0) as Int32Array<ArrayBufferLike>;
  private idStartsView = new Int32Array(0) as Int32Array<ArrayBufferLike>;

  constructor(tables: AutomatonTables, module: WebAssembly.Module = tokenWalkModule()) {
    this.tables = tables;
    this.kernel = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    let top = align64(u32(this.kernel.heapBase()));
    const alloc = (bytes: number) => { const at = align64(top); top = at + bytes; this.ensureMemory(top); return at; };
    const place = (arr: Int32Array | Uint8Array) => {
      const at = alloc(arr.byteLength + 8); // the kernel reads token bytes 8 at a time
      this.u8.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
      return at;
    };
    const classes = new Uint8Array(288);
    classes.set(BYTE_CLASS, 0);
    classes.set(SEPARATOR_NIBBLES, 256);
    this.kernel.setTables(place(tables.hotTable), tables.hotMask, place(tables.vocabTable), tables.vocabMask, place(tables.tokenOffsets),
      place(tables.tokenBytes), place(tables.edgeTable), tables.edgeMask, place(tables.outIds), tables.rootChildren, place(classes));
    this.boundsAt = alloc(8 * MATCH_BATCH);
    this.countsAt = alloc(4 * tables.entryCount);
    this.fixedTop = align64(top);
    this.chunkBytes = Math.max(BATCH_BYTES, 8 * (tables.maxEntryBytes ?? 0) + 64);
    this.layout("texts");
  }

  /** After `matchBatch`: the ids matched by text k, ascending, are ids[idStarts[k] .. idStarts[k + 1]). Valid until the next call. */
  get ids(): Int32Array { return this.idsView; }
  get idStarts(): Int32Array { return this.idStartsView; }

  private ensureMemory(end: number): void {
    if (end > MAX_MEMORY) throw new RangeError(`matching needs ${Math.ceil(end / 2 ** 20)} MB of kernel memory, more than WebAssembly's 4 GiB`);
    const memory = this.kernel.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    if (this.u8.buffer !== memory.buffer || this.u8.byteLength !== memory.buffer.byteLength) {
      this.u8 = new Uint8Array(memory.buffer);
      this.i32 = new Int32Array(memory.buffer);
    }
  }

  /** Bytes of the scratch for the current caps, as the kernel's setScratch lays it out (plus alignment slack). */
  private scratchBytes(): number {
    const n = this.tables.entryCount;
    return 16 + 40 * this.tokenCap + 4 * this.foundCap + 4 * ((n >>> 5) + 1) + 4 * ((n >>> 10) + 1) + 4 * ((n >>> 15) + 1)
      + 4 * this.idsCap + 8 * (MATCH_BATCH + 1);
  }

  /** Lays out the regions from `from` on (the ones before it keep their place and content); the scratch starts zeroed. */
  private layout(from: "texts" | "lines" | "scratch"): void {
    if (from === "texts") this.textAt = this.fixedTop;
    if (from !== "scratch") this.lineBufAt = align64(this.textAt + this.textCap);
    this.scratchAt = align64(this.lineBufAt + 4 * this.lineBufCap);
    this.ensureMemory(this.scratchAt + this.scratchBytes());
    const end = u32(this.kernel.setScratch(this.scratchAt, this.tokenCap, this.foundCap, this.idsCap, this.tables.entryCount, MATCH_BATCH));
    this.u8.fill(0, this.scratchAt, end); // the kernel's bitmaps must start clear
    this.scratchEnd = end;
  }

  /** Copies the bytes that the next `matchBatch` calls refer to into the kernel. */
  setTexts(bytes: Uint8Array): void {
    if (bytes.length + 16 > this.textCap) {
      this.textCap = Math.max(bytes.length + 16, Math.min(2 * this.textCap, MAX_MEMORY / 4));
      this.layout("texts");
    }
    this.u8.set(bytes, this.textAt);
    this.u8.fill(0, this.textAt + bytes.length, this.textAt + bytes.length + 16);
    this.textLength = bytes.length;
  }

  /** Matches `count` texts (at most MATCH_BATCH) of the loaded bytes: text k is [bounds[2k], bounds[2k + 1]). */
  matchBatch(bounds: Int32Array, count: number): void {
    if (count > MATCH_BATCH) throw new RangeError(`at most ${MATCH_BATCH} texts per batch`);
    let bytes = 0;
    for (let k = 0; k < count; k++) {
      const s = bounds[2 * k], e = bounds[2 * k + 1];
      if (!(s >= 0 && s <= e && e <= this.textLength)) throw new RangeError(`text ${k} [${s}, ${e}) is outside the loaded ${this.textLength} bytes`);
      bytes += e - s;
    }
    if (bytes <= BATCH_BYTES) {
      this.kernelBatch(bounds, 0, count);
      this.idStartsView = this.kernelIdStarts(count);
      this.idsView = this.kernelIds(this.idStartsView[count]);
    } else {
      this.matchSplit(bounds, count);
    }
  }

  private kernelIdStarts(count: number): Int32Array {
    const at = u32(this.kernel.idStartsAddress()) / 4;
    return this.i32.subarray(at, at + count + 1);
  }

  private kernelIds(n: number): Int32Array {
    const at = u32(this.kernel.idsAddress()) / 4;
    return this.i32.subarray(at, at + n);
  }

  /** One kernel call over texts [from, from + count) of `bounds`, its scratch grown until it fits. */
  private kernelBatch(bounds: Int32Array, from: number, count: number): void {
    let tokens = 2 * count + 16;
    for (let k = from; k < from + count; k++) tokens += 2 * (bounds[2 * k + 1] - bounds[2 * k]);
    if (tokens > this.tokenCap) {
      this.tokenCap = Math.max(tokens, Math.min(2 * this.tokenCap, 2 * BATCH_BYTES + 2 * MATCH_BATCH + 16));
      this.layout("scratch");
    }
    const b = this.boundsAt >> 2, i32 = this.i32;
    for (let k = 0; k < 2 * count; k++) i32[b + k] = this.textAt + bounds[2 * from + k];
    for (;;) {
      const status = this.kernel.matchBatch(this.boundsAt, count);
      if (status === 0) break;
      if (status === 1) this.foundCap *= 2; else this.idsCap *= 2;
      this.layout("scratch");
    }
  }

  /** A batch too large for one kernel call: texts up to BATCH_BYTES together, longer ones alone or in chunks. */
  private matchSplit(bounds: Int32Array, count: number): void {
    const starts = new Int32Array(count + 1);
    let out = new Int32Array(1024), m = 0;
    const push = (ids: Int32Array) => {
      if (m + ids.length > out.length) { const grown = new Int32Array(Math.max(m + ids.length, 2 * out.length)); grown.set(out.subarray(0, m)); out = grown; }
      out.set(ids, m);
      m += ids.length;
    };
    const length = (k: number) => bounds[2 * k + 1] - bounds[2 * k];
    for (let k = 0; k < count;) {
      if (length(k) > this.chunkBytes) {
        push(this.matchLong(bounds[2 * k], bounds[2 * k + 1]));
        starts[++k] = m;
        continue;
      }
      let j = k + 1, bytes = length(k);
      while (j < count && length(j) <= this.chunkBytes && bytes + length(j) <= BATCH_BYTES) bytes += length(j++);
      this.kernelBatch(bounds, k, j - k);
      const ks = this.kernelIdStarts(j - k), ids = this.kernelIds(ks[j - k]);
      for (let x = 0; x < j - k; x++) { push(ids.subarray(ks[x], ks[x + 1])); starts[k + x + 1] = m; }
      k = j;
    }
    this.idStartsView = starts;
    this.idsView = out.subarray(0, m);
  }

  /**
   * The ids of the loaded text [s, e), matched chunk by chunk. Chunks begin just after a separator
   * byte (space, tab, \n, \r: each becomes one space of the normalised text) and end just before
   * one, so the tokens inside a chunk are the text's own; consecutive chunks overlap by more than
   * the longest entry's bytes, so every match lies whole inside some chunk.
   */
  private matchLong(s: number, e: number): Int32Array {
    const base = this.textAt, L = this.tables.maxEntryBytes ?? 0;
    const isSep = (p: number) => BYTE_CLASS[this.u8[base + p]] === 1;
    const found: Int32Array[] = [];
    const one = new Int32Array(2);
    if (this.counting) this.kernel.setCounts(0); // a text counts each entry once, not once per chunk
    try {
      for (let a = s; ;) {
        let b = Math.min(e, a + this.chunkBytes);
        while (b < e && !isSep(b)) b++;
        // the next chunk starts after the last separator in [a, b - L - 1]; without one, b moves on
        let scan = a, q = -1;
        const scanTo = (to: number) => { for (; scan <= to; scan++) if (isSep(scan)) q = scan; };
        scanTo(b - L - 1);
        while (b < e && q < a) {
          b++;
          while (b < e && !isSep(b)) b++;
          scanTo(b - L - 1);
        }
        one[0] = a; one[1] = b;
        this.kernelBatch(one, 0, 1);
        const ks = this.kernelIdStarts(1);
        found.push(this.kernelIds(ks[1]).slice());
        if (b >= e) break;
        a = q + 1;
      }
    } finally {
      if (this.counting) this.kernel.setCounts(this.countsAt);
    }
    const ids = Int32Array.from(new Set(found.flatMap((f) => Array.from(f)))).sort();
    if (this.counting) {
      const c = new Uint32Array(this.u8.buffer, this.countsAt, this.tables.entryCount);
      for (const id of ids) c[id]++;
    }
    return ids;
  }

  /**
   * From now on every successful batch adds 1 to a kernel-side u32 count of each id it matched
   * (each text counts an entry once). Call takeCounts before any count could pass 2^32 - 1.
   */
  countInKernel(): void {
    if (this.counting) return;
    this.counting = true;
    this.kernel.setCounts(this.countsAt);
  }

  /** Adds the kernel-side counts into `into` and zeroes them. */
  takeCounts(into: Float64Array): void {
    if (!this.counting) return;
    const c = new Uint32Array(this.u8.buffer, this.countsAt, this.tables.entryCount);
    for (let i = 0; i < c.length; i++) into[i] += c[i];
    c.fill(0);
  }

  /** Offsets of the "\n" bytes of the loaded texts, which must hold exactly `expected` of them. */
  textLineEnds(expected: number): Int32Array {
    this.reserveLineEnds(expected + 1);
    return this.lineEndsAt(this.textAt, this.textLength, expected, "texts");
  }

  /** Offsets of the "\n" bytes of `bytes`, which must hold exactly `expected` of them. */
  lineEnds(bytes: Uint8Array, expected: number): Int32Array {
    this.reserveLineEnds(expected + 1);
    const at = this.scratchEnd; // past every region: a temporary copy
    this.ensureMemory(at + bytes.length + 16);
    this.u8.set(bytes, at);
    this.u8.fill(0, at + bytes.length, at + bytes.length + 16);
    return this.lineEndsAt(at, bytes.length, expected, "bytes");
  }

  private reserveLineEnds(n: number): void {
    if (n <= this.lineBufCap) return;
    this.lineBufCap = Math.max(n, 2 * this.lineBufCap);
    this.layout("lines");
  }

  private lineEndsAt(at: number, length: number, expected: number, what: string): Int32Array {
    const n = this.kernel.lineEnds(at, length, this.lineBufAt, expected + 1);
    if (n !== expected) throw new Error(`the ${what} hold ${n < 0 ? "more than " + (expected + 1) : n} line breaks, expected ${expected}`);
    return new Int32Array(this.u8.buffer, this.lineBufAt, n).slice();
  }

  /** Matches one text given as UTF-8/WTF-8 bytes[start, end); returns how many ids are in `ids`. */
  matchBytes(bytes: Uint8Array, start: number, end: number): number {
    this.setTexts(bytes.subarray(start, end));
    this.matchBatch(Int32Array.of(0, end - start), 1);
    return this.idStartsView[1];
  }

  /** Matches a JS string (any content, lone surrogates included); ids in ascending order. */
  matchText(text: string): number[] {
    const bytes = new Uint8Array(wtf8Length(text));
    encodeWtf8Into(text, bytes, 0);
    const n = this.matchBytes(bytes, 0, bytes.length);
    return Array.from(this.idsView.subarray(0, n));
  }
}
