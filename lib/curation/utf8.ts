/**
 * WTF-8: UTF-8 that also encodes lone surrogates (as their 3-byte form) instead of replacing
 * them with U+FFFD. It is injective on JS strings, so two strings are equal exactly when their
 * encodings are; for well-formed strings it is byte-identical to UTF-8 (and to what DuckDB
 * stores), so entries and texts compare exactly whatever they hold.
 */
const encoder = new TextEncoder();

export function wtf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Encodes `s` into `out` at `pos`; returns the new position. `out` must have room (wtf8Length). */
export function encodeWtf8Into(s: string, out: Uint8Array, pos: number): number {
  if (s.isWellFormed()) return pos + encoder.encodeInto(s, out.subarray(pos)).written;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) { out[pos++] = c; continue; }
    if (c < 0x800) { out[pos++] = 0xc0 | (c >> 6); out[pos++] = 0x80 | (c & 63); continue; }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[pos++] = 0xf0 | (c >> 18); out[pos++] = 0x80 | ((c >> 12) & 63);
        out[pos++] = 0x80 | ((c >> 6) & 63); out[pos++] = 0x80 | (c & 63);
        continue;
      }
    }
    out[pos++] = 0xe0 | (c >> 12); out[pos++] = 0x80 | ((c >> 6) & 63); out[pos++] = 0x80 | (c & 63);
  }
  return pos;
}

export function encodeWtf8(s: string): Uint8Array {
  const out = new Uint8Array(wtf8Length(s));
  encodeWtf8Into(s, out, 0);
  return out;
}
