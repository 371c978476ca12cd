/**
 * Plain substring matching of patterns in `spacing(text)`: the entries MetaCLIP 2 leaves unpadded on a
 * side (lib/curation/worldwide), which the token matcher cannot find because they need not start or end
 * on a space. Aho–Corasick over the patterns' WTF-8 bytes, run over the text's bytes as `spacing`
 * rewrites them on the fly (a space before and after, a space around each of , . ; : ? ! `, and \t \n \r
 * as a space): those are ASCII bytes, which never occur inside a multi-byte UTF-8 character, so the
 * rewrite of bytes is the rewrite of characters. Byte matching equals JavaScript's `includes` because
 * MetaCLIP 2's padding never leaves half of a surrogate pair at a pattern's unpadded end.
 *
 * Tables are typed arrays (shared memory where there is any), so worker threads share one build:
 * the root's transitions are a dense 256-entry array, every other edge is a slot of one open-addressing
 * table keyed by (node, byte), key and value side by side (one cache miss a step: the tables of a
 * 100k-entry CJK list are tens of MB); each node has its failure link, its own outputs and a link to
 * the nearest suffix node that has outputs. An edge's value is 2 * child + (whether any pattern ends
 * at the child or a suffix of it), so a step reads the output tables only when one does.
 */
import { BYTE_CLASS } from "./normalize";
import { encodeWtf8Into, wtf8Length } from "./utf8";

export interface SubstringTables {
  patterns: number;
  nodeCount: number;
  /** The root's transitions by byte: 2 * child + has-output (0: none). */
  root: Int32Array;
  /** Edge slot s: key edges[2s] = edgeKey(node, byte) (0 = empty), value edges[2s + 1] = 2 * child + has-output. */
  edges: Int32Array;
  edgeMask: number;
  edgeShift: number;
  fail: Int32Array;
  /** The node's own ids: outIds[outStart[v] .. outStart[v + 1]). */
  outStart: Int32Array;
  outIds: Int32Array;
  /** The node itself if it has outputs, else the nearest proper suffix node that has (0 = none). */
  outNode: Int32Array;
  /** The nearest proper suffix node with outputs (0 = none; the root has none). */
  dictLink: Int32Array;
}

function shared(length: number): Int32Array {
  const bytes = Math.max(1, length) * 4;
  return new Int32Array(typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/**
 * An edge's key: node * 256 + byte + 1 as the 32 bits of an int32 (above 2^31 it wraps negative, still
 * one key per edge and never 0), so nodes up to MAX_NODES fit.
 */
const edgeKey = (node: number, byte: number) => (node * 256 + byte + 1) | 0;
/** The most nodes (bytes of patterns, the bound the build sizes its tables by) an edge key can tell apart. */
export const MAX_NODES = 2 ** 24 - 2;

/** Fibonacci hashing: the product's high bits, which depend on every bit of the key (its low bits would not). */
const hashKey = (key: number, shift: number) => Math.imul(key, 0x9e3779b1) >>> shift;

/** Builds the tables for `patterns`: pattern k (skipped when null) reports `ids[k]`. */
export function buildSubstringTables(patterns: readonly (string | null)[], ids: ArrayLike<number>): SubstringTables {
  let totalBytes = 0;
  for (const p of patterns) if (p !== null) totalBytes += wtf8Length(p);
  const maxNodes = totalBytes + 1;
  if (maxNodes > MAX_NODES) throw new RangeError(`its substring entries (those with a CJK-like end, padded) hold ${totalBytes.toLocaleString("en-US")} bytes, more than the ${MAX_NODES.toLocaleString("en-US")} the matcher's tables can key`);
  // sized for the most nodes the patterns could make; rebuilt for the nodes they did make once the trie is done
  let edgeBits = 4;
  while (1 << edgeBits < 2 * maxNodes) edgeBits++;
  let edgeMask = (1 << edgeBits) - 1, edgeShift = 32 - edgeBits;
  let edges: Int32Array = new Int32Array(2 << edgeBits);
  const root = shared(256);
  // during the build, values are plain child ids
  const childOf = (node: number, byte: number): number => {
    if (node === 0) return root[byte];
    const key = edgeKey(node, byte);
    for (let s = hashKey(key, edgeShift); edges[2 * s] !== 0; s = (s + 1) & edgeMask) if (edges[2 * s] === key) return edges[2 * s + 1];
    return 0;
  };
  const addChild = (node: number, byte: number, child: number) => {
    if (node === 0) { root[byte] = child; return; }
    const key = edgeKey(node, byte);
    let s = hashKey(key, edgeShift);
    while (edges[2 * s] !== 0) s = (s + 1) & edgeMask;
    edges[2 * s] = key; edges[2 * s + 1] = child;
  };
  // 1. the trie; each node's own pattern ids as a linked list (in pattern order, so ids stay ascending);
  // each node's children as a linked list too, for the breadth-first pass
  const buf = new Uint8Array(totalBytes);
  let nodeCount = 1, outputs = 0;
  const ownFirst = new Int32Array(maxNodes).fill(-1), ownLast = new Int32Array(maxNodes).fill(-1), next = new Int32Array(patterns.length).fill(-1);
  const firstChild = new Int32Array(maxNodes).fill(-1), nextSibling = new Int32Array(maxNodes).fill(-1), byteOf = new Uint8Array(maxNodes);
  patterns.forEach((p, k) => {
    if (p === null || p === "") return;
    const end = encodeWtf8Into(p, buf, 0);
    let node = 0;
    for (let i = 0; i < end; i++) {
      let c = childOf(node, buf[i]);
      if (c === 0) {
        c = nodeCount++;
        addChild(node, buf[i], c);
        byteOf[c] = buf[i];
        nextSibling[c] = firstChild[node];
        firstChild[node] = c;
      }
      node = c;
    }
    if (ownFirst[node] < 0) ownFirst[node] = k; else next[ownLast[node]] = k;
    ownLast[node] = k;
    outputs++;
  });
  // the final edge table: load at most 1/2 of the nodes made (CJK patterns share prefixes: a third of their bytes make nodes)
  {
    let bits = 4;
    while (1 << bits < 2 * nodeCount) bits++;
    const old = edges, oldMask = edgeMask;
    edgeBits = bits; edgeMask = (1 << bits) - 1; edgeShift = 32 - bits;
    edges = shared(2 << bits);
    for (let s = 0; s <= oldMask; s++) {
      const key = old[2 * s];
      if (key === 0) continue;
      let slot = hashKey(key, edgeShift);
      while (edges[2 * slot] !== 0) slot = (slot + 1) & edgeMask;
      edges[2 * slot] = key; edges[2 * slot + 1] = old[2 * s + 1];
    }
  }
  // 2. failure and dictionary links, breadth first (a node's failure is shallower, so set before it is read)
  const fail = shared(nodeCount), dictLink = shared(nodeCount), outNode = shared(nodeCount);
  const queue = new Int32Array(nodeCount);
  let tail = 0;
  for (let c = firstChild[0]; c >= 0; c = nextSibling[c]) queue[tail++] = c;
  for (let q = 0; q < tail; q++) {
    const v = queue[q];
    outNode[v] = ownFirst[v] >= 0 ? v : dictLink[v];
    for (let c = firstChild[v]; c >= 0; c = nextSibling[c]) {
      const byte = byteOf[c];
      let f = fail[v];
      for (;;) {
        const g = childOf(f, byte);
        if (g !== 0) { fail[c] = g; break; }
        if (f === 0) { fail[c] = 0; break; }
        f = fail[f];
      }
      dictLink[c] = ownFirst[fail[c]] >= 0 ? fail[c] : dictLink[fail[c]];
      queue[tail++] = c;
    }
  }
  // 3. outputs, and each edge's value marked with whether its child reports any
  const outStart = shared(nodeCount + 1), outIds = shared(outputs);
  let o = 0;
  for (let v = 0; v < nodeCount; v++) {
    outStart[v] = o;
    for (let k = ownFirst[v]; k >= 0; k = next[k]) outIds[o++] = ids[k];
  }
  outStart[nodeCount] = o;
  const mark = (child: number) => 2 * child + (outNode[child] !== 0 ? 1 : 0);
  for (let b = 0; b < 256; b++) if (root[b] !== 0) root[b] = mark(root[b]);
  for (let s = 0; s <= edgeMask; s++) if (edges[2 * s] !== 0) edges[2 * s + 1] = mark(edges[2 * s + 1]);
  return { patterns: outputs, nodeCount, root, edges, edgeMask, edgeShift, fail, outStart, outIds, outNode, dictLink };
}

/** Bytes held by the tables. */
export function substringTablesBytes(t: SubstringTables): number {
  return [t.root, t.edges, t.fail, t.outStart, t.outIds, t.outNode, t.dictLink].reduce((n, a) => n + a.byteLength, 0);
}

const SPACE = 0x20;

/**
 * Appends to `out` (from `length` on) the ids of every pattern found in spacing(bytes[start, end)),
 * each time it occurs; returns the new length. The caller sorts and deduplicates.
 */
export function findSubstrings(t: SubstringTables, bytes: Uint8Array, start: number, end: number, out: number[], length: number): number {
  if (t.patterns === 0) return length;
  const { root, edges, edgeMask, edgeShift, fail, outStart, outIds, outNode, dictLink } = t;
  let state = 0, n = length;
  // the bytes of spacing(text): a space, each byte (a space around wrapped punctuation, \t \n \r as a space), a space
  for (let i = start - 1, pending = 0; i <= end || pending > 0;) {
    let byte: number;
    if (pending > 0) { byte = pending === 2 ? bytes[i] : SPACE; pending--; if (pending === 0) i++; }
    else if (i < start || i === end) { byte = SPACE; i++; }
    else {
      const b = bytes[i], cls = BYTE_CLASS[b];
      if (cls === 0) { byte = b; i++; } else if (cls === 1) { byte = SPACE; i++; } else { byte = SPACE; pending = 2; }
    }
    // the transition, failing back until a child is found or the root has none
    let value = 0;
    for (;;) {
      if (state === 0) value = root[byte];
      else {
        const key = edgeKey(state, byte);
        value = 0;
        for (let s = hashKey(key, edgeShift), k = edges[2 * s]; k !== 0; s = (s + 1) & edgeMask, k = edges[2 * s]) {
          if (k === key) { value = edges[2 * s + 1]; break; }
        }
      }
      if (value !== 0 || state === 0) break;
      state = fail[state];
    }
    state = value >> 1;
    if ((value & 1) === 0) continue;
    for (let v = outNode[state]; v !== 0; v = dictLink[v]) {
      for (let k = outStart[v]; k < outStart[v + 1]; k++) out[n++] = outIds[k];
    }
  }
  return n;
}
