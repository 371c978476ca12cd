/**
 * A line of JSON as Python's json module writes it: bare NaN, Infinity and -Infinity (which JSON.parse
 * rejects) are read as null. Linear in the line's length with no regex over the line, so a line holding a
 * string of many megabytes parses like any other. Isomorphic.
 */
import { jsonErrorMessage } from "../util/jsonError";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

const isWordChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/** The bare non-finite number starting at `i` (outside a string), if any. */
function nonFiniteAt(line: string, i: number): string | null {
  const c = line.charCodeAt(i);
  const word = c === 0x4e ? "NaN" : c === 0x49 ? "Infinity" : c === MINUS ? "-Infinity" : null;
  if (word === null || !line.startsWith(word, i)) return null;
  if (isWordChar(line.charCodeAt(i - 1)) || isWordChar(line.charCodeAt(i + word.length))) return null; // part of a longer word
  return word;
}

/** `line` with every bare NaN / Infinity / -Infinity outside strings replaced by null; strings are copied as they are. */
export function nonFiniteAsNull(line: string): string {
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < line.length) {
    if (line.charCodeAt(i) === QUOTE) {
      for (i++; i < line.length && line.charCodeAt(i) !== QUOTE; i++) if (line.charCodeAt(i) === BACKSLASH) i++;
      i++; // past the closing quote
      continue;
    }
    const word = nonFiniteAt(line, i);
    if (word === null) { i++; continue; }
    parts.push(line.slice(copied, i), "null");
    i += word.length;
    copied = i;
  }
  if (parts.length === 0) return line;
  parts.push(line.slice(copied));
  return parts.join("");
}

/** The value of one line, or why it is not JSON (with the place, as jsonErrorMessage gives it). */
export function parsePythonJson(line: string): { value: unknown } | { error: string } {
  let firstError: unknown;
  try {
    return { value: JSON.parse(line) };
  } catch (e) {
    firstError = e;
  }
  const finite = nonFiniteAsNull(line);
  if (finite === line) return { error: jsonErrorMessage(line, firstError) };
  try {
    return { value: JSON.parse(finite) };
  } catch (e) {
    return { error: jsonErrorMessage(finite, e) };
  }
}
