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
 * table keyed by (node, byte); each node has its failure link, its own outputs and a link to the
 * nearest suffix node that has outputs.
 */
import { BYTE_CLASS } from "./normalize";
import { encodeWtf8Into, wtf8Length } from "./utf8";

export interface SubstringTables {
  patterns: number;
  nodeCount: number;
  root: Int32Array;
  /** Edge slot s: key edgeKeys[s] = node * 256 + byte + 1 (0 = empty), child edgeValues[s]. */
  edgeKeys: Int32Array;
  edgeValues: Int32Array;
  edgeMask: number;
  fail: Int32Array;
  /** The node's own ids: outIds[outStart[v] .. outStart[v + 1]). */
  outStart: Int32Array;
  outIds: Int32Array;
  /** The nearest proper suffix node with outputs (0 = none; the root has none). */
  dictLink: Int32Array;
}

function shared(length: number): Int32Array {
  const bytes = Math.max(1, length) * 4;
  return new Int32Array(typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

const hashKey = (key: number, mask: number) => (Math.imul(key, 0x9e3779b1) ^ (key >>> 13)) & mask;

/** Builds the tables for `patterns`: pattern k (skipped when null) reports `ids[k]`. */
export function buildSubstringTables(patterns: readonly (string | null)[], ids: ArrayLike<number>): SubstringTables {
  let totalBytes = 0;
  for (const p of patterns) if (p !== null) totalBytes += wtf8Length(p);
  const maxNodes = totalBytes + 1;
  if (maxNodes >= 1 << 23) throw new RangeError(`substring patterns of ${totalBytes} bytes: more than the ${1 << 23} nodes the tables can key`);
  let edgeSlots = 16;
  while (edgeSlots < 2 * maxNodes) edgeSlots *= 2;
  const edgeMask = edgeSlots - 1;
  const edgeKeys = shared(edgeSlots), edgeValues = shared(edgeSlots);
  const root = shared(256);
  const childOf = (node: number, byte: number): number => {
    if (node === 0) return root[byte];
    const key = node * 256 + byte + 1;
    for (let s = hashKey(key, edgeMask); edgeKeys[s] !== 0; s = (s + 1) & edgeMask) if (edgeKeys[s] === key) return edgeValues[s];
    return 0;
  };
  const addChild = (node: number, byte: number, child: number) => {
    if (node === 0) { root[byte] = child; return; }
    const key = node * 256 + byte + 1;
    let s = hashKey(key, edgeMask);
    while (edgeKeys[s] !== 0) s = (s + 1) & edgeMask;
    edgeKeys[s] = key; edgeValues[s] = child;
  };
  // 1. the trie; each node's own pattern ids as a linked list (in pattern order, so ids stay ascending)
  const buf = new Uint8Array(totalBytes);
  let nodeCount = 1, outputs = 0;
  const ownFirst = new Int32Array(maxNodes).fill(-1), ownLast = new Int32Array(maxNodes).fill(-1), next = new Int32Array(patterns.length).fill(-1);
  const depthByte: number[] = [];
  patterns.forEach((p, k) => {
    if (p === null || p === "") return;
    const end = encodeWtf8Into(p, buf, 0);
    let node = 0;
    for (let i = 0; i < end; i++) {
      let c = childOf(node, buf[i]);
      if (c === 0) { c = nodeCount++; addChild(node, buf[i], c); depthByte[c] = buf[i]; }
      node = c;
    }
    if (ownFirst[node] < 0) ownFirst[node] = k; else next[ownLast[node]] = k;
    ownLast[node] = k;
    outputs++;
  });
  // 2. failure and dictionary links, breadth first
  const fail = shared(nodeCount), dictLink = shared(nodeCount);
  const children: number[][] = Array.from({ length: nodeCount }, () => []);
  for (let b = 0; b < 256; b++) if (root[b] !== 0) children[0].push(root[b]);
  for (let s = 0; s <= edgeMask; s++) if (edgeKeys[s] !== 0) children[Math.floor((edgeKeys[s] - 1) / 256)].push(edgeValues[s]);
  const queue = [...children[0]];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const c of children[v]) {
      const byte = depthByte[c];
      let f = fail[v];
      for (;;) {
        const g = childOf(f, byte);
        if (g !== 0 && g !== c) { fail[c] = g; break; }
        if (f === 0) { fail[c] = 0; break; }
        f = fail[f];
      }
      dictLink[c] = ownFirst[fail[c]] >= 0 ? fail[c] : dictLink[fail[c]];
      queue.push(c);
    }
  }
  // 3. outputs
  const outStart = shared(nodeCount + 1), outIds = shared(outputs);
  let o = 0;
  for (let v = 0; v < nodeCount; v++) {
    outStart[v] = o;
    for (let k = ownFirst[v]; k >= 0; k = next[k]) outIds[o++] = ids[k];
  }
  outStart[nodeCount] = o;
  return { patterns: outputs, nodeCount, root, edgeKeys, edgeValues, edgeMask, fail, outStart, outIds, dictLink };
}

/** Bytes held by the tables. */
export function substringTablesBytes(t: SubstringTables): number {
  return [t.root, t.edgeKeys, t.edgeValues, t.fail, t.outStart, t.outIds, t.dictLink].reduce((n, a) => n + a.byteLength, 0);
}

const SPACE = 0x20;

/**
 * Appends to `out` (from `length` on) the ids of every pattern found in spacing(bytes[start, end)),
 * each time it occurs; returns the new length. The caller sorts and deduplicates.
 */
export function findSubstrings(t: SubstringTables, bytes: Uint8Array, start: number, end: number, out: number[], length: number): number {
  if (t.patterns === 0) return length;
  const { root, edgeKeys, edgeValues, edgeMask, fail, outStart, outIds, dictLink } = t;
  let state = 0, n = length;
  const step = (byte: number) => {
    for (;;) {
      let c: number;
      if (state === 0) c = root[byte];
      else {
        const key = state * 256 + byte + 1;
        let s = hashKey(key, edgeMask);
        while (edgeKeys[s] !== 0 && edgeKeys[s] !== key) s = (s + 1) & edgeMask;
        c = edgeKeys[s] === key ? edgeValues[s] : 0;
      }
      if (c !== 0) { state = c; break; }
      if (state === 0) return;
      state = fail[state];
    }
    for (let v = outStart[state] < outStart[state + 1] ? state : dictLink[state]; v !== 0; v = dictLink[v]) {
      for (let i = outStart[v]; i < outStart[v + 1]; i++) out[n++] = outIds[i];
    }
  };
  step(SPACE);
  for (let i = start; i < end; i++) {
    const b = bytes[i], cls = BYTE_CLASS[b];
    if (cls === 0) step(b);
    else if (cls === 1) step(SPACE);
    else { step(SPACE); step(b); step(SPACE); }
  }
  step(SPACE);
  return n;
}
