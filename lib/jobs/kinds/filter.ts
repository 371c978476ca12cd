/** A filter job: one of DataComp's baseline filters over a pool, into a folder of the data directory. */
import path from "node:path";
import { z } from "zod";
import { filterFields, filterRule } from "../../options/commands";
import { checkWorkspaceName, refuseInputsInside, resolveInput } from "../paths";
import { optionFlags, slurmFields, type JobKind } from "./kind";

const schema = z.strictObject({ kind: z.literal("filter"), ...filterFields, ...slurmFields }).superRefine(filterRule);

const OPTIONS = ["name", "arch", "score-col", "threshold", "fraction", "min-words", "min-chars", "min-side", "max-aspect", "lid",
  "text-col", "url-col", "uid-col", "width-col", "height-col", "memory-limit"] as const;

export const filterKind: JobKind = {
  kind: "filter",
  schema,
  plan(spec, roots) {
    const out = checkWorkspaceName(spec.out as string, "out");
    const pool = (spec.pool as string[]).map((p, i) => resolveInput(p, `pool[${i}]`, roots));
    const outDir = path.join(roots.dataDir, out);
    refuseInputsInside(outDir, out, pool.map((p, i): [string, string] => [`pool[${i}]`, p]));
    const argv = ["filter", "--pool", ...pool, "--out", outDir, ...optionFlags(spec, OPTIONS)];
    return { out, tasks: () => [{ name: "filter", argv, after: [] }] };
  },
};
