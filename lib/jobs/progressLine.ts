/** A task's stderr line as the executors read it: a `--progress json` object, or a message (its "metacurate CMD: " prefix off). */
import type { JobProgress } from "./types";

export function parseProgressLine(line: string, task: string): JobProgress | null {
  if (!line.startsWith("{")) return null;
  let e: { step?: unknown; done?: unknown; total?: unknown; rate?: unknown; loss?: unknown; eta?: unknown };
  try { e = JSON.parse(line); } catch { return null; }
  if (e === null || typeof e !== "object" || typeof e.step !== "string") return null;
  return {
    task, step: e.step, done: Number(e.done), total: e.total === null ? null : Number(e.total), rate: Number(e.rate),
    ...(typeof e.loss === "number" ? { loss: e.loss } : {}), ...(typeof e.eta === "number" ? { eta: e.eta } : {}),
  };
}

export const COMMAND_PREFIX = /^metacurate [a-z -]+: /;

export function messageOf(line: string): string {
  return line.replace(COMMAND_PREFIX, "").slice(0, 500);
}
