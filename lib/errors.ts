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

/** First line of an error message from a library, without DuckDB's type prefix noise. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 300);
}
