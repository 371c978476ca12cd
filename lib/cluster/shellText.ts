/**
 * The one way a string gets into a generated script (the cluster steps' .sh files, the Slurm .sbatch
 * files): as a shell word, a comment or an #SBATCH value. A data directory named with a newline once
 * ran `$(touch …)` from a comment line; through here a string means itself and every line stays one
 * line. Isomorphic and pure.
 */
import { UsageError } from "../errors";

/** C0 controls (newline, tab, escape…), DEL, C1 controls, and Unicode's line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A control character as a reader sees it: \n, \r, \t, else \u00HH. */
function visible(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** `s` (its first `max` characters) in double quotes for a message, every control character escaped. */
export function shown(s: string, max = 80): string {
  return JSON.stringify(s.slice(0, max)).replace(CONTROL_ALL, visible);
}

/** The first control character of `s`, described for a message ("a newline (\n) at character 13"), or null. */
export function controlCharacter(s: string): string | null {
  const m = CONTROL.exec(s);
  if (!m) return null;
  const what = m[0] === "\n" ? "a newline" : m[0] === "\r" ? "a carriage return" : m[0] === "\t" ? "a tab" : m[0] === "\0" ? "a NUL" : "a control character";
  return `${what} (${visible(m[0])}) at character ${m.index + 1}`;
}

/**
 * One bash word meaning exactly `s`: '…', or with control characters $'…' holding each as \xHH
 * (its UTF-8 bytes), so the script's lines stay lines. NUL cannot be in a shell word and is refused.
 */
export function shellQuote(s: string): string {
  if (s.includes("\0")) throw new UsageError(`${shown(s)} holds a NUL character, which no shell word can hold`);
  if (!CONTROL.test(s)) return `'${s.replaceAll("'", `'\\''`)}'`;
  let out = "$'";
  for (const ch of s) {
    if (ch === "\\" || ch === "'") out += `\\${ch}`;
    else if (CONTROL.test(ch)) for (const b of new TextEncoder().encode(ch)) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + "'";
}

/** A comment line: `# ` and the text, its control characters shown as \n, \u001b…, so the comment ends where its line does. */
export function shellComment(text: string): string {
  return `# ${text.replace(CONTROL_ALL, visible)}`;
}

/** What sbatch takes bare in a directive; anything else is quoted. */
const SBATCH_BARE = /^[A-Za-z0-9_.,:/@+=%-]+$/;

/**
 * An `#SBATCH --option=value` line. sbatch reads a directive up to the end of its line, with '…' and
 * a backslash quoting and an unquoted # starting a comment; nothing there writes a newline or another
 * control character, so a value holding one cannot be expressed and is refused, naming `what`.
 */
export function sbatchDirective(option: string, value: string | number, what: string): string {
  const v = String(value);
  const bad = controlCharacter(v);
  if (bad) throw new UsageError(`${what} ${shown(v, 200)} cannot be written into an #SBATCH line: it holds ${bad}`);
  return `#SBATCH --${option}=${SBATCH_BARE.test(v) ? v : `'${v.replace(/[\\']/g, "\\$&")}'`}`;
}

/**
 * A folder as the start of an #SBATCH --output file name pattern: Slurm reads % as a replacement symbol
 * (%a, %j), so a literal one is doubled; a backslash anywhere turns every symbol off (then %a would be
 * no task number), so such a folder is refused, naming `what`.
 */
export function sbatchPatternFolder(folder: string, what: string): string {
  if (folder.includes("\\")) throw new UsageError(`${what} ${shown(folder, 200)} cannot name a Slurm log file: it holds a backslash, which turns off Slurm's %a in the log's name`);
  return folder.replaceAll("%", "%%");
}
