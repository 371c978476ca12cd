/**
 * Aho–Corasick over tokens, exact to MetaCLIP v1 substring matching.
 *
 * Why tokens: a match is `" " + entry + " "` inside `spacing(text)`, so every match starts and
 * ends on a space. An entry therefore matches exactly when its `split(" ")` tokens occur as a
 * contiguous run of the tokens of the normalised text (without the two empty tokens the padding
 * adds). Tokens are compared as WTF-8 bytes; the alphabet of the automaton is the set of distinct
 * entry tokens. Every table is a typed array that can live in a SharedArrayBuffer, so worker
 * threads share one automaton without copying it.
 */
import { BYTE_CLASS } from "./normalize";
import { encodeWtf8Into, wtf8Length } from "./utf8";

export interface AutomatonTables {
  entryCount: number;
  nodeCount: number;
  /** Open addressing, pairs [hash, tokenId]; tokenId -1 marks an empty slot. */
  vocabTable: Int32Array;
  vocabMask: number;
  /** Token t spans tokenBytes[tokenOffsets[t] .. tokenOffsets[t+1]). */
  tokenOffsets: Int32Array;
  tokenBytes: Uint8Array;
  /** Child of the root for each token, 0 when none. */
  rootNext: Int32Array;
  /** Open addressing, triples [node, token, child]; node -1 marks an empty slot. */
  edgeTable: Int32Array;
  edgeMask: number;
  fail: Int32Array;
  /** Nearest terminal node on the failure chain (0 = none). */
  dict: Int32Array;
  /** First entry id ending at a node, -1 if none; further ids with the same text via entryNext. */
  nodeEntry: Int32Array;
  entryNext: Int32Array;
}

const FNV_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_BASIS;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return finish(h);
}

function edgeSlot(node: number, token: number, mask: number): number {
  return finish(Math.imul(node, 0x9e3779b1) ^ Math.imul(token + 1, 0x27d4eb2f)) & mask;
}

function pow2AtLeast(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

function shared<T extends Int32Array | Uint8Array>(ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new ctor(new SharedArrayBuffer(Math.max(1, length) * ctor.BYTES_PER_ELEMENT));
}

/** Builds the automaton; entry id = index in `entries`, duplicates keep their own ids. */
export function buildAutomaton(entries: readonly string[]): AutomatonTables {
  const entryCount = entries.length;
  // 1. all entries as WTF-8, one buffer
  let totalBytes = 0;
  const lengths = new Int32Array(entryCount);
  for (let e = 0; e < entryCount; e++) totalBytes += lengths[e] = wtf8Length(entries[e]);
  const bytes = new Uint8Array(totalBytes);
  const starts = new Int32Array(entryCount + 1);
  let pos = 0;
  let totalTokens = 0;
  for (let e = 0; e < entryCount; e++) {
    starts[e] = pos;
    pos = encodeWtf8Into(entries[e], bytes, pos);
    for (let i = starts[e]; i < pos; i++) if (bytes[i] === 0x20) totalTokens++;
    totalTokens++;
  }
  starts[entryCount] = pos;

  // 2. vocabulary: distinct tokens (split on " " only; entries are not normalised)
  let buildMask = pow2AtLeast(totalTokens * 2) - 1;
  let table = new Int32Array((buildMask + 1) * 2).fill(-1);
  const tokStart: number[] = [];
  const tokEnd: number[] = [];
  const tokHash: number[] = [];
  const entryTokens = new Int32Array(totalTokens);
  const entryTokenStart = new Int32Array(entryCount + 1);
  let nt = 0;
  const intern = (s: number, end: number): number => {
    const h = hashBytes(bytes, s, end);
    let slot = h & buildMask;
    for (;;) {
      const id = table[slot * 2 + 1];
      if (id < 0) break;
      if (table[slot * 2] === h && tokEnd[id] - tokStart[id] === end - s) {
        let same = true;
        for (let k = 0, a = tokStart[id]; k < end - s; k++) if (bytes[a + k] !== bytes[s + k]) { same = false; break; }
        if (same) return id;
      }
      slot = (slot + 1) & buildMask;
    }
    const id = tokStart.length;
    tokStart.push(s); tokEnd.push(end); tokHash.push(h);
    table[slot * 2] = h; table[slot * 2 + 1] = id;
    return id;
  };
  for (let e = 0; e < entryCount; e++) {
    entryTokenStart[e] = nt;
    let s = starts[e];
    const end = starts[e + 1];
    for (let i = s; i <= end; i++) {
      if (i === end || bytes[i] === 0x20) { entryTokens[nt++] = intern(s, i); s = i + 1; }
    }
  }
  entryTokenStart[entryCount] = nt;
  const vocabSize = tokStart.length;

  // compact vocabulary table (load <= 0.5) and token bytes
  const vocabMask = pow2AtLeast(vocabSize * 2) - 1;
  const vocabTable = shared(Int32Array, (vocabMask + 1) * 2).fill(-1);
  const tokenOffsets = shared(Int32Array, vocabSize + 1);
  let tokenByteCount = 0;
  for (let t = 0; t < vocabSize; t++) tokenByteCount += tokEnd[t] - tokStart[t];
  const tokenBytes = shared(Uint8Array, tokenByteCount);
  let tb = 0;
  for (let t = 0; t < vocabSize; t++) {
    tokenOffsets[t] = tb;
    tokenBytes.set(bytes.subarray(tokStart[t], tokEnd[t]), tb);
    tb += tokEnd[t] - tokStart[t];
    let slot = tokHash[t] & vocabMask;
    while (vocabTable[slot * 2 + 1] >= 0) slot = (slot + 1) & vocabMask;
    vocabTable[slot * 2] = tokHash[t]; vocabTable[slot * 2 + 1] = t;
  }
  tokenOffsets[vocabSize] = tb;
  table = new Int32Array(0);
  buildMask = 0;

  // 3. trie over token ids
  const maxNodes = totalTokens + 1;
  const rootNext = shared(Int32Array, vocabSize);
  const edgeMask = pow2AtLeast(totalTokens * 2) - 1;
  let edgeTable = new Int32Array((edgeMask + 1) * 3).fill(-1);
  const parent = new Int32Array(maxNodes);
  const parentToken = new Int32Array(maxNodes);
  const depth = new Int32Array(maxNodes);
  let nodeCount = 1;
  const nodeEntryBuild = new Int32Array(maxNodes).fill(-1);
  const nodeLastEntry = new Int32Array(maxNodes).fill(-1);
  const entryNext = shared(Int32Array, entryCount).fill(-1);
  const edgeGet = (node: number, token: number): number => {
    let slot = edgeSlot(node, token, edgeMask);
    for (;;) {
      const n = edgeTable[slot * 3];
      if (n < 0) return -1;
      if (n === node && edgeTable[slot * 3 + 1] === token) return edgeTable[slot * 3 + 2];
      slot = (slot + 1) & edgeMask;
    }
  };
  const edgePut = (node: number, token: number, child: number): void => {
    let slot = edgeSlot(node, token, edgeMask);
    while (edgeTable[slot * 3] >= 0) slot = (slot + 1) & edgeMask;
    edgeTable[slot * 3] = node; edgeTable[slot * 3 + 1] = token; edgeTable[slot * 3 + 2] = child;
  };
  for (let e = 0; e < entryCount; e++) {
    let node = 0;
    for (let k = entryTokenStart[e]; k < entryTokenStart[e + 1]; k++) {
      const a = entryTokens[k];
      let child = node === 0 ? rootNext[a] || -1 : edgeGet(node, a);
      if (child < 0) {
        child = nodeCount++;
        parent[child] = node; parentToken[child] = a; depth[child] = depth[node] + 1;
        if (node === 0) rootNext[a] = child; else edgePut(node, a, child);
      }
      node = child;
    }
    if (nodeEntryBuild[node] < 0) nodeEntryBuild[node] = e; else entryNext[nodeLastEntry[node]] = e;
    nodeLastEntry[node] = e;
  }

  // 4. failure and dictionary links, nodes in order of depth
  const fail = shared(Int32Array, nodeCount);
  const dict = shared(Int32Array, nodeCount);
  const nodeEntry = shared(Int32Array, nodeCount);
  nodeEntry.set(nodeEntryBuild.subarray(0, nodeCount));
  let maxDepth = 0;
  for (let v = 1; v < nodeCount; v++) if (depth[v] > maxDepth) maxDepth = depth[v];
  const byDepthStart = new Int32Array(maxDepth + 2);
  for (let v = 1; v < nodeCount; v++) byDepthStart[depth[v] + 1]++;
  for (let d = 1; d <= maxDepth + 1; d++) byDepthStart[d] += byDepthStart[d - 1];
  const order = new Int32Array(nodeCount);
  const fill = byDepthStart.slice();
  for (let v = 1; v < nodeCount; v++) order[fill[depth[v]]++] = v;
  for (let i = 0; i < nodeCount - 1; i++) {
    const v = order[i];
    const u = parent[v];
    const a = parentToken[v];
    let f = 0;
    if (u !== 0) {
      let w = fail[u];
      for (;;) {
        if (w === 0) { f = rootNext[a]; break; }
        const c = edgeGet(w, a);
        if (c >= 0) { f = c; break; }
        w = fail[w];
      }
    }
    fail[v] = f;
    dict[v] = nodeEntry[f] >= 0 ? f : dict[f];
  }

  // compact edge table into shared memory (load <= 0.5)
  const edges = nodeCount - 1;
  const compactMask = pow2AtLeast(Math.max(1, edges) * 2) - 1;
  const compact = shared(Int32Array, (compactMask + 1) * 3).fill(-1);
  for (let slot = 0; slot <= edgeMask; slot++) {
    const n = edgeTable[slot * 3];
    if (n < 0) continue;
    const t = edgeTable[slot * 3 + 1];
    let s = edgeSlot(n, t, compactMask);
    while (compact[s * 3] >= 0) s = (s + 1) & compactMask;
    compact[s * 3] = n; compact[s * 3 + 1] = t; compact[s * 3 + 2] = edgeTable[slot * 3 + 2];
  }
  edgeTable = new Int32Array(0);

  return {
    entryCount, nodeCount, vocabTable, vocabMask, tokenOffsets, tokenBytes, rootNext,
    edgeTable: compact, edgeMask: compactMask, fail, dict, nodeEntry, entryNext,
  };
}

/** Bytes held by the automaton's tables. */
export function automatonBytes(a: AutomatonTables): number {
  return [a.vocabTable, a.tokenOffsets, a.tokenBytes, a.rootNext, a.edgeTable, a.fail, a.dict, a.nodeEntry, a.entryNext]
    .reduce((n, arr) => n + arr.byteLength, 0);
}

/**
 * Matches texts against an automaton. Holds per-thread scratch space, so make one per thread.
 * After `matchBytes`, `ids[0 .. n)` holds the matched entry ids in ascending order.
 */
export class TokenMatcher {
  readonly tables: AutomatonTables;
  ids: Int32Array;
  private readonly lastSeen: Int32Array;
  private stamp = 0;
  private scratch = new Uint8Array(1024);

  constructor(tables: AutomatonTables) {
    this.tables = tables;
    this.lastSeen = new Int32Array(tables.entryCount).fill(-1);
    this.ids = new Int32Array(64);
  }

  /** Matches one text given as UTF-8/WTF-8 bytes[start, end); returns how many ids are in `ids`. */
  matchBytes(bytes: Uint8Array, start: number, end: number): number {
    const t = this.tables;
    const vocabTable = t.vocabTable, vocabMask = t.vocabMask, tokenOffsets = t.tokenOffsets, tokenBytes = t.tokenBytes;
    const rootNext = t.rootNext, edgeTable = t.edgeTable, edgeMask = t.edgeMask, fail = t.fail, dict = t.dict;
    const nodeEntry = t.nodeEntry, entryNext = t.entryNext, lastSeen = this.lastSeen, cls = BYTE_CLASS;
    if (this.stamp === 0x7fffffff) { lastSeen.fill(-1); this.stamp = 0; }
    const stamp = ++this.stamp;
    let ids = this.ids;
    let n = 0;
    let state = 0;
    let tokStart = start;
    let h = FNV_BASIS;
    for (let i = start; i <= end; i++) {
      let c: number;
      if (i < end) {
        const b = bytes[i];
        c = cls[b];
        if (c === 0) { h = Math.imul(h ^ b, FNV_PRIME); continue; }
      } else c = 1;
      // one token [tokStart, i) and, for wrapped punctuation, the one-byte token [i, i + 1)
      for (let pass = 0; pass < c; pass++) {
        let s0 = tokStart, s1 = i;
        let hh = h;
        if (pass === 1) { s0 = i; s1 = i + 1; hh = Math.imul(FNV_BASIS ^ bytes[i], FNV_PRIME); }
        hh = finish(hh);
        const len = s1 - s0;
        let slot = hh & vocabMask;
        let token = -1;
        for (;;) {
          const id = vocabTable[slot * 2 + 1];
          if (id < 0) break;
          if (vocabTable[slot * 2] === hh) {
            const o = tokenOffsets[id];
            if (tokenOffsets[id + 1] - o === len) {
              let k = 0;
              while (k < len && tokenBytes[o + k] === bytes[s0 + k]) k++;
              if (k === len) { token = id; break; }
            }
          }
          slot = (slot + 1) & vocabMask;
        }
        if (token < 0) { state = 0; continue; }
        for (;;) {
          if (state === 0) { state = rootNext[token]; break; }
          let es = edgeSlot(state, token, edgeMask);
          let child = -1;
          for (;;) {
            const node = edgeTable[es * 3];
            if (node < 0) break;
            if (node === state && edgeTable[es * 3 + 1] === token) { child = edgeTable[es * 3 + 2]; break; }
            es = (es + 1) & edgeMask;
          }
          if (child >= 0) { state = child; break; }
          state = fail[state];
        }
        let o = nodeEntry[state] >= 0 ? state : dict[state];
        while (o > 0) {
          for (let e = nodeEntry[o]; e >= 0; e = entryNext[e]) {
            if (lastSeen[e] !== stamp) {
              lastSeen[e] = stamp;
              if (n === ids.length) { const grown = new Int32Array(n * 2); grown.set(ids); this.ids = ids = grown; }
              ids[n++] = e;
            }
          }
          o = dict[o];
        }
      }
      tokStart = i + 1;
      h = FNV_BASIS;
    }
    if (n > 1) sortIds(ids, n);
    return n;
  }

  /** Matches a JS string (any content, lone surrogates included); ids in ascending order. */
  matchText(text: string): number[] {
    const need = text.length * 3;
    if (this.scratch.length < need) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
    const end = encodeWtf8Into(text, this.scratch, 0);
    const n = this.matchBytes(this.scratch, 0, end);
    return Array.from(this.ids.subarray(0, n));
  }
}

function sortIds(ids: Int32Array, n: number): void {
  if (n > 32) { ids.subarray(0, n).sort(); return; }
  for (let i = 1; i < n; i++) {
    const v = ids[i];
    let j = i - 1;
    while (j >= 0 && ids[j] > v) { ids[j + 1] = ids[j]; j--; }
    ids[j + 1] = v;
  }
}
