/**
 * A train job with scale (DataComp) or recipe (MetaCLIP's open_clip): four tasks — reshard, train,
 * evaluate, record — the first three running the scripts written into the job's cluster/ folder (kept
 * there for a person to read and rerun), the last importing eval_results.jsonl into the run folder with
 * a run.json. Paths not in the spec come from METACURATE_DATACOMP_{DIR,CONDA_ENV,SHARDS,EVAL_DATA,
 * WORK_DIR,GPUS_PER_NODE,NODES} and METACURATE_OPENCLIP_DIR, resolved when the job is made and written
 * into cluster/plan.json, so the job says what it ran with.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { clusterScripts, checkGpus, recipeSummary, type ClusterJobPlan, type ClusterPlanInput, type ClusterRecipe } from "../../cluster/scripts";
import { UsageError } from "../../errors";
import { clusterTrainFields } from "../../options/commands";
import { checkWorkspaceName, resolveWorkspace, type PathRoots } from "../paths";
import type { TaskPlan } from "./kind";
import type { DatacompScale, MetaclipRecipe } from "../../cluster/recipes";

export const CLUSTER_DIR = "cluster";
export const PLAN_FILE = "plan.json";


const ENV: Record<string, string> = {
  "datacomp-dir": "METACURATE_DATACOMP_DIR",
  "conda-env": "METACURATE_DATACOMP_CONDA_ENV",
  shards: "METACURATE_DATACOMP_SHARDS",
  "eval-data": "METACURATE_DATACOMP_EVAL_DATA",
  "work-dir": "METACURATE_DATACOMP_WORK_DIR",
  "gpus-per-node": "METACURATE_DATACOMP_GPUS_PER_NODE",
  nodes: "METACURATE_DATACOMP_NODES",
  "open-clip-dir": "METACURATE_OPENCLIP_DIR",
};

/** A field from the spec, else its environment variable (checked by the same rule, the variable named). */
function pick(spec: Record<string, unknown>, key: keyof typeof clusterTrainFields, env: NodeJS.ProcessEnv): unknown {
  if (spec[key] !== undefined) return spec[key];
  const name = ENV[key];
  const raw = name ? env[name] : undefined;
  if (raw === undefined || raw === "") return undefined;
  const numeric = key === "gpus-per-node" || key === "nodes";
  if (numeric && !/^\d+$/.test(raw)) throw new UsageError(`${name}: must be a whole number of ${key === "nodes" ? "nodes" : "GPUs"} (got ${JSON.stringify(raw.slice(0, 40))})`);
  const value = numeric ? Number(raw) : raw;
  const r = clusterTrainFields[key].safeParse(value);
  if (!r.success) throw new UsageError(`${name}: ${r.error.issues[0].message}`);
  return r.data;
}

function need(value: unknown, field: string, what: string): string {
  if (value === undefined) throw new UsageError(`"${field}": needs ${what}: give it in the spec (--${field}) or set ${ENV[field]}`);
  return value as string;
}

export function planClusterTrain(spec: Record<string, unknown>, roots: PathRoots, env: NodeJS.ProcessEnv = process.env) {
  const workspace = resolveWorkspace(spec.workspace as string, "workspace", roots);
  const subsetNpy = path.join(workspace, "subset.npy");
  if (!existsSync(subsetNpy)) throw new UsageError(`"workspace": ${JSON.stringify(spec.workspace)} has no subset.npy: balance it first (the cluster trains the curated subset)`);
  const out = checkWorkspaceName(spec.out as string, "out");
  const recipe: ClusterRecipe = spec.scale !== undefined ? { kind: "datacomp", scale: spec.scale as DatacompScale } : { kind: "metaclip", name: spec.recipe as MetaclipRecipe };
  const gpusPerNode = (pick(spec, "gpus-per-node", env) as number | undefined) ?? 8;
  const nodes = (pick(spec, "nodes", env) as number | undefined) ?? 1;
  const gpuProblem = checkGpus({ recipe, gpusPerNode, nodes });
  if (gpuProblem) throw new UsageError(`"gpus-per-node": ${gpuProblem}`);
  const datacompDir = need(pick(spec, "datacomp-dir", env), "datacomp-dir", "the DataComp checkout (resharder.py, train.py, evaluate.py)");
  const shards = need(pick(spec, "shards", env), "shards", "the pool's webdataset shards (as download_upstream.py writes them)");
  const openClipDir = recipe.kind === "metaclip" ? need(pick(spec, "open-clip-dir", env), "open-clip-dir", "an open_clip checkout (MetaCLIP trains with open_clip)") : null;
  const files = (jobDir: string) => {
    const dir = path.join(jobDir, CLUSTER_DIR);
    const input: ClusterPlanInput = {
      recipe, datacompDir, openClipDir, shards, subsetNpy,
      condaEnv: (pick(spec, "conda-env", env) as string | undefined) ?? null,
      evalData: (pick(spec, "eval-data", env) as string | undefined) ?? null,
      // a scratch folder of the cluster (one per job), else the job's own folder
      workDir: ((w) => (w ? path.join(w, path.basename(jobDir)) : path.join(dir, "work")))(pick(spec, "work-dir", env) as string | undefined),
      expName: out, seed: (spec.seed as number | undefined) ?? 0, gpusPerNode, nodes,
      workers: (spec["data-workers"] as number | undefined) ?? 4,
    };
    const scripts = clusterScripts(input);
    const plan: ClusterJobPlan = { input, recipe, hyperparameters: recipeSummary(recipe), workspace, scripts: scripts.map((s) => s.name) };
    return [
      ...scripts.map((s) => ({ name: path.join(CLUSTER_DIR, s.name), text: s.text, mode: 0o755 })),
      { name: path.join(CLUSTER_DIR, PLAN_FILE), text: JSON.stringify(plan, null, 2) + "\n", mode: 0o644 },
    ];
  };
  const step = (jobDir: string, name: string) => ["cluster", "step", "--script", path.join(jobDir, CLUSTER_DIR, `${name}.sh`)];
  const tasks = (jobDir: string): TaskPlan[] => [
    { name: "reshard", argv: step(jobDir, "reshard"), after: [] },
    { name: "train", argv: step(jobDir, "train"), after: ["reshard"], resources: { gpusPerNode, nodes, tasksPerNode: nodes > 1 ? gpusPerNode : 1 } },
    { name: "evaluate", argv: step(jobDir, "evaluate"), after: ["train"], resources: { gpusPerNode: 1, nodes: 1, tasksPerNode: 1 } },
    { name: "record", argv: ["cluster", "record", "--plan", path.join(jobDir, CLUSTER_DIR, PLAN_FILE), "--out", path.join(roots.dataDir, out)], after: ["evaluate"] },
  ];
  return { out, tasks, files };
}
