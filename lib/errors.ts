/** Errors a user can act on; the CLI prints the message on one line and exits with `exitCode`. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags or parameters (exit 2). */
export class UsageError extends UserError {
  constructor(message: string) { super(message, 2); }
}

/** Unreadable, malformed or unsuitable input data (exit 3). */
export class InputError extends UserError {
  constructor(message: string) { super(message, 3); }
}

/** Input that does not exist (exit 3; a server answers 404). */
export class NotFoundError extends InputError {}

/** The output cannot be written (exit 4). */
export class OutputError extends UserError {
  constructor(message: string) { super(message, 4); }
}

/** The disk (or the quota) of the output is full (exit 4; a server answers 507). */
export class DiskFullError extends OutputError {}

/** A request body over the server's limit (exit 2; a server answers 413). */
export class PayloadTooLargeError extends UsageError {}

const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT"]);

/** Whether `e` (a Node errno error, DuckDB's text, or a message wrapping either) says the disk or quota is full. */
export function isDiskFull(e: unknown): boolean {
  if (e instanceof DiskFullError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && DISK_FULL_CODES.has(code)) return true;
  return /\b(ENOSPC|EDQUOT)\b|No space left on device|Disk quota exceeded/i.test(e instanceof Error ? e.message : String(e));
}

/** The disk-full error for a write into `where` (a path as the user gave it), keeping the system's words. */
export function diskFullError(e: unknown, where: string): DiskFullError {
  if (e instanceof DiskFullError) return e;
  return new DiskFullError(`the disk is full: no space left to write ${where} (${firstLine(e)}); free some space on its filesystem and run again`);
}

/** First line of an error message from a library, without DuckDB's type prefix noise. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 300);
}

/** What the user asked for would replace or race with something that exists (exit 4; a server answers 409). */
export class ConflictError extends OutputError {}

/**
 * A value from the input, for a message: quoted as JSON (control characters and lone surrogates
 * escaped), with the invisible and direction-changing characters escaped too (a right-to-left
 * override would reorder the terminal's line), and cut at `max` characters, its length said.
 */
export function quoted(value: string, max = 64): string {
  const chars = [...value];
  const cut = chars.length > max ? chars.slice(0, max).join("") : value;
  const body = JSON.stringify(cut).replace(/[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return cut === value ? body : `${body.slice(0, -1)}…" (${chars.length.toLocaleString("en-US")} characters)`;
}
