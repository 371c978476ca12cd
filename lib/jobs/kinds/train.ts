/**
 * A train job: `metacurate train` on a workspace of the data directory, into a run folder of it; with
 * scale or recipe, the field's real training on a GPU cluster instead (clusterTrain.ts).
 */
import path from "node:path";
import { z } from "zod";
import { clusterTrainRules, trainOptions } from "../../options/commands";
import { pathField } from "../../options/fields";
import { checkWorkspaceName, resolveInput, resolveWorkspace } from "../paths";
import { planClusterTrain } from "./clusterTrain";
import { optionFlags, slurmFields, type JobKind } from "./kind";

const { progress: _progress, workspace: _workspace, out: _out, "eval-task": _task, "images-from": _images, "data-dir": _dataDir, executor: _executor, wait: _wait, ...flags } = trainOptions.shape;

const schema = z.strictObject({
  kind: z.literal("train"),
  workspace: pathField,
  out: pathField,
  "eval-task": pathField.optional(),
  ...flags,
  ...slurmFields,
}).superRefine(clusterTrainRules);

const OPTIONS = ["subset", "samples-seen", "seed", "tower", "batch", "lr", "max-seconds"] as const;

export const trainKind: JobKind = {
  kind: "train",
  schema,
  plan(spec, roots) {
    if (spec.scale !== undefined || spec.recipe !== undefined) return planClusterTrain(spec, roots);
    const workspace = resolveWorkspace(spec.workspace as string, "workspace", roots);
    const out = checkWorkspaceName(spec.out as string, "out");
    const task = spec["eval-task"] === undefined ? [] : ["--eval-task", resolveInput(spec["eval-task"] as string, "eval-task", roots)];
    const argv = ["train", "--workspace", workspace, "--out", path.join(roots.dataDir, out), ...task, ...optionFlags(spec, OPTIONS)];
    return { out, tasks: () => [{ name: "train", argv, after: [] }] };
  },
};
