/**
 * MetaCLIP v1 text normalisation (`spacing` in metaclip1/substr_matching.py), and the
 * character classes the token matcher derives from it. One definition, used by the CLI,
 * workers and the browser.
 */

/** The seven characters MetaCLIP wraps in spaces. */
export const WRAPPED_PUNCTUATION = [",", ".", ";", ":", "?", "!", "`"] as const;
/** The only characters MetaCLIP turns into a space. */
export const SPACED_WHITESPACE = ["\t", "\n", "\r"] as const;

/** Exactly `spacing()`: pad, wrap every wrapped character, map \t \n \r to a space. No collapsing. */
export function spacing(text: string): string {
  let out = " " + text + " ";
  for (const c of WRAPPED_PUNCTUATION) out = out.replaceAll(c, ` ${c} `);
  for (const c of SPACED_WHITESPACE) out = out.replaceAll(c, " ");
  return out;
}

/** Byte classes for the UTF-8 tokenizer: 0 = ordinary, 1 = separator, 2 = wrapped punctuation. */
export const BYTE_CLASS: Uint8Array = (() => {
  const cls = new Uint8Array(256);
  for (const c of [" ", ...SPACED_WHITESPACE]) cls[c.charCodeAt(0)] = 1;
  for (const c of WRAPPED_PUNCTUATION) cls[c.charCodeAt(0)] = 2;
  return cls;
})();

/**
 * The same byte classes as two 16-byte nibble tables, for the WebAssembly matcher's vector scan:
 * byte b is a separator or wrapped punctuation exactly when low[b & 15] & high[b >> 4] is not 0.
 * Each high nibble gets its own bit, so the test is exact (there are at most 8 high nibbles in use).
 */
export const SEPARATOR_NIBBLES: Uint8Array = (() => {
  const tables = new Uint8Array(32);
  const bitOf = new Map<number, number>();
  for (let b = 0; b < 256; b++) {
    if (BYTE_CLASS[b] === 0) continue;
    const hi = b >> 4;
    if (!bitOf.has(hi)) bitOf.set(hi, 1 << bitOf.size);
    const bit = bitOf.get(hi)!;
    if (bit > 0x80) throw new Error("separator bytes span more than 8 high nibbles");
    tables[b & 15] |= bit;
    tables[16 + hi] = bit;
  }
  return tables;
})();
