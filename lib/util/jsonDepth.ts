/** A bound on how deep parsed JSON nests, checked without recursion (a deep value overflows recursive code downstream). */
import { UsageError } from "../errors";

/** Deeper than any spec or body metacurate reads (a job spec nests two levels). */
export const MAX_JSON_DEPTH = 32;

/** Throws a UsageError naming the top-level field of `value` that nests arrays or objects deeper than `max`. */
export function assertJsonDepth(value: unknown, max = MAX_JSON_DEPTH): void {
  // field: the top-level key the value is under ("" for the body itself, or under a top-level array)
  const stack: { v: unknown; depth: number; field: string }[] = [{ v: value, depth: 0, field: "" }];
  while (stack.length > 0) {
    const { v, depth, field } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= max) {
      throw new UsageError(`${field === "" ? "the body" : `"${field.slice(0, 60)}"`}: nests arrays or objects more than ${max} levels deep`);
    }
    for (const [k, child] of Object.entries(v)) stack.push({ v: child, depth: depth + 1, field: depth === 0 && !Array.isArray(v) ? k : field });
  }
}
