/** A curate job: match then balance a pool into a workspace of the data directory. */
import path from "node:path";
import { z } from "zod";
import { poolInputs } from "../../options/commands";
import { oneThreshold, pathField, thresholdFields } from "../../options/fields";
import { checkWorkspaceName, resolveInput } from "../paths";
import { optionFlags, type JobKind } from "./kind";

const { progress: _progress, ...inputs } = poolInputs;

const schema = z.strictObject({
  kind: z.literal("curate"),
  shards: z.number().refine((n) => n === 1, { error: (i) => `must be 1 for now (got ${i.input}): sharded curate jobs are not built yet` }).optional(),
  ...inputs,
  out: pathField,
  ...thresholdFields,
}).superRefine(oneThreshold(true));

const OPTIONS = ["text-col", "url-col", "uid-col", "skip-null-text", "workers", "memory-limit", "t", "p", "target-size", "seed"] as const;

export const curateKind: JobKind = {
  kind: "curate",
  schema,
  plan(spec, roots) {
    const out = checkWorkspaceName(spec.out as string, "out");
    const metadata = resolveInput(spec.metadata as string, "metadata", roots);
    const pool = (spec.pool as string[]).map((p, i) => resolveInput(p, `pool[${i}]`, roots));
    const argv = ["curate", "--metadata", metadata, "--pool", ...pool, "--out", path.join(roots.dataDir, out), ...optionFlags(spec, OPTIONS)];
    return { out, tasks: [{ name: "curate", argv, after: [] }] };
  },
};
