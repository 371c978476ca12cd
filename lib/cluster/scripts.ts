/**
 * The cluster training scripts (isomorphic, pure): reshard the pool's webdataset shards to the curated
 * subset.npy with DataComp's resharder.py, train with DataComp's train.py (or open_clip for MetaCLIP's
 * recipe), evaluate on DataComp's 38 tasks with evaluate.py (never --submit). Each script names the
 * recipe's hyperparameters in its header; train.sh for a DataComp scale first checks that the checkout's
 * scale_configs.py still gives exactly those, so a run's record cannot claim a recipe it did not train with.
 */
import { DATACOMP_SCALE_CONFIGS, METACLIP_RECIPE_CONFIGS, perGpuBatch, type DatacompScale, type MetaclipRecipe } from "./recipes";
import { shellComment, shellQuote } from "./shellText";

export type ClusterRecipe = { kind: "datacomp"; scale: DatacompScale } | { kind: "metaclip"; name: MetaclipRecipe };

export interface ClusterPlanInput {
  recipe: ClusterRecipe;
  /** a DataComp checkout (resharder.py, train.py, evaluate.py, scale_configs.py) */
  datacompDir: string;
  /** an open_clip checkout (its src/ holds training.main): MetaCLIP's recipe only */
  openClipDir: string | null;
  condaEnv: string | null;
  /** the pool's webdataset shards ({00000000..}.tar with _stats.json, as img2dataset writes them) */
  shards: string;
  /** evaluation datasets already downloaded (evaluate.py --data_dir); null: evaluate.py fetches them */
  evalData: string | null;
  subsetNpy: string;
  /** where the resharded data, checkpoints and eval results go */
  workDir: string;
  expName: string;
  seed: number;
  gpusPerNode: number;
  nodes: number;
  workers: number;
}

/** The job's cluster/plan.json, what its record step reads: the resolved input, the scripts' names, the workspace it trained. */
export interface ClusterJobPlan {
  input: ClusterPlanInput;
  recipe: ClusterRecipe;
  hyperparameters: Record<string, number | string | null>;
  workspace: string;
  scripts: string[];
}

export interface ClusterScript {
  name: "reshard.sh" | "train.sh" | "evaluate.sh";
  text: string;
}

const py = (v: number | string | null) => (v === null ? "None" : typeof v === "string" ? JSON.stringify(v) : String(v));

export function recipeTitle(r: ClusterRecipe): string {
  return r.kind === "datacomp" ? `DataComp ${r.scale}` : `MetaCLIP ${r.name} (open_clip)`;
}

/** The recipe's fixed hyperparameters, one per line, as every script's header and the run record give them. */
export function recipeSummary(r: ClusterRecipe): Record<string, number | string | null> {
  if (r.kind === "datacomp") {
    const c = DATACOMP_SCALE_CONFIGS[r.scale];
    return { model: c.model, samples_seen: c.samplesSeen, batch: c.batch, lr: c.lr, warmup: c.warmup, beta2: c.beta2, precision: c.precision };
  }
  const c = METACLIP_RECIPE_CONFIGS[r.name];
  return { model: c.model, samples_seen: c.samplesPerEpoch * c.epochs, samples_per_epoch: c.samplesPerEpoch, epochs: c.epochs, batch: c.batch,
    lr: c.lr, warmup: c.warmup, wd: c.wd, beta1: c.beta1, beta2: c.beta2, eps: c.eps, precision: c.precision };
}

export function checkGpus(input: Pick<ClusterPlanInput, "recipe" | "gpusPerNode" | "nodes">): string | null {
  const batch = recipeSummary(input.recipe).batch as number;
  const gpus = input.gpusPerNode * input.nodes;
  return perGpuBatch(batch, gpus) === null ? `the global batch ${batch} of ${recipeTitle(input.recipe)} does not split evenly over ${gpus} GPUs (${input.nodes} node(s) × ${input.gpusPerNode})` : null;
}

function header(input: ClusterPlanInput, step: string, what: string): string[] {
  const params = Object.entries(recipeSummary(input.recipe)).map(([k, v]) => `${k} ${v ?? "default"}`).join(" · ");
  return [
    "#!/bin/bash",
    shellComment(`metacurate: ${recipeTitle(input.recipe)}, ${step}: ${what}`),
    shellComment(`fixed hyperparameters: ${params}`),
    shellComment(`${input.nodes} node(s) × ${input.gpusPerNode} GPU(s); seed ${input.seed}; subset ${input.subsetNpy}`),
    "set -euo pipefail",
    ...(input.condaEnv ? [`source "$(conda info --base)/etc/profile.d/conda.sh"`, `conda activate ${shellQuote(input.condaEnv)}`] : []),
    `cd ${shellQuote(input.datacompDir)}`,
  ];
}

const work = (input: ClusterPlanInput, sub: string) => shellQuote(`${input.workDir.replace(/\/+$/, "")}/${sub}`);

function reshard(input: ClusterPlanInput): string[] {
  return [
    ...header(input, "step 1 of 3", "the pool's shards resharded to the curated subset (DataComp resharder.py)"),
    `python resharder.py -i ${shellQuote(input.shards)} -o ${work(input, "shards")} -s ${shellQuote(input.subsetNpy)} -j "\${SLURM_CPUS_PER_TASK:-$(nproc)}" --overwrite`,
  ];
}

/** train.py for a DataComp scale: torchrun on one node, srun over several (as DataComp's slurm_train.sh). */
function trainDatacomp(input: ClusterPlanInput, scale: DatacompScale): string[] {
  const c = DATACOMP_SCALE_CONFIGS[scale];
  const want = `{"batch_size": ${py(c.batch)}, "learning_rate": ${py(c.lr)}, "train_num_samples": ${py(c.samplesSeen)}, "warmup": ${py(c.warmup)}, "model": ${py(c.model)}, "beta2": ${py(c.beta2)}}`;
  const args = [
    `--scale ${scale}`, `--data_dir ${work(input, "shards")}`, `--output_dir ${work(input, "train")}`, `--exp_name ${shellQuote(input.expName)}`,
    `--precision ${c.precision}`, "--num_checkpoints 5", `--seed ${input.seed}`, `--workers ${input.workers}`, "--accum_freq 1",
  ];
  return [
    ...header(input, "step 2 of 3", "train.py with the scale's fixed hyperparameters"),
    shellComment("the checkout must give the benchmark's hyperparameters for this scale, or the run would not be a DataComp run"),
    "python - <<'PY'",
    "from scale_configs import get_scale_config",
    `want = ${want}`,
    `got = get_scale_config(${py(scale)})`,
    "bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}",
    `if bad: raise SystemExit("metacurate: scale_configs.py of this DataComp checkout differs from DataComp's table for ${scale} (got, expected): %s" % bad)`,
    "PY",
    ...launch(input, "python train.py", "train.py", args),
  ];
}

function launch(input: ClusterPlanInput, python: string, torchrunTarget: string, args: string[]): string[] {
  if (input.nodes === 1) return [`torchrun --nproc_per_node ${input.gpusPerNode} ${torchrunTarget} \\`, ...args.map((a, i) => `  ${a}${i < args.length - 1 ? " \\" : ""}`)];
  return [
    'export MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
    "export MASTER_PORT=12802",
    `srun --cpu_bind=v --accel-bind=gn ${python} \\`,
    ...args.map((a, i) => `  ${a}${i < args.length - 1 ? " \\" : ""}`),
  ];
}

/** open_clip's training.main with MetaCLIP's config: the global batch split over the GPUs, 32 epochs of 400M. */
function trainMetaclip(input: ClusterPlanInput, name: MetaclipRecipe): string[] {
  const c = METACLIP_RECIPE_CONFIGS[name];
  const perGpu = perGpuBatch(c.batch, input.gpusPerNode * input.nodes);
  if (perGpu === null) throw new Error(checkGpus(input)!);
  if (!input.openClipDir) throw new Error("MetaCLIP's recipe needs an open_clip checkout");
  const args = [
    `--model ${c.model}`, ...c.flags, '--train-data "$TRAIN_DATA"', "--dataset-type webdataset", "--dataset-resampled",
    `--train-num-samples ${c.samplesPerEpoch}`, `--epochs ${c.epochs}`, `--batch-size ${perGpu}`, `--lr ${c.lr}`, `--wd ${c.wd}`,
    `--beta1 ${c.beta1}`, `--beta2 ${c.beta2}`, `--eps ${c.eps}`, `--warmup ${c.warmup}`, `--precision ${c.precision}`,
    `--seed ${input.seed}`, `--workers ${input.workers}`, `--logs ${work(input, "train")}`, `--name ${shellQuote(input.expName)}`,
    "--save-most-recent", "--resume latest",
  ];
  return [
    ...header(input, "step 2 of 3", "open_clip training.main with MetaCLIP's config"),
    `export PYTHONPATH=${shellQuote(`${input.openClipDir.replace(/\/+$/, "")}/src`)}:\${PYTHONPATH:-}`,
    `LAST=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["output_shard_count"] - 1)' ${work(input, "shards/meta.json")})`,
    `TRAIN_DATA=${work(input, "shards")}"/{00000000..$(printf %08d "$LAST")}.tar"`,
    ...launch(input, "python -m training.main", "-m training.main", args),
  ];
}

function evaluate(input: ClusterPlanInput): string[] {
  const trained = work(input, `train/${input.expName}`);
  const model = input.recipe.kind === "metaclip"
    ? [`--use_model ${shellQuote(`${METACLIP_RECIPE_CONFIGS[input.recipe.name].model} ${input.workDir.replace(/\/+$/, "")}/train/${input.expName}/checkpoints/epoch_latest.pt`)}`]
    : [];
  return [
    ...header(input, "step 3 of 3", "the 38 DataComp tasks (evaluate.py; resumes; never --submit)"),
    ["python evaluate.py", `--train_output_dir ${trained}`, ...model, `--output_dir ${work(input, "eval")}`,
      ...(input.evalData ? [`--data_dir ${shellQuote(input.evalData)}`] : []), "--batch_size 64"].join(" "),
  ];
}

export function clusterScripts(input: ClusterPlanInput): ClusterScript[] {
  const train = input.recipe.kind === "datacomp" ? trainDatacomp(input, input.recipe.scale) : trainMetaclip(input, input.recipe.name);
  return [
    { name: "reshard.sh", text: reshard(input).join("\n") + "\n" },
    { name: "train.sh", text: train.join("\n") + "\n" },
    { name: "evaluate.sh", text: evaluate(input).join("\n") + "\n" },
  ];
}
