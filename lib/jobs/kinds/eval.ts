/** An eval job: `metacurate eval` of a run folder of the data directory (in place, or into another). */
import path from "node:path";
import { z } from "zod";
import { pathField } from "../../options/fields";
import { checkWorkspaceName, resolveInput } from "../paths";
import { slurmFields, type JobKind } from "./kind";

const schema = z.strictObject({
  kind: z.literal("eval"),
  run: pathField,
  "eval-task": pathField.optional(),
  out: pathField.optional(),
  ...slurmFields,
});

export const evalKind: JobKind = {
  kind: "eval",
  schema,
  plan(spec, roots) {
    const name = checkWorkspaceName(spec.run as string, "run");
    // a run of the data directory (its model.json resolves inside it); the command gets the run's folder
    resolveInput(path.join(name, "model.json"), "run", { dataDir: roots.dataDir, poolsDirs: [] });
    const out = checkWorkspaceName((spec.out as string | undefined) ?? name, "out");
    const runDir = path.join(roots.dataDir, name);
    const task = spec["eval-task"] === undefined ? [] : ["--eval-task", resolveInput(spec["eval-task"] as string, "eval-task", roots)];
    const argv = ["eval", "--run", runDir, ...(out === name ? [] : ["--out", path.join(roots.dataDir, out)]), ...task];
    return { out, tasks: () => [{ name: "eval", argv, after: [] }] };
  },
};
