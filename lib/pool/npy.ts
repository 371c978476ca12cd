/**
 * DataComp's subset file: a sorted numpy structured array, dtype "u8,u8", each uid as
 * (int(uid[:16], 16), int(uid[16:32], 16)), saved as .npy (format 1.0, 128-byte header).
 */
export const UID_RECORD_BYTES = 16;

export function npyHeader(n: number): Uint8Array {
  const dict = `{'descr': [('f0', '<u8'), ('f1', '<u8')], 'fortran_order': False, 'shape': (${n},), }`;
  const headerLen = 128 - 10;
  const text = dict.padEnd(headerLen - 1, " ") + "\n";
  const out = new Uint8Array(128);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** Whether bytes[start, end) is a uid subset.npy can hold: exactly 32 hex digits. */
export function isHexUid(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 32) return false;
  let ok = 1;
  for (let i = start; i < end; i++) ok &= IS_HEX[bytes[i]];
  return ok === 1;
}

const IS_HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") IS_HEX[c.charCodeAt(0)] = 1;

/** Value of each pair of hex digits (first byte << 8 | second byte), or -1. */
const HEX_PAIR = new Int16Array(65536).fill(-1);
{
  const digits = "0123456789abcdef";
  for (let a = 0; a < 16; a++) {
    for (let b = 0; b < 16; b++) {
      for (const x of [digits[a], digits[a].toUpperCase()]) {
        for (const y of [digits[b], digits[b].toUpperCase()]) HEX_PAIR[(x.charCodeAt(0) << 8) | y.charCodeAt(0)] = (a << 4) | b;
      }
    }
  }
}

/** Writes the record of a 32-hex-digit uid (ASCII at src[at..at+32)) into out[o..o+16). */
export function uidRecord(src: Uint8Array, at: number, out: Uint8Array, o: number): void {
  let bad = 0;
  for (let j = 0; j < 8; j++) {
    const high = HEX_PAIR[(src[at + 2 * j] << 8) | src[at + 2 * j + 1]];
    const low = HEX_PAIR[(src[at + 16 + 2 * j] << 8) | src[at + 17 + 2 * j]];
    bad |= high | low;
    out[o + 7 - j] = high; // two little-endian u64: the first 16 digits, then the last 16
    out[o + 15 - j] = low;
  }
  if (bad < 0) throw new Error(`not a 32-hex-digit uid: ${String.fromCharCode(...src.subarray(at, at + 32))}`);
}

/** Reads a subset .npy back into 32-hex uids (for tests and inspection). */
export function readUidNpy(bytes: Uint8Array): string[] {
  const headerLen = bytes[8] | (bytes[9] << 8);
  const start = 10 + headerLen;
  const uids: string[] = [];
  for (let o = start; o + 16 <= bytes.length; o += 16) {
    let s = "";
    for (let half = 0; half < 2; half++) {
      for (let j = 7; j >= 0; j--) s += bytes[o + half * 8 + j].toString(16).padStart(2, "0");
    }
    uids.push(s);
  }
  return uids;
}
