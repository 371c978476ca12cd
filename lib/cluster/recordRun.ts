/**
 * `metacurate cluster record --plan FILE --out DIR` (Node only): the last step of a cluster training job.
 * Copies the eval_results.jsonl that evaluate.py wrote (byte for byte) into the run folder with a run.json
 * that traces it to its curation (workspace, its manifest's and subset.npy's sha256, t, p, seed, size) and
 * its training (recipe, fixed hyperparameters, GPUs, seed, the scripts' sha256). Committed atomically.
 */
import { curationHash } from "../workspace/curationHash";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors";
import { parseEvalResults } from "../evals/results";
import { jsonErrorMessage } from "../util/jsonError";
import { sha256File } from "../util/files";
import { StagedOutput } from "../util/stagedOutput";
import { readManifest } from "../workspace/artifacts";
import { TOOL_VERSION } from "../workspace/manifest";
import { DATACOMP_SOURCE, METACLIP_SOURCE } from "./recipes";
import type { ClusterJobPlan } from "./scripts";

export async function recordClusterRun(planFile: string, out: string): Promise<{ tasks: number; problems: number; runJson: Record<string, unknown> }> {
  let plan: ClusterJobPlan;
  const planText = await readFile(planFile, "utf8").catch((e: Error) => { throw new InputError(`--plan ${planFile}: ${e.message}`); });
  try { plan = JSON.parse(planText) as ClusterJobPlan; } catch (e) { throw new InputError(`--plan ${planFile} is not valid JSON: ${jsonErrorMessage(planText, e)}`); }
  const { input, recipe, hyperparameters, workspace } = plan;
  const results = path.join(input.workDir, "eval", "eval_results.jsonl");
  // read once: the bytes parsed are the bytes copied and hashed
  const bytes = await readFile(results).catch(() => { throw new InputError(`${results}: evaluate.py wrote no eval_results.jsonl`); });
  const parsed = parseEvalResults(bytes.toString("utf8"));
  if (parsed.results.length === 0) throw new InputError(`${results}: no task results in it${parsed.problems.length ? ` (line ${parsed.problems[0].line}: ${parsed.problems[0].message})` : ""}`);
  const manifest = await readManifest(workspace);
  const subsetSize = manifest.balance?.rows_kept ?? null;
  const samplesSeen = hyperparameters.samples_seen as number;
  const planDir = path.dirname(planFile);
  const scripts: Record<string, string> = {};
  for (const s of plan.scripts) scripts[s] = await sha256File(path.join(planDir, s));
  const runJson: Record<string, unknown> = {
    tool: "metacurate", version: TOOL_VERSION,
    kind: recipe.kind === "datacomp" ? "datacomp-train" : "open_clip-train",
    template: recipe.kind === "datacomp" ? `datacomp-${recipe.scale}` : recipe.name,
    source: recipe.kind === "datacomp" ? DATACOMP_SOURCE : METACLIP_SOURCE,
    scale: recipe.kind === "datacomp" ? recipe.scale : null,
    model: hyperparameters.model,
    hyperparameters,
    workspace,
    workspace_manifest_sha256: await sha256File(path.join(workspace, "manifest.json")),
    curation_sha256: curationHash(manifest, "curated"),
    metadata_hash: manifest.match.metadata.metadataHash,
    subset: "curated",
    subset_npy: input.subsetNpy,
    subset_npy_sha256: await sha256File(input.subsetNpy),
    subset_size: subsetSize,
    t: manifest.balance?.t ?? null,
    tail_share: manifest.balance?.tail_share ?? null,
    balance_seed: manifest.balance?.seed ?? null,
    seed: input.seed,
    samples_seen: samplesSeen,
    passes: subsetSize ? samplesSeen / subsetSize : null,
    gpus: { nodes: input.nodes, per_node: input.gpusPerNode },
    datacomp_dir: input.datacompDir,
    open_clip_dir: input.openClipDir,
    shards: input.shards,
    work_dir: input.workDir,
    scripts,
    eval_results_sha256: createHash("sha256").update(bytes).digest("hex"),
    eval_tasks: parsed.results.length,
  };
  const staged = await StagedOutput.open(out, { kind: "run" });
  try {
    await writeFile(staged.file("eval_results.jsonl"), bytes);
    await staged.writeJson("run.json", runJson);
    await staged.commit(["eval_results.jsonl", "run.json"]);
  } catch (e) {
    await staged.abort();
    throw e;
  }
  return { tasks: parsed.results.length, problems: parsed.problems.length, runJson };
}
