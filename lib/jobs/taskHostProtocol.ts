/** What the job runner and a task host (bin/taskHost.ts) say to each other. */

/** A task for the host: its command line and the environment it runs with (null: unset). */
export interface HostRequest {
  argv: string[];
  env: Record<string, string | null>;
}

/** Ends a task's output on stdout and on stderr, followed by its exit code: every line before it is the task's. */
export const END_MARK = "\u001emetacurate-task-end:";

/** A line's own text and the exit code when the line carries the end marker (perhaps after output that had no newline). */
export function splitEndMark(line: string): { text: string; code: number | null } {
  const at = line.lastIndexOf(END_MARK);
  if (at < 0) return { text: line, code: null };
  const code = line.slice(at + END_MARK.length);
  if (!/^\d+$/.test(code)) return { text: line, code: null };
  return { text: line.slice(0, at), code: Number(code) };
}
