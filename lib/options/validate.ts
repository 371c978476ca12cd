/** Options through a schema, with one message naming every field at fault (as a flag or as a field). */
import type { z } from "zod";
import { UsageError } from "../errors";

export type FieldStyle = "flag" | "field";

function fieldName(key: PropertyKey, style: FieldStyle): string {
  return style === "flag" ? `--${String(key)}` : `"${String(key)}"`;
}

/** The start of a value as JSON, for a message; a value nested too deep to serialise is said to be so. */
function shortJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)?.slice(0, 40);
  } catch {
    return "a value nested too deep to show";
  }
}

/** The issues of a failed parse as one line: `--t: t must be a number >= 1 (got 0); --seed: …`. */
export function formatIssues(error: z.ZodError, style: FieldStyle, raw?: unknown): string {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return issue.keys.map((k) => `unknown ${style === "flag" ? "flag" : "field"} ${fieldName(k, style)}`).join("; ");
    const oneOf = (issue as { params?: { oneOf?: string[] } }).params?.oneOf;
    if (oneOf && style === "field") return issue.message.replace(/--([a-z-]+) [A-Z]+/g, '"$1"');
    if (issue.path.length === 0) return issue.message;
    const key = issue.path[0];
    let value: unknown = raw;
    for (const k of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[k] : undefined;
    const message = issue.code === "invalid_type" ? (value === undefined ? "is required" : `must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`} (got ${shortJson(value)})`) : issue.message;
    return `${fieldName(key, style)}${issue.path.length > 1 ? `[${issue.path.slice(1).join("][")}]` : ""}: ${message}`;
  }).join("; ");
}

/** The options, parsed; a UsageError naming the fields otherwise. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, style: FieldStyle = "flag"): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new UsageError(formatIssues(r.error, style, raw));
  return r.data;
}
