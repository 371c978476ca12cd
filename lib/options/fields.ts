/**
 * The fields the commands share, each rule defined once (the curation rules' own checks where there
 * is one). Isomorphic: the CLI, job specs, the API and the dashboard's inputs validate through them.
 */
import { z } from "zod";
import { assertSeed } from "../curation/draw";
import { assertP, assertT } from "../curation/threshold";
import { controlCharacter, shown } from "../cluster/shellText";

/** A number checked by one of the engine's own rules, its message kept. */
function ruled(check: (v: number) => void) {
  return z.number().superRefine((v, ctx) => {
    try { check(v); } catch (e) { ctx.addIssue({ code: "custom", message: (e as Error).message }); }
  });
}

export const tField = ruled(assertT);
export const pField = ruled(assertP);
export const seedField = ruled(assertSeed);
export const targetSizeField = z.number().refine((n) => Number.isInteger(n) && n >= 1, { error: (i) => `must be a whole number of rows, at least 1 (got ${i.input})` });

export const MIN_MEMORY_LIMIT_GB = 0.25;
/** 1 TB, more than any machine this runs on has; DuckDB takes it as memory_limit = '1048576MB'. */
export const MAX_MEMORY_LIMIT_GB = 1024;
export const memoryLimitField = z.number().refine((n) => Number.isFinite(n) && n >= MIN_MEMORY_LIMIT_GB && n <= MAX_MEMORY_LIMIT_GB,
  { error: (i) => `must be a number of GB from ${MIN_MEMORY_LIMIT_GB} to ${MAX_MEMORY_LIMIT_GB} (1 TB) (got ${i.input})` });
export const workersField = z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 256, { error: (i) => `must be an integer from 1 to 256 (got ${i.input})` });
export const progressField = z.enum(["bar", "json", "none"], { error: (i) => `must be one of bar, json, none (got "${String(i.input)}")` });
/** No path holds a control character: a newline in one would end a line of a generated script (lib/cluster/shellText). */
export const pathField = z.string().min(1, { error: "needs a path" }).superRefine((v, ctx) => {
  const bad = controlCharacter(v);
  if (bad) ctx.addIssue({ code: "custom", message: `holds ${bad} (got ${shown(v)}); a path must be one line of printable characters` });
});
export const columnField = z.string().min(1, { error: "needs a column name" });

/** t, p or target-size, and the seed, as the balancing step takes them (the engine's own check). */
export const thresholdFields = { t: tField.optional(), p: pField.optional(), "target-size": targetSizeField.optional(), seed: seedField.optional() };

/** Exactly one way to set t: t, p or target-size (optional when `required` is false). */
export function oneThreshold(required: boolean) {
  return (o: { t?: number; p?: number; "target-size"?: number }, ctx: z.RefinementCtx) => {
    const given = (["t", "p", "target-size"] as const).filter((k) => o[k] !== undefined);
    if (given.length > 1) ctx.addIssue({ code: "custom", path: [], message: "give one of --t N, --p X or --target-size N, not more", params: { oneOf: ["t", "p", "target-size"] } });
    else if (required && given.length === 0) ctx.addIssue({ code: "custom", path: [], message: "give one of --t N, --p X or --target-size N", params: { oneOf: ["t", "p", "target-size"] } });
  };
}
