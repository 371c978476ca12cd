/**
 * Aho–Corasick over tokens, exact to MetaCLIP v1 substring matching.
 *
 * Why tokens: a match is `" " + entry + " "` inside `spacing(text)`, so every match starts and
 * ends on a space. An entry therefore matches exactly when its `split(" ")` tokens occur as a
 * contiguous run of the tokens of the normalised text (without the two empty tokens the padding
 * adds). Tokens are compared as WTF-8 bytes; the alphabet of the automaton is the set of distinct
 * entry tokens.
 *
 * Layout, for few cache misses per text token (the tables for 500k entries are tens of MB, and
 * text tokens are Zipfian, so what matters is that the hot part is small and together):
 * - token ids are given hottest first, by how many entries use the token (common words are in many
 *   entries and many texts). Tokens that begin an entry get ids 1..R, equal to the ids of the
 *   root's children, so the root's transition needs no lookup;
 * - the vocabulary is two open-addressing tables (the hottest tokens, then the rest) keyed by the
 *   token's bytes packed into two int32 (tokens of up to 7 bytes compare in the slot itself);
 * - every edge below the root is one slot of a hash table keyed by (parent, token) that also holds
 *   what the next step needs: the child's outputs (a single output inline), whether it has
 *   children, and its first failure target that has children (leaves are skipped);
 * - matching runs in passes (split, vocabulary, automaton) and each pass first touches every table
 *   address it will need, so the cache misses overlap instead of queueing.
 * Every table is a typed array in a SharedArrayBuffer, so worker threads share one automaton.
 */
import { BYTE_CLASS } from "./normalize";
import { encodeWtf8Into, wtf8Length } from "./utf8";

export interface AutomatonTables {
  entryCount: number;
  nodeCount: number;
  tokenCount: number;
  /** Tokens that begin an entry have ids 1..rootChildren (= their node ids); 0 is no token. */
  rootChildren: number;
  /**
   * The most frequent tokens: slots of VOCAB_STRIDE ints [w0, w1, tokenId, outputs, info] where
   * outputs and info are those of the root's child for the token (-1 and 0 when the token begins
   * no entry); tokenId 0 marks an empty slot.
   */
  hotTable: Int32Array;
  hotMask: number;
  /** All other tokens, same layout. */
  vocabTable: Int32Array;
  vocabMask: number;
  /** Token t (1-based) spans tokenBytes[tokenOffsets[t] .. tokenOffsets[t+1]). */
  tokenOffsets: Int32Array;
  tokenBytes: Uint8Array;
  /**
   * Record of node v at 4v: [first child, failure link, outputs, 0] (nodes are numbered
   * breadth-first, children consecutive). Outputs: -1 none, <= -2 the single entry id -out-2,
   * >= 0 an index into outIds holding [count, id...].
   */
  nodes: Int32Array;
  outIds: Int32Array;
  /**
   * true: a node's outputs include those of its whole failure chain. false (only when that would be
   * too large): outputs are the node's own, and dict[v] is the next node on the chain with outputs.
   */
  flatOutputs: boolean;
  dict: Int32Array;
  /**
   * Every edge below the root, open addressing, slots of EDGE_STRIDE ints
   * [parent, token, child, outputs of child, info of child]; parent 0 marks an empty slot.
   * info = 2 * (first node with children on the failure chain, 0 = root) + (1 if it has children).
   */
  edgeTable: Int32Array;
  edgeMask: number;
  /** info (as above) of every node, for failure chains longer than one step. */
  nodeInfo: Int32Array;
}

export const VOCAB_STRIDE = 5;
export const EDGE_STRIDE = 5;

/** How many of the most frequent tokens go into the small hot table. */
const HOT_TOKENS = 16384;

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

/** The key of token bytes[s, e): [w0, w1]. Short tokens: their bytes and length; long: a hash. */
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

function pow2AtLeast(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

/** Shared memory where there is any (Node, cross-origin-isolated pages); plain memory otherwise. */
function shared<T extends Int32Array | Uint8Array>(ctor: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, length: number): T {
  const bytes = Math.max(1, length) * ctor.BYTES_PER_ELEMENT;
  return new ctor(typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/** Builds the automaton; entry id = index in `entries`; duplicates keep their own ids. */
export function buildAutomaton(entries: readonly string[]): AutomatonTables {
  const entryCount = entries.length;
  // 1. all entries as WTF-8 in one buffer; count tokens (split on " " only: entries are not normalised)
  let totalBytes = 0;
  for (let e = 0; e < entryCount; e++) totalBytes += wtf8Length(entries[e]);
  const bytes = new Uint8Array(totalBytes);
  const starts = new Int32Array(entryCount + 1);
  let pos = 0, totalTokens = 0;
  for (let e = 0; e < entryCount; e++) {
    starts[e] = pos;
    pos = encodeWtf8Into(entries[e], bytes, pos);
    for (let i = starts[e]; i < pos; i++) if (bytes[i] === 0x20) totalTokens++;
    totalTokens++;
  }
  starts[entryCount] = pos;

  // 2. distinct tokens (provisional ids in order of first appearance)
  const buildMask = pow2AtLeast(totalTokens * 2) - 1;
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
  let nt = 0;
  for (let e = 0; e < entryCount; e++) {
    entryTokenStart[e] = nt;
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
  }
  entryTokenStart[entryCount] = nt;
  const tokenCount = tokStart.length - 1;

  // final token ids, hottest first: tokens that begin an entry (1..R), then the others
  const heat = new Float64Array(tokenCount + 1);
  for (let k = 0; k < nt; k++) heat[entryTokens[k]] += 1;
  const begins = new Uint8Array(tokenCount + 1);
  for (let e = 0; e < entryCount; e++) begins[entryTokens[entryTokenStart[e]]] = 1;
  const byHeat = Array.from({ length: tokenCount }, (_, i) => i + 1).sort((x, y) => heat[y] - heat[x] || x - y);
  const finalId = new Int32Array(tokenCount + 1);
  let rootChildren = 0;
  for (const t of byHeat) if (begins[t]) finalId[t] = ++rootChildren;
  let other = rootChildren;
  for (const t of byHeat) if (!begins[t]) finalId[t] = ++other;
  for (let k = 0; k < nt; k++) entryTokens[k] = finalId[entryTokens[k]];

  const hotCount = Math.min(HOT_TOKENS, tokenCount);
  const hotMask = pow2AtLeast(hotCount * 2) - 1;
  const hotTable = shared(Int32Array, (hotMask + 1) * VOCAB_STRIDE);
  const vocabMask = pow2AtLeast(Math.max(1, tokenCount - hotCount) * 2) - 1;
  const vocabTable = shared(Int32Array, (vocabMask + 1) * VOCAB_STRIDE);
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
  const vocabSlotOf = new Int32Array(tokenCount + 1); // final id -> slot * 2 + (1 if hot)
  byHeat.forEach((t, rank) => {
    const hot = rank < hotCount;
    const [table, mask] = hot ? [hotTable, hotMask] : [vocabTable, vocabMask];
    tokenKey(bytes, tokStart[t], tokEnd[t], key);
    let slot = mix(key[0], key[1]) & mask;
    while (table[slot * VOCAB_STRIDE + 2] !== 0) slot = (slot + 1) & mask;
    const at = slot * VOCAB_STRIDE;
    table[at] = key[0]; table[at + 1] = key[1]; table[at + 2] = finalId[t]; table[at + 3] = -1; table[at + 4] = 0;
    vocabSlotOf[finalId[t]] = slot * 2 + (hot ? 1 : 0);
  });

  // 3. trie over token ids (temporary hash-table edges), then breadth-first renumbering
  const maxNodes = totalTokens + 1;
  const trieMask = pow2AtLeast(totalTokens * 2) - 1;
  const trieEdges = new Int32Array((trieMask + 1) * 3).fill(-1);
  const trieSlot = (node: number, token: number) => mix(node, token) & trieMask;
  const parent = new Int32Array(maxNodes);
  const parentToken = new Int32Array(maxNodes);
  const rootChild = new Int32Array(rootChildren + 1);
  const ownFirst = new Int32Array(maxNodes).fill(-1);
  const ownLast = new Int32Array(maxNodes).fill(-1);
  const entryNext = new Int32Array(entryCount).fill(-1);
  let nodeCount = 1;
  for (let e = 0; e < entryCount; e++) {
    let node = 0;
    for (let k = entryTokenStart[e]; k < entryTokenStart[e + 1]; k++) {
      const a = entryTokens[k];
      let child = -1;
      if (node === 0) child = rootChild[a] || -1;
      else {
        for (let slot = trieSlot(node, a); trieEdges[slot * 3] >= 0; slot = (slot + 1) & trieMask) {
          if (trieEdges[slot * 3] === node && trieEdges[slot * 3 + 1] === a) { child = trieEdges[slot * 3 + 2]; break; }
        }
      }
      if (child < 0) {
        child = nodeCount++;
        parent[child] = node; parentToken[child] = a;
        if (node === 0) rootChild[a] = child;
        else {
          let slot = trieSlot(node, a);
          while (trieEdges[slot * 3] >= 0) slot = (slot + 1) & trieMask;
          trieEdges[slot * 3] = node; trieEdges[slot * 3 + 1] = a; trieEdges[slot * 3 + 2] = child;
        }
      }
      node = child;
    }
    if (ownFirst[node] < 0) ownFirst[node] = e; else entryNext[ownLast[node]] = e;
    ownLast[node] = e;
  }
  const childStart = new Int32Array(nodeCount + 1);
  for (let v = 1; v < nodeCount; v++) childStart[parent[v] + 1]++;
  for (let v = 0; v < nodeCount; v++) childStart[v + 1] += childStart[v];
  const childList = new Int32Array(Math.max(1, nodeCount - 1));
  const cursor = childStart.slice(0, nodeCount);
  for (let v = 1; v < nodeCount; v++) childList[cursor[parent[v]]++] = v;
  for (let v = 0; v < nodeCount; v++) {
    const seg = childList.subarray(childStart[v], childStart[v + 1]);
    if (seg.length > 1) seg.set(Array.from(seg).sort((x, y) => parentToken[x] - parentToken[y]));
  }
  const newId = new Int32Array(nodeCount);
  const oldOf = new Int32Array(nodeCount);
  let next = 1;
  for (let q = 0; q < nodeCount; q++) {
    const old = oldOf[q];
    for (let i = childStart[old]; i < childStart[old + 1]; i++) { newId[childList[i]] = next; oldOf[next++] = childList[i]; }
  }

  const nodes = shared(Int32Array, (nodeCount + 1) * 4);
  const nodeToken = new Int32Array(nodeCount);
  let firstChild = 1;
  for (let v = 0; v < nodeCount; v++) {
    const old = oldOf[v];
    nodes[v * 4] = firstChild;
    firstChild += childStart[old + 1] - childStart[old];
    nodeToken[v] = v === 0 ? 0 : parentToken[old];
  }
  nodes[nodeCount * 4] = nodeCount;
  // 4. failure links in breadth-first order
  const goto = (s: number, a: number): number => {
    if (s === 0) return a <= rootChildren ? a : 0;
    let lo = nodes[s * 4], hi = nodes[s * 4 + 4] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const tk = nodeToken[mid];
      if (tk === a) return mid;
      if (tk < a) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  };
  const fail = new Int32Array(nodeCount);
  for (let v = 1; v < nodeCount; v++) {
    const u = newId[parent[oldOf[v]]];
    const a = nodeToken[v];
    let f = 0;
    if (u !== 0) {
      for (let w = fail[u]; ; w = fail[w]) {
        const c = goto(w, a);
        if (c >= 0) { f = c; break; }
      }
    }
    fail[v] = f;
    nodes[v * 4 + 1] = f;
  }

  // 5. outputs: flattened over the failure chain unless that would be too large
  const own = (v: number) => { const ids: number[] = []; for (let e = ownFirst[oldOf[v]]; e >= 0; e = entryNext[e]) ids.push(e); return ids; };
  const ownCount = new Int32Array(nodeCount);
  for (let v = 1; v < nodeCount; v++) for (let e = ownFirst[oldOf[v]]; e >= 0; e = entryNext[e]) ownCount[v]++;
  const flatSize = new Float64Array(nodeCount);
  let flatTotal = 0;
  for (let v = 1; v < nodeCount; v++) {
    flatSize[v] = ownCount[v] + flatSize[fail[v]];
    if (flatSize[v] > 1) flatTotal += flatSize[v] + 1;
  }
  const flatOutputs = flatTotal <= 4 * entryCount + (1 << 22);
  const dict = shared(Int32Array, flatOutputs ? 1 : nodeCount);
  const lists: number[][] = flatOutputs ? new Array(nodeCount) : [];
  let outLength = 0;
  for (let v = 1; v < nodeCount; v++) {
    let ids = own(v);
    if (flatOutputs) {
      const f = fail[v];
      if (f > 0 && lists[f].length > 0) ids = ids.concat(lists[f]);
      lists[v] = ids;
    } else {
      dict[v] = ownCount[fail[v]] > 0 ? fail[v] : dict[fail[v]];
    }
    if (ids.length > 1) outLength += ids.length + 1;
  }
  const outIds = shared(Int32Array, outLength);
  let op = 0;
  nodes[2] = -1;
  for (let v = 1; v < nodeCount; v++) {
    const ids = flatOutputs ? lists[v] : own(v);
    if (ids.length === 0) nodes[v * 4 + 2] = -1;
    else if (ids.length === 1) nodes[v * 4 + 2] = -ids[0] - 2;
    else {
      ids.sort((x, y) => x - y);
      nodes[v * 4 + 2] = op;
      outIds[op++] = ids.length;
      for (const id of ids) outIds[op++] = id;
    }
  }

  // 6. the match-time view: node info, the edge table, and the root's children in the vocabulary
  const hasKids = (v: number) => nodes[v * 4 + 4] > nodes[v * 4];
  const nodeInfo = shared(Int32Array, nodeCount);
  for (let v = 1; v < nodeCount; v++) {
    const f = fail[v];
    const fnl = f === 0 || hasKids(f) ? f : nodeInfo[f] >> 1;
    nodeInfo[v] = fnl * 2 + (hasKids(v) ? 1 : 0);
  }
  const edgeCount = nodeCount - 1 - rootChildren;
  const edgeMask = pow2AtLeast(Math.max(1, edgeCount) * 2) - 1;
  const edgeTable = shared(Int32Array, (edgeMask + 1) * EDGE_STRIDE);
  for (let p = 1; p < nodeCount; p++) {
    for (let c = nodes[p * 4]; c < nodes[p * 4 + 4]; c++) {
      let slot = mix(p, nodeToken[c]) & edgeMask;
      while (edgeTable[slot * EDGE_STRIDE] !== 0) slot = (slot + 1) & edgeMask;
      const at = slot * EDGE_STRIDE;
      edgeTable[at] = p; edgeTable[at + 1] = nodeToken[c]; edgeTable[at + 2] = c;
      edgeTable[at + 3] = nodes[c * 4 + 2]; edgeTable[at + 4] = nodeInfo[c];
    }
  }
  for (let a = 1; a <= rootChildren; a++) {
    const table = vocabSlotOf[a] & 1 ? hotTable : vocabTable;
    const at = (vocabSlotOf[a] >> 1) * VOCAB_STRIDE;
    table[at + 3] = nodes[a * 4 + 2];
    table[at + 4] = nodeInfo[a];
  }

  return {
    entryCount, nodeCount, tokenCount, rootChildren, hotTable, hotMask, vocabTable, vocabMask, tokenOffsets, tokenBytes,
    nodes, outIds, flatOutputs, dict, edgeTable, edgeMask, nodeInfo,
  };
}

/** Bytes held by the automaton's tables. */
export function automatonBytes(a: AutomatonTables): number {
  return [a.hotTable, a.vocabTable, a.tokenOffsets, a.tokenBytes, a.nodes, a.outIds, a.dict, a.edgeTable, a.nodeInfo].reduce((n, arr) => n + arr.byteLength, 0);
}

/**
 * Matches texts against an automaton. Holds per-thread scratch space, so make one per thread.
 * After `matchBytes`, `ids[0 .. n)` holds the matched entry ids in ascending order.
 */
export class TokenMatcher {
  readonly tables: AutomatonTables;
  ids: Int32Array;
  private scratch = new Uint8Array(1024);
  /** Per token of the text being matched: [w0, w1, hash, start, end] of its bytes. */
  private keys = new Int32Array(5 * 256);
  /** Per token: [token id, outputs and info of the root's child]. */
  private tokens = new Int32Array(3 * 256);
  /** Output codes met while matching one text. */
  private outs = new Int32Array(256);
  /** Three-level bitmap of matched entry ids: dedupes and sorts in one pass. */
  private readonly bits0: Int32Array;
  private readonly bits1: Int32Array;
  private readonly bits2: Int32Array;

  constructor(tables: AutomatonTables) {
    this.tables = tables;
    this.ids = new Int32Array(256);
    this.bits0 = new Int32Array((tables.entryCount >>> 5) + 1);
    this.bits1 = new Int32Array((tables.entryCount >>> 10) + 1);
    this.bits2 = new Int32Array((tables.entryCount >>> 15) + 1);
  }

  /** Matches one text given as UTF-8/WTF-8 bytes[start, end); returns how many ids are in `ids`. */
  matchBytes(bytes: Uint8Array, start: number, end: number): number {
    const n = this.split(bytes, start, end);
    this.lookup(bytes, n);
    return this.run(n);
  }

  /**
   * The memory system is the bottleneck (the tables are tens of MB; a miss costs ~150 ns), so each
   * pass first computes every address it will need and touches them in a tight loop: independent
   * loads overlap, like a prefetch. `sink` keeps those loads from being optimised away.
   */
  sink = 0;

  /**
   * Pass 1: split into tokens; their keys and hashes into `keys` ([w0, w1, hash, start, end]).
   * One pass over the bytes: each token's key (packed bytes, or FNV-1a when longer than 7) is
   * built as it is read.
   */
  private split(bytes: Uint8Array, start: number, end: number): number {
    const cls = BYTE_CLASS;
    let keys = this.keys;
    let n = 0;
    let s0 = start, len = 0, w0 = 0, w1 = 0, fnv = FNV_BASIS;
    for (let i = start; i <= end; i++) {
      let c = 1;
      if (i < end) {
        const b = bytes[i];
        c = cls[b];
        if (c === 0) {
          if (len < 4) w0 |= b << (8 * len); else if (len < 7) w1 |= b << (8 * (len - 4));
          fnv = Math.imul(fnv ^ b, FNV_PRIME);
          len++;
          continue;
        }
      }
      if (n + 10 > keys.length) { const g = new Int32Array(keys.length * 2); g.set(keys); this.keys = keys = g; }
      // token [s0, i), then for wrapped punctuation the one-byte token [i, i + 1)
      let k0 = w0, k1 = w1 | (len << 24);
      if (len > 7) { k0 = fnv; k1 = LONG | (len & 0xffffff); }
      for (let pass = 0; pass < c; pass++) {
        if (pass === 1) { s0 = i; k0 = bytes[i]; k1 = 1 << 24; }
        let h = Math.imul(k0, 0x9e3779b1) ^ Math.imul(k1 ^ (k1 >>> 15), 0x85ebca77);
        h ^= h >>> 15;
        h = Math.imul(h, 0x2c1b3c6d);
        h ^= h >>> 12;
        keys[n] = k0; keys[n + 1] = k1; keys[n + 2] = h; keys[n + 3] = s0; keys[n + 4] = pass === 1 ? i + 1 : i;
        n += 5;
      }
      s0 = i + 1; len = 0; w0 = 0; w1 = 0; fnv = FNV_BASIS;
    }
    return n / 5;
  }

  /** Pass 2: each token's id and root child from the vocabulary (hot table, then the rest) into `tokens` ([id, out, info]). */
  private lookup(bytes: Uint8Array, n: number): void {
    const t = this.tables, keys = this.keys;
    if (this.tokens.length < 3 * n) this.tokens = new Int32Array(Math.max(3 * n, this.tokens.length * 2));
    const tokens = this.tokens;
    for (let table = 0; table < 2; table++) {
      const tab = table === 0 ? t.hotTable : t.vocabTable;
      const mask = table === 0 ? t.hotMask : t.vocabMask;
      let sink = 0;
      for (let j = 0; j < n; j++) if (table === 0 || tokens[j * 3] === 0) sink ^= tab[(keys[j * 5 + 2] & mask) * VOCAB_STRIDE + 2];
      this.sink ^= sink;
      for (let j = 0; j < n; j++) {
        if (table === 0) { tokens[j * 3] = 0; tokens[j * 3 + 1] = -1; tokens[j * 3 + 2] = 0; } else if (tokens[j * 3] !== 0) continue;
        const at = this.probeVocab(bytes, j, tab, mask);
        if (at < 0) continue;
        tokens[j * 3] = tab[at + 2]; tokens[j * 3 + 1] = tab[at + 3]; tokens[j * 3 + 2] = tab[at + 4];
      }
    }
  }

  /** The slot (offset) of token j in a vocabulary table, or -1. */
  private probeVocab(bytes: Uint8Array, j: number, tab: Int32Array, mask: number): number {
    const keys = this.keys, t = this.tables;
    const w0 = keys[j * 5], w1 = keys[j * 5 + 1], s0 = keys[j * 5 + 3], len = keys[j * 5 + 4] - s0;
    for (let slot = (keys[j * 5 + 2] & mask) * VOCAB_STRIDE; ; slot = slot + VOCAB_STRIDE > mask * VOCAB_STRIDE ? 0 : slot + VOCAB_STRIDE) {
      const id = tab[slot + 2];
      if (id === 0) return -1;
      if (tab[slot] !== w0 || tab[slot + 1] !== w1) continue;
      if (len <= 7) return slot;
      const o = t.tokenOffsets[id];
      if (t.tokenOffsets[id + 1] - o !== len) continue;
      let k = 0;
      while (k < len && t.tokenBytes[o + k] === bytes[s0 + k]) k++;
      if (k === len) return slot;
    }
  }

  /** Pass 3: Aho–Corasick over the tokens; matched ids into `ids`, ascending; returns the count. */
  private run(n: number): number {
    const t = this.tables;
    const edgeTable = t.edgeTable, edgeMask = t.edgeMask, nodeInfo = t.nodeInfo, rootChildren = t.rootChildren;
    const nodes = t.nodes, outIds = t.outIds, flat = t.flatOutputs, dict = t.dict, tokens = this.tokens;
    // touch the edge of every pair of consecutive tokens: the usual transition out of a one-token state
    let sink = 0;
    for (let i = 3; i < 3 * n; i += 3) {
      const p = tokens[i - 3], token = tokens[i];
      if (p === 0 || p > rootChildren || (tokens[i - 1] & 1) === 0) continue;
      let h = Math.imul(p, 0x9e3779b1) ^ Math.imul(token ^ (token >>> 15), 0x85ebca77);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      sink ^= edgeTable[(h & edgeMask) * EDGE_STRIDE];
    }
    this.sink ^= sink;
    let outs = this.outs;
    if (outs.length < n + 1) this.outs = outs = new Int32Array(Math.max(n + 1, outs.length * 2));
    let nOuts = 0;
    let state = 0, stateInfo = 0;
    for (let i = 0; i < 3 * n; i += 3) {
      const token = tokens[i];
      if (token === 0) { state = 0; stateInfo = 0; continue; }
      let out = -1;
      let next = -1;
      // a child of the state, else of the first node with children along its failure chain
      for (let s = state, info = stateInfo; s !== 0; ) {
        if (info & 1) {
          let h = Math.imul(s, 0x9e3779b1) ^ Math.imul(token ^ (token >>> 15), 0x85ebca77);
          h ^= h >>> 15;
          h = Math.imul(h, 0x2c1b3c6d);
          h ^= h >>> 12;
          for (let slot = (h & edgeMask) * EDGE_STRIDE; ; slot = slot + EDGE_STRIDE > edgeMask * EDGE_STRIDE ? 0 : slot + EDGE_STRIDE) {
            const p = edgeTable[slot];
            if (p === 0) break;
            if (p === s && edgeTable[slot + 1] === token) { next = edgeTable[slot + 2]; out = edgeTable[slot + 3]; stateInfo = edgeTable[slot + 4]; break; }
          }
          if (next >= 0) break;
        }
        s = info >> 1;
        if (s !== 0) info = nodeInfo[s];
      }
      if (next < 0) {
        // from the root: the child for a token that begins an entry has the token's id
        if (token <= rootChildren) { next = token; out = tokens[i + 1]; stateInfo = tokens[i + 2]; } else { next = 0; stateInfo = 0; }
      }
      state = next;
      if (out !== -1) outs[nOuts++] = out;
      if (!flat && state !== 0) {
        for (let o = dict[state]; o !== 0; o = dict[o]) {
          if (nOuts === outs.length) { const g = new Int32Array(nOuts * 2); g.set(outs); this.outs = outs = g; }
          outs[nOuts++] = nodes[o * 4 + 2];
        }
      }
    }
    if (nOuts === 0) return 0;
    // outputs: touch the lists, then set the bitmap
    sink = 0;
    for (let k = 0; k < nOuts; k++) if (outs[k] >= 0) sink ^= outIds[outs[k]];
    this.sink ^= sink;
    const bits0 = this.bits0, bits1 = this.bits1, bits2 = this.bits2;
    for (let k = 0; k < nOuts; k++) {
      const out = outs[k];
      if (out < -1) {
        const e = -out - 2;
        bits0[e >>> 5] |= 1 << (e & 31); bits1[e >>> 10] |= 1 << ((e >>> 5) & 31); bits2[e >>> 15] |= 1 << ((e >>> 10) & 31);
      } else if (out >= 0) {
        for (let j = out + 1, jEnd = out + 1 + outIds[out]; j < jEnd; j++) {
          const e = outIds[j];
          bits0[e >>> 5] |= 1 << (e & 31); bits1[e >>> 10] |= 1 << ((e >>> 5) & 31); bits2[e >>> 15] |= 1 << ((e >>> 10) & 31);
        }
      }
    }
    return this.collect();
  }

  /** Moves the bitmap's ids, ascending, into `ids` and clears the bitmap; returns the count. */
  private collect(): number {
    const bits0 = this.bits0, bits1 = this.bits1, bits2 = this.bits2;
    let ids = this.ids;
    let m = 0;
    for (let w2 = 0; w2 < bits2.length; w2++) {
      let b2 = bits2[w2];
      if (b2 === 0) continue;
      bits2[w2] = 0;
      while (b2 !== 0) {
        const i1 = (w2 << 5) | (31 - Math.clz32(b2 & -b2));
        b2 &= b2 - 1;
        let b1 = bits1[i1];
        bits1[i1] = 0;
        while (b1 !== 0) {
          const i0 = (i1 << 5) | (31 - Math.clz32(b1 & -b1));
          b1 &= b1 - 1;
          let b0 = bits0[i0];
          bits0[i0] = 0;
          while (b0 !== 0) {
            if (m === ids.length) { const g = new Int32Array(m * 2); g.set(ids); this.ids = ids = g; }
            ids[m++] = (i0 << 5) | (31 - Math.clz32(b0 & -b0));
            b0 &= b0 - 1;
          }
        }
      }
    }
    return m;
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
