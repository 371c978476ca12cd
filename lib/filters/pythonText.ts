/**
 * Caption lengths as DataComp's Python counts them: `len(text.split())` (words split on runs of
 * Python's whitespace, leading and trailing ignored) and `len(text)` (code points, not UTF-16 units).
 * JavaScript's \s differs from Python's str.isspace (it has U+FEFF, lacks U+001C–U+001F and U+0085),
 * so the set is spelled out. Isomorphic.
 */

/** The characters for which Python's str.isspace() is true (bidi class WS, B or S, or category Zs). */
const PY_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export const isPythonSpace = (codePoint: number): boolean => PY_SPACE.has(codePoint);

/** len(text.split()) */
export function pythonWordCount(text: string): number {
  let words = 0, inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = PY_SPACE.has(text.charCodeAt(i)); // every space is in the BMP: a surrogate is never one
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** len(text): code points (a lone surrogate counts as one, as Python's surrogateescape would). */
export function pythonLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
