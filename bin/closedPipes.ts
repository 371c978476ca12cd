/**
 * A reader that goes away (`metacurate job list --json | head -c 10`) closes the pipe under stdout or
 * stderr, and the next write fails with EPIPE. Unhandled, Node turns that into a crash with a stack
 * trace, mid-run, leaving a half-staged output behind. Here it is noted instead: a running command is
 * asked to stop through `signal` (it cleans up as for a cancel) and the CLI exits quietly with 141,
 * what a shell reports for a process that a closed pipe ended (128 + SIGPIPE).
 */
export const PIPE_CLOSED_EXIT = 141;

export class PipeClosed extends Error {
  constructor() {
    super("the output pipe closed (its reader went away)");
  }
}

export interface ClosedPipes {
  /** Aborted, with a PipeClosed reason, when stdout or stderr is found closed. */
  readonly signal: AbortSignal;
  closed(): boolean;
}

let watching: ClosedPipes | null = null;

/** Watches stdout and stderr for a closed pipe (once per process). */
export function watchClosedPipes(): ClosedPipes {
  if (watching) return watching;
  const controller = new AbortController();
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exitCode = PIPE_CLOSED_EXIT;
    if (!controller.signal.aborted) controller.abort(new PipeClosed());
  };
  process.stdout.on("error", onError);
  process.stderr.on("error", onError);
  watching = { signal: controller.signal, closed: () => controller.signal.aborted };
  return watching;
}
