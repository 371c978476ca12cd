/** A balance job: re-balance a workspace of the data directory (in place, or into another). */
import path from "node:path";
import { z } from "zod";
import { memoryLimitField, oneThreshold, pathField, thresholdFields } from "../../options/fields";
import { checkWorkspaceName, resolveWorkspace } from "../paths";
import { optionFlags, slurmFields, type JobKind } from "./kind";

const schema = z.strictObject({
  kind: z.literal("balance"),
  in: pathField,
  out: pathField.optional(),
  ...thresholdFields,
  ...slurmFields,
  "memory-limit": memoryLimitField.optional(),
}).superRefine(oneThreshold(true));

const OPTIONS = ["t", "p", "target-size", "seed", "memory-limit"] as const;

export const balanceKind: JobKind = {
  kind: "balance",
  schema,
  plan(spec, roots) {
    const from = checkWorkspaceName(spec.in as string, "in");
    const inDir = resolveWorkspace(from, "in", roots);
    const out = checkWorkspaceName((spec.out as string | undefined) ?? from, "out");
    const argv = ["balance", "--in", inDir, "--out", path.join(roots.dataDir, out), ...optionFlags(spec, OPTIONS)];
    return { out, tasks: () => [{ name: "balance", argv, after: [] }] };
  },
};
