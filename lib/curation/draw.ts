/**
 * The balancing draw: u = draw(seed, uid) in [0, 1), a pure function of the seed and the uid's
 * UTF-8 bytes, so a curated set does not depend on sharding or order and is nested in t.
 *
 * Definition (reproducible anywhere): h1 = murmur3_x86_32(bytes, seed), h2 = murmur3_x86_32(bytes,
 * seed XOR 0x9E3779B9), both unsigned; u = (h1 * 2^21 + floor(h2 / 2^11)) / 2^53.
 */
import { encodeWtf8 } from "./utf8";

export const MAX_SEED = 0xffffffff;

export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`seed must be an integer in [0, ${MAX_SEED}] (got ${seed})`);
}

export function murmur3(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  const n = end - start;
  const blocks = start + (n & ~3);
  let i = start;
  for (; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593);
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (n & 3) {
    case 3: k ^= bytes[i + 2] << 16; // fallthrough
    case 2: k ^= bytes[i + 1] << 8; // fallthrough
    case 1: k ^= bytes[i];
      k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593); h ^= k;
  }
  h ^= n;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

/** u for the uid held in bytes[start, end). */
export function drawBytes(seed: number, bytes: Uint8Array, start: number, end: number): number {
  const h1 = murmur3(bytes, start, end, seed);
  const h2 = murmur3(bytes, start, end, (seed ^ 0x9e3779b9) >>> 0);
  return (h1 * 2097152 + (h2 >>> 11)) / 9007199254740992;
}

export function draw(seed: number, uid: string): number {
  const b = encodeWtf8(uid);
  return drawBytes(seed, b, 0, b.length);
}
