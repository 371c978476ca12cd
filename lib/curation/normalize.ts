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
