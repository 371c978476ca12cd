/**
 * A JSON.parse error as a person can act on it: what is wrong, where (line and column) and a short
 * excerpt around that place, never a message cut mid-quote. V8 gives a position for most errors and,
 * for an unexpected token, an excerpt of its own instead, which is found in the text. Isomorphic.
 */
const AROUND = 24;

function positionOf(text: string, message: string): number | null {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  // Unexpected token 'o', ..."yyy", nope]" is not valid JSON
  const token = /^Unexpected token '(.+?)', (?:\.\.\.)?"(.*)"(?:\.\.\.)? is not valid JSON$/s.exec(message);
  if (token) {
    const context = token[2];
    const start = text.indexOf(context);
    if (start >= 0) {
      const inner = context.indexOf(token[1]);
      return start + Math.max(0, inner);
    }
  }
  return null;
}

export function jsonErrorMessage(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const reason = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "").replace(/^SyntaxError: /, "");
  const pos = positionOf(text, message);
  if (pos === null) return reason.slice(0, 120);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  const excerpt = `${pos > AROUND ? "…" : ""}${text.slice(Math.max(0, pos - AROUND), pos + AROUND)}${pos + AROUND < text.length ? "…" : ""}`;
  return `${reason} at line ${line}, column ${column}${text.length ? `, near ${JSON.stringify(excerpt)}` : " (the file is empty)"}`;
}

/**
 * A parsed JSON value named in a message without serialising it: an array or object as such (one
 * nested 100,000 deep would overflow JSON.stringify's stack), a string quoted and cut, a scalar as written.
 */
export function shownJsonValue(value: unknown): string {
  if (Array.isArray(value)) return `an array (${value.length.toLocaleString("en-US")} item${value.length === 1 ? "" : "s"})`;
  if (value !== null && typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** The text without a leading byte-order mark (Windows editors write one; JSON.parse refuses it as an invisible token). */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
