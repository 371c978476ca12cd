// AssemblyScript, compiled to WebAssembly by scripts/build-kernel.mjs (on npm install); not part of
// the TypeScript program. The match-time half of lib/curation/automaton.ts: it walks the tables that
// buildAutomaton made, copied into this module's memory, for a batch of texts at a time. The host
// (TokenMatcher) lays out memory and passes every address; nothing here allocates.
// Per batch: split every text into tokens (16 bytes at a time; each token's key from one 8-byte
// load) and look the common tokens up in the small hot table as they are cut; look the rest up
// after touching all their buckets, so the cache misses overlap; then, text by text, walk the trie
// from every token that begins an entry, all walks one token per round (again touching every
// bucket of a round first), and dedupe and order the outputs in a bitmap. When the host asks, a
// batch that succeeded adds 1 to a u32 count of each id it matched. lineEnds finds the "\n" that
// separate the texts (and uids) of a group, 16 bytes at a time.

// tables (see AutomatonTables): buckets of 4 lanes, [key0 x4][key1 x4][value0 x4][value1 x4]
let hot: usize = 0, hotMask: u32 = 0, vocab: usize = 0, vocabMask: u32 = 0;
let tokenOffsets: usize = 0, tokenBytes: usize = 0, edge: usize = 0, edgeMask: u32 = 0, outIds: usize = 0;
let rootChildren: i32 = 0;
/** 256 byte classes (0 ordinary, 1 separator, 2 wrapped punctuation) then two 16-byte nibble tables. */
let classes: usize = 0;

// scratch, per token of a batch: key, hash, byte range, id (2 * id + has children), root outputs
let k0s: usize = 0, k1s: usize = 0, hashes: usize = 0, starts: usize = 0, ends: usize = 0, tids: usize = 0, touts: usize = 0;
// per walk: node, position of its next token, bucket
let walkNode: usize = 0, walkPos: usize = 0, walkAt: usize = 0;
let foundOut: usize = 0, foundCap: i32 = 0;
let bits0: usize = 0, bits1: usize = 0, bits2: usize = 0, bits2Words: i32 = 0;
let ids: usize = 0, idsCap: i32 = 0, idStarts: usize = 0, textEnds: usize = 0;
let sink: i32 = 0;
/** Per-entry match counts (u32), incremented once a batch succeeds; 0 = not counting. */
let counts: usize = 0;

export function heapBase(): usize { return __heap_base; }

export function setTables(hot_: usize, hotMask_: u32, vocab_: usize, vocabMask_: u32, tokenOffsets_: usize, tokenBytes_: usize,
  edge_: usize, edgeMask_: u32, outIds_: usize, rootChildren_: i32, classes_: usize): void {
  hot = hot_; hotMask = hotMask_; vocab = vocab_; vocabMask = vocabMask_; tokenOffsets = tokenOffsets_; tokenBytes = tokenBytes_;
  edge = edge_; edgeMask = edgeMask_; outIds = outIds_; rootChildren = rootChildren_; classes = classes_;
}

/** Lays out scratch space from `base` for up to tokenCap tokens, foundCap outputs, idsCap ids; returns its end. */
export function setScratch(base: usize, tokenCap: i32, foundCap_: i32, idsCap_: i32, entryCount: i32, maxTexts: i32): usize {
  let p = (base + 15) & ~15;
  const t = <usize>tokenCap << 2;
  k0s = p; p += t; k1s = p; p += t; hashes = p; p += t; starts = p; p += t; ends = p; p += t; tids = p; p += t; touts = p; p += t;
  walkNode = p; p += t; walkPos = p; p += t; walkAt = p; p += t;
  foundCap = foundCap_;
  const f = <usize>foundCap_ << 2;
  foundOut = p; p += f;
  bits2Words = (entryCount >>> 15) + 1;
  bits0 = p; p += ((<usize>(entryCount >>> 5) + 1) << 2);
  bits1 = p; p += ((<usize>(entryCount >>> 10) + 1) << 2);
  bits2 = p; p += <usize>bits2Words << 2;
  idsCap = idsCap_;
  ids = p; p += <usize>idsCap_ << 2;
  idStarts = p; p += (<usize>maxTexts + 1) << 2;
  textEnds = p; p += (<usize>maxTexts + 1) << 2;
  return p;
}

export function setCounts(at: usize): void { counts = at; }

/**
 * Writes the offset of every "\n" in [src, src + len) to out (16 readable bytes must follow the
 * range); returns how many, or -1 when there are more than `max` (nothing beyond max is written).
 */
export function lineEnds(src: usize, len: i32, out: usize, max: i32): i32 {
  const nl = i8x16.splat(10);
  const end = src + <usize>len;
  let n: i32 = 0;
  for (let p = src; p < end; p += 16) {
    let m = <u32>i8x16.bitmask(i8x16.eq(v128.load(p), nl));
    if (end - p < 16) m &= (<u32>1 << <u32>(end - p)) - 1;
    while (m != 0) {
      if (n == max) return -1;
      store<u32>(out + (<usize>n << 2), <u32>(p - src) + ctz(m));
      n++;
      m &= m - 1;
    }
  }
  return n;
}

export function idsAddress(): usize { return ids; }
export function idStartsAddress(): usize { return idStarts; }

@inline function mix(a: u32, b: u32): u32 {
  let h = (a * 0x9e3779b1) ^ ((b ^ (b >>> 15)) * 0x85ebca77);
  h ^= h >>> 15;
  h = h * 0x2c1b3c6d;
  h ^= h >>> 12;
  return h;
}

/** Token bytes[s, e) at index n: up to 7 bytes, the bytes themselves (little-endian) and the length; longer, FNV-1a. */
@inline function token(s: usize, e: usize, n: usize): void {
  const len = <u32>(e - s);
  let a0: u32, a1: u32;
  if (len <= 7) {
    const w = load<u64>(s) & ((<u64>1 << (<u64>len << 3)) - 1);
    a0 = <u32>w; a1 = <u32>(w >>> 32) | (len << 24);
  } else {
    let h: u32 = 0x811c9dc5;
    for (let q = s; q < e; q++) h = (h ^ <u32>load<u8>(q)) * 0x01000193;
    a0 = h; a1 = 0xff000000 | (len & 0xffffff);
  }
  const o = n << 2, h = mix(a0, a1);
  store<u32>(k0s + o, a0); store<u32>(k1s + o, a1); store<u32>(hashes + o, h);
  store<u32>(starts + o, <u32>s); store<u32>(ends + o, <u32>e);
  // the hot table (small, so in cache) answers most tokens at once; the rest are left at -1 for lookup
  const b = hot + (<usize>(h & hotMask) << 6);
  const m = i32x4.bitmask(v128.and(i32x4.eq(v128.load(b), i32x4.splat(a0)), i32x4.eq(v128.load(b, 16), i32x4.splat(a1))));
  const at = b + 32 + (<usize>(ctz(m) & 3) << 2);
  const ok = (m != 0) & (len <= 7);
  store<i32>(tids + o, select<i32>(<i32>(load<u32>(at) & 0x7fffffff), -1, ok));
  store<i32>(touts + o, load<i32>(at, 16));
}

/** Pass 1: the tokens of every text, each text followed by a boundary token; returns the count. */
function split(bounds: usize, count: i32): i32 {
  const loTable = v128.load(classes + 256), hiTable = v128.load(classes + 272);
  const low = i8x16.splat(0x0f), zero = i8x16.splat(0);
  let n: usize = 0;
  for (let k = 0; k < count; k++) {
    const start = <usize>load<u32>(bounds + (<usize>k << 3)), end = <usize>load<u32>(bounds + (<usize>k << 3) + 4);
    let s0 = start;
    for (let p = start; p < end; p += 16) {
      const v = v128.load(p);
      const c = v128.and(i8x16.swizzle(loTable, v128.and(v, low)), i8x16.swizzle(hiTable, i8x16.shr_u(v, 4)));
      let m = <u32>i8x16.bitmask(i8x16.ne(c, zero));
      if (end - p < 16) m &= (<u32>1 << <u32>(end - p)) - 1;
      while (m != 0) {
        const i = p + <usize>ctz(m);
        m &= m - 1;
        token(s0, i, n++);
        if (load<u8>(classes + <usize>load<u8>(i)) == 2) token(i, i + 1, n++);
        s0 = i + 1;
      }
    }
    token(s0, end, n++);
    store<u32>(textEnds + (<usize>k << 2), <u32>n);
    store<u32>(tids + (n << 2), 0); store<i32>(touts + (n << 2), -1); // the boundary: no token
    n++;
  }
  return <i32>n;
}

/**
 * Address of value0 of the lane whose keys are (a0, a1), searching from bucket `b`, or 0.
 */
function spillSearch(tab: usize, mask: u32, b: usize, a0: u32, a1: u32): usize {
  const last = tab + (<usize>mask << 6);
  for (;;) {
    const m = i32x4.bitmask(v128.and(i32x4.eq(v128.load(b), i32x4.splat(a0)), i32x4.eq(v128.load(b, 16), i32x4.splat(a1))));
    if (m != 0) return b + 32 + (<usize>ctz(m) << 2);
    if ((load<u32>(b, 32) >>> 31) == 0) return 0;
    b = b == last ? tab : b + 64;
  }
  return 0; // not reached
}

/** Whether token j's bytes are those of token id (8 bytes at a time; both regions have 8 readable bytes after them). */
@inline function sameBytes(j: usize, id: u32): bool {
  const o = j << 2;
  let a = <usize>load<u32>(starts + o);
  const len = <usize>load<u32>(ends + o) - a;
  let b = tokenBytes + <usize>load<u32>(tokenOffsets + (<usize>id << 2));
  const end = a + len;
  for (; a + 8 <= end; a += 8, b += 8) if (load<u64>(a) != load<u64>(b)) return false;
  const mask = (<u64>1 << (<u64>(end - a) << 3)) - 1;
  return ((load<u64>(a) ^ load<u64>(b)) & mask) == 0;
}

/**
 * Token j in a vocabulary table: the address of its lane's value0 (id), or 0. A token of more than
 * 7 bytes is keyed by a hash, so its bytes are compared, and every lane with the same key is tried.
 */
function findToken(j: usize, tab: usize, mask: u32): usize {
  const o = j << 2;
  const a0 = load<u32>(k0s + o), a1 = load<u32>(k1s + o);
  let b = tab + (<usize>(load<u32>(hashes + o) & mask) << 6);
  if ((a1 >>> 24) != 0xff) return spillSearch(tab, mask, b, a0, a1);
  const last = tab + (<usize>mask << 6);
  for (;;) {
    let m = i32x4.bitmask(v128.and(i32x4.eq(v128.load(b), i32x4.splat(a0)), i32x4.eq(v128.load(b, 16), i32x4.splat(a1))));
    while (m != 0) {
      const at = b + 32 + (<usize>ctz(m) << 2);
      if (sameBytes(j, (load<u32>(at) & 0x7fffffff) >>> 1)) return at;
      m &= m - 1;
    }
    if ((load<u32>(b, 32) >>> 31) == 0) return 0;
    b = b == last ? tab : b + 64;
  }
  return 0; // not reached
}

/**
 * Pass 2: the id (2 * id + has children) and root outputs of every token that split left at -1
 * (a long token, a spilled hot bucket, or not a hot token): from the hot table, then the rest;
 * 0 when the token is in no entry.
 */
function lookup(n: i32): void {
  let s: u32 = 0;
  for (let j: usize = 0; j < <usize>n; j++) {
    if (load<i32>(tids + (j << 2)) < 0) s ^= load<u32>(vocab + (<usize>(load<u32>(hashes + (j << 2)) & vocabMask) << 6));
  }
  sink ^= s;
  for (let j: usize = 0; j < <usize>n; j++) {
    const o = j << 2;
    if (load<i32>(tids + o) >= 0) continue;
    let at = findToken(j, hot, hotMask);
    if (at == 0) at = findToken(j, vocab, vocabMask);
    store<i32>(tids + o, at != 0 ? <i32>(load<u32>(at) & 0x7fffffff) : 0);
    store<i32>(touts + o, at != 0 ? load<i32>(at, 16) : -1);
  }
}

/**
 * Pass 3, for one text (tokens [j, end)): the walks from every token that begins an entry, one
 * token per round for all of them; the outputs met go to found[0 ..). Returns their count, or -1
 * when found lacks room. The common case (the bucket holds the edge, or it is not there) runs
 * without branches: outputs and next steps are always written and only counted when real.
 */
function walk(j: usize, end: usize): i32 {
  if (<i32>(end - j) > foundCap) return -1;
  let f: usize = 0;
  let live: usize = 0;
  for (; j < end; j++) {
    const v = load<u32>(tids + (j << 2));
    const begins = <usize>(v != 0) & <usize>(<i32>(v >>> 1) <= rootChildren);
    const out = load<i32>(touts + (j << 2));
    store<i32>(foundOut + (f << 2), out);
    f += begins & <usize>(out != -1);
    const o = live << 2;
    store<u32>(walkNode + o, v >>> 1); store<u32>(walkPos + o, <u32>(j + 1));
    live += begins & <usize>(v & 1) & <usize>(load<u32>(tids + ((j + 1) << 2)) != 0);
  }
  while (live > 0) {
    if (<i32>(f + live) > foundCap) return -1;
    let s: u32 = 0;
    for (let w: usize = 0; w < live; w++) {
      const o = w << 2;
      const a = load<u32>(tids + (<usize>load<u32>(walkPos + o) << 2)) >>> 1;
      const b = edge + (<usize>(mix(load<u32>(walkNode + o), a) & edgeMask) << 6);
      store<u32>(walkAt + o, <u32>b);
      s ^= load<u32>(b);
    }
    sink ^= s;
    let next: usize = 0;
    for (let w: usize = 0; w < live; w++) {
      const o = w << 2;
      const p = load<u32>(walkNode + o), q = <usize>load<u32>(walkPos + o), a = load<u32>(tids + (q << 2)) >>> 1;
      const b = <usize>load<u32>(walkAt + o);
      const m = i32x4.bitmask(v128.and(i32x4.eq(v128.load(b), i32x4.splat(p)), i32x4.eq(v128.load(b, 16), i32x4.splat(a))));
      let at = b + 32 + (<usize>(ctz(m) & 3) << 2);
      let hit = <usize>(m != 0);
      if ((m == 0) & ((load<u32>(b, 32) >>> 31) != 0)) { // the bucket spilled: search on
        const found = spillSearch(edge, edgeMask, b, p, a);
        hit = <usize>(found != 0);
        if (found != 0) at = found;
      }
      const c2 = load<u32>(at) & 0x7fffffff, out = load<i32>(at, 16);
      store<i32>(foundOut + (f << 2), out);
      f += hit & <usize>(out != -1);
      const no = next << 2;
      store<u32>(walkNode + no, c2 >>> 1); store<u32>(walkPos + no, <u32>(q + 1));
      next += hit & <usize>(c2 & 1) & <usize>(load<u32>(tids + ((q + 1) << 2)) != 0);
    }
    live = next;
  }
  return <i32>f;
}

@inline function setBit(e: u32): void {
  const a0 = bits0 + (<usize>(e >>> 5) << 2), a1 = bits1 + (<usize>(e >>> 10) << 2), a2 = bits2 + (<usize>(e >>> 15) << 2);
  store<u32>(a0, load<u32>(a0) | (<u32>1 << (e & 31)));
  store<u32>(a1, load<u32>(a1) | (<u32>1 << ((e >>> 5) & 31)));
  store<u32>(a2, load<u32>(a2) | (<u32>1 << ((e >>> 10) & 31)));
}

/**
 * Pass 4, for one text: its `count` outputs in found, deduplicated and ascending, appended to ids
 * from m; returns the new end, or -1 when ids lacks room.
 */
function collect(count: usize, m: usize): isize {
  let total: usize = 0;
  for (let f: usize = 0; f < count; f++) {
    const out = load<i32>(foundOut + (f << 2));
    total += out < -1 ? 1 : <usize>load<u32>(outIds + (<usize>out << 2));
  }
  if (<i64>m + <i64>total > <i64>idsCap) return -1;
  for (let f: usize = 0; f < count; f++) {
    const out = load<i32>(foundOut + (f << 2));
    if (out < -1) setBit(<u32>(-out - 2));
    else {
      const list = outIds + (<usize>out << 2), len = <usize>load<u32>(list);
      for (let x: usize = 1; x <= len; x++) setBit(load<u32>(list + (x << 2)));
    }
  }
  return <isize>drain(m);
}

/** Appends the bitmap's ids, ascending, to ids from m and clears the bitmap; returns the new end. */
function drain(m: usize): usize {
  for (let w2: usize = 0; w2 < <usize>bits2Words; w2++) {
    let b2 = load<u32>(bits2 + (w2 << 2));
    if (b2 == 0) continue;
    store<u32>(bits2 + (w2 << 2), 0);
    while (b2 != 0) {
      const i1 = (w2 << 5) | <usize>ctz(b2);
      b2 &= b2 - 1;
      let b1 = load<u32>(bits1 + (i1 << 2));
      store<u32>(bits1 + (i1 << 2), 0);
      while (b1 != 0) {
        const i0 = (i1 << 5) | <usize>ctz(b1);
        b1 &= b1 - 1;
        let b0 = load<u32>(bits0 + (i0 << 2));
        store<u32>(bits0 + (i0 << 2), 0);
        while (b0 != 0) {
          store<u32>(ids + (m << 2), <u32>((i0 << 5) | <usize>ctz(b0)));
          m++;
          b0 &= b0 - 1;
        }
      }
    }
  }
  return m;
}

/**
 * Matches `count` texts, text k being memory[bounds[2k] .. bounds[2k + 1]) (16 readable bytes must
 * follow every text). The scratch must hold 2 * (bytes of the texts) + 2 * count tokens.
 * Returns 0; 1 when the outputs, 2 when the ids need more room (the batch left no trace: grow, redo).
 */
export function matchBatch(bounds: usize, count: i32): i32 {
  const n = split(bounds, count);
  lookup(n);
  let j: usize = 0, m: usize = 0;
  for (let k: usize = 0; k < <usize>count; k++) {
    const end = <usize>load<u32>(textEnds + (k << 2));
    store<u32>(idStarts + (k << 2), <u32>m);
    const outputs = walk(j, end);
    if (outputs < 0) return 1;
    const next = collect(<usize>outputs, m);
    if (next < 0) return 2;
    m = <usize>next;
    j = end + 1; // past the boundary
  }
  store<u32>(idStarts + (<usize>count << 2), <u32>m);
  if (counts != 0) {
    for (let i: usize = 0; i < m; i++) {
      const c = counts + (<usize>load<u32>(ids + (i << 2)) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
  }
  return 0;
}

/** Never called: exporting what the touching loads feed keeps the optimiser from removing them. */
export function sinkValue(): i32 { return sink; }
