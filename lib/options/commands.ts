/**
 * One schema per command's options, keyed by the CLI's flag names: the CLI's parsed flags, a job
 * spec's fields and an API body all validate through these (strict: an unknown key is an error).
 */
import { z } from "zod";
import { DATACOMP_SCALES, METACLIP_RECIPES } from "../cluster/recipes";
import { controlCharacter, shown } from "../cluster/shellText";
import { filterParams } from "../filters/params";
import { FILTER_NAMES, LID_ENGINES } from "../filters/rules";
import { columnField, memoryLimitField, oneThreshold, pathField, progressField, pField, seedField, thresholdFields, tField, workersField } from "./fields";

const threshold = thresholdFields;

/** The pool and metadata inputs of match and curate (shared with job specs). */
export const poolInputs = {
  metadata: pathField,
  pool: z.array(pathField).min(1, { error: "needs at least one parquet file" }),
  "text-col": columnField.optional(),
  "url-col": columnField.optional(),
  "uid-col": columnField.optional(),
  "lang-col": columnField.optional(),
  lid: z.enum(["fasttext", "cld3"], { error: (i) => `must be fasttext or cld3 (got ${JSON.stringify(i.input)})` }).optional(),
  "lid-map": pathField.optional(),
  "skip-null-text": z.boolean().optional(),
  workers: workersField.optional(),
  "memory-limit": memoryLimitField.optional(),
  progress: progressField.optional(),
};

/**
 * The most shards a pool is cut into: far more than the cores of any machine or the useful tasks of a
 * cluster job (each shard is 2 tasks and a folder of outputs); 4096 wrote an 8,194-task job record.
 */
export const MAX_SHARDS = 256;

/** "I/S", shard I (0-based) of S: a sharded job's match task. */
export const shardField = z.string().regex(/^\d{1,6}\/\d{1,6}$/, { error: (i) => `must be I/S, e.g. 0/4 (got ${JSON.stringify(i.input)})` })
  .refine((v) => { const [i, n] = v.split("/").map(Number); return n >= 1 && i < n; }, { error: (i) => `must be I/S with 0 <= I < S (got ${JSON.stringify(i.input)})` })
  .refine((v) => Number(v.split("/")[1]) <= MAX_SHARDS, { error: (i) => `must be I/S with S at most ${MAX_SHARDS} shards (got ${JSON.stringify(i.input)})` });

/** A whole number of shards of a curate job, 1 (not sharded) to MAX_SHARDS. */
export const shardsField = z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_SHARDS, { error: (i) => `must be a whole number of shards from 1 to ${MAX_SHARDS} (got ${i.input})` });

export const matchOptions = z.strictObject({ ...poolInputs, out: pathField, shard: shardField.optional(), "tables-cache": pathField.optional() });

export const curateOptions = z.strictObject({ ...poolInputs, out: pathField, ...threshold }).superRefine(oneThreshold(true));

export const balanceOptions = z.strictObject({
  in: pathField,
  out: pathField.optional(),
  ...threshold,
  reduced: pathField.optional(),
  "memory-limit": memoryLimitField.optional(),
  progress: progressField.optional(),
}).superRefine((o, ctx) => {
  // a shard of a sharded job is balanced at the t (and seed) its reduce resolved
  if (o.reduced === undefined) return oneThreshold(true)(o, ctx);
  const given = (["t", "p", "target-size", "seed"] as const).filter((k) => o[k] !== undefined);
  if (given.length > 0) ctx.addIssue({ code: "custom", path: [given[0]], message: "is taken from the --reduced folder (its t and seed); do not give it too" });
});

/** The sharded job's steps after its match tasks. */
export const reduceOptions = z.strictObject({
  shards: z.array(pathField).min(1, { error: "needs the shard folders, in order" }),
  out: pathField,
  ...threshold,
  "memory-limit": memoryLimitField.optional(),
  progress: progressField.optional(),
}).superRefine(oneThreshold(true));

export const mergeOptions = z.strictObject({
  shards: z.array(pathField).min(1, { error: "needs the balanced shard folders, in order" }),
  reduced: pathField,
  out: pathField,
  "memory-limit": memoryLimitField.optional(),
  progress: progressField.optional(),
});

const nonNegative = (what: string, integer: boolean) => z.number().refine((n) => Number.isFinite(n) && n >= 0 && (!integer || Number.isInteger(n)), { error: (i) => `must be ${integer ? "a whole number" : "a number"} of ${what}, at least 0 (got ${i.input})` });

/** DataComp's baseline filters (lib/filters/rules.ts): the flags (a filter job's spec takes the same). */
export const filterFields = {
  pool: z.array(pathField).min(1, { error: "needs at least one parquet file" }),
  out: pathField,
  name: z.enum(FILTER_NAMES, { error: (i) => `must be one of ${FILTER_NAMES.join(", ")} (DataComp's baselines that run without a GPU; got ${JSON.stringify(i.input)})` }),
  arch: z.enum(["b32", "l14"], { error: (i) => `must be b32 or l14 (got ${JSON.stringify(i.input)})` }).optional(),
  "score-col": columnField.optional(),
  threshold: z.number().refine((x) => Number.isFinite(x), { error: (i) => `must be a finite number (got ${i.input})` }).optional(),
  // DataComp indexes the sorted scores at int(N * f): f = 0 keeps only the top score's ties, f >= 1 runs past the end
  fraction: z.number().refine((x) => Number.isFinite(x) && x > 0 && x < 1, { error: (i) => `must be a fraction of the pool in (0, 1), e.g. 0.3 for the top 30% (got ${i.input})` }).optional(),
  "min-words": nonNegative("words", true).optional(),
  "min-chars": nonNegative("characters", true).optional(),
  "min-side": nonNegative("pixels", false).optional(),
  "max-aspect": z.number().refine((x) => Number.isFinite(x) && x >= 1, { error: (i) => `must be an aspect ratio of at least 1 (got ${i.input})` }).optional(),
  lid: z.enum(LID_ENGINES, { error: (i) => `must be one of ${LID_ENGINES.join(", ")} (got ${JSON.stringify(i.input)})` }).optional(),
  "text-col": columnField.optional(),
  "url-col": columnField.optional(),
  "uid-col": columnField.optional(),
  "width-col": columnField.optional(),
  "height-col": columnField.optional(),
  "memory-limit": memoryLimitField.optional(),
};

/** Which parameters go with which filter: filterParams' rule, as a schema refinement. */
export function filterRule(o: z.infer<z.ZodObject<typeof filterFields>>, ctx: z.RefinementCtx): void {
  try {
    filterParams({ name: o.name, arch: o.arch, scoreCol: o["score-col"], threshold: o.threshold, fraction: o.fraction, minWords: o["min-words"], minChars: o["min-chars"], minSide: o["min-side"], maxAspect: o["max-aspect"], lid: o.lid });
  } catch (e) {
    ctx.addIssue({ code: "custom", path: [], message: (e as Error).message });
  }
}

export const filterOptions = z.strictObject({ ...filterFields, progress: progressField.optional() }).superRefine(filterRule);

const { pool: _pool, out: _out, "text-col": _t, "url-col": _u, "uid-col": _i, "memory-limit": _m, ...choiceFields } = filterFields;
/** A filter's rule and parameters alone: the dashboard's panel, and a curate job's `filter` (filter first). */
export const filterChoiceOptions = z.strictObject(choiceFields).superRefine((o, ctx) => filterRule(o as z.infer<z.ZodObject<typeof filterFields>>, ctx));

export const evalsSummaryOptions = z.strictObject({ dirs: z.array(pathField).min(1), json: z.boolean().optional() });
export const clusterStepOptions = z.strictObject({ script: pathField, progress: progressField.optional() });
export const clusterRecordOptions = z.strictObject({ plan: pathField, out: pathField, progress: progressField.optional() });

export const evalsImportOptions = z.strictObject({ dirs: z.array(pathField).min(1), "data-dir": pathField.optional(), json: z.boolean().optional() });

export const statsOptions = z.strictObject({
  in: pathField,
  t: tField.optional(),
  p: pField.optional(),
  top: z.number().refine((n) => Number.isInteger(n) && n >= 0, { error: (i) => `must be a non-negative integer (got ${i.input})` }).optional(),
  json: z.boolean().optional(),
}).superRefine((o, ctx) => { if (o.t !== undefined && o.p !== undefined) ctx.addIssue({ code: "custom", path: [], message: "give either --t N or --p X, not both" }); });

const positiveInt = (what: string) => z.number().refine((n) => Number.isInteger(n) && n >= 1, { error: (i) => `must be a whole number of ${what}, at least 1 (got ${i.input})` });

/**
 * The tiny CLIP's training budget: 10^8 samples is about 3.5 hours of the MLP tower (7,829 samples/s on
 * one core, docs/performance.md) and 7 of the CNN; the demo's runs see 30,000.
 */
export const MAX_SAMPLES_SEEN = 100_000_000;
const samplesSeenField = z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_SAMPLES_SEEN,
  { error: (i) => `must be a whole number of samples from 1 to ${MAX_SAMPLES_SEEN} (10^8, hours of training here) (got ${i.input})` });

/** A path on the cluster (a checkout, shards, scratch): absolute, one line; only ever passed to the scripts, never served. */
const clusterPath = z.string().superRefine((v, ctx) => {
  const bad = controlCharacter(v);
  if (bad) ctx.addIssue({ code: "custom", message: `must be an absolute path on the cluster, one line: it holds ${bad} (got ${shown(v)})` });
  else if (!v.startsWith("/") || v.length > 1024) ctx.addIssue({ code: "custom", message: `must be an absolute path on the cluster, one line (got ${JSON.stringify(v.slice(0, 80))})` });
});
const countField = (what: string, max: number) => z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= max, { error: (i) => `must be a whole number of ${what} from 1 to ${max} (got ${i.input})` });

/**
 * Real-scale training on a GPU cluster (a train job with scale or recipe): DataComp's train.py at a
 * scale, or MetaCLIP's open_clip recipe. Paths not given come from METACURATE_DATACOMP_* (see clusterTrain).
 */
export const clusterTrainFields = {
  scale: z.enum(DATACOMP_SCALES, { error: (i) => `must be one of ${DATACOMP_SCALES.join(", ")} (DataComp's scales; got ${JSON.stringify(i.input)})` }).optional(),
  recipe: z.enum(METACLIP_RECIPES, { error: (i) => `must be ${METACLIP_RECIPES.join(" or ")} (got ${JSON.stringify(i.input)})` }).optional(),
  "datacomp-dir": clusterPath.optional(),
  "open-clip-dir": clusterPath.optional(),
  // a leading "-" would make `conda activate` read the name as an option
  "conda-env": z.string().regex(/^[A-Za-z0-9_.\/][A-Za-z0-9_.\/-]{0,255}$/, { error: (i) => `must be a conda environment name or path: letters, digits, _ . / -, not starting with "-" (got ${JSON.stringify(String(i.input)).slice(0, 80)})` }).optional(),
  shards: clusterPath.optional(),
  "eval-data": clusterPath.optional(),
  "work-dir": clusterPath.optional(),
  "gpus-per-node": countField("GPUs", 64).optional(),
  nodes: countField("nodes", 4096).optional(),
  "data-workers": countField("data loader workers", 64).optional(),
};

/** The embedded trainer's own flags: refused beside scale or recipe, whose hyperparameters are fixed. */
export const EMBEDDED_ONLY = ["subset", "samples-seen", "tower", "batch", "lr", "max-seconds", "eval-task", "images-from"] as const;

export function clusterTrainRules(o: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (o.scale !== undefined && o.recipe !== undefined) ctx.addIssue({ code: "custom", path: ["recipe"], message: "give scale (DataComp) or recipe (MetaCLIP), not both" });
  const cluster = o.scale !== undefined || o.recipe !== undefined;
  if (cluster) {
    for (const k of EMBEDDED_ONLY) if (o[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: `is the embedded trainer's; ${o.scale !== undefined ? `DataComp's ${o.scale} scale` : `the ${o.recipe} recipe`} fixes the training (it trains the curated subset.npy)` });
  } else {
    for (const k of Object.keys(clusterTrainFields)) if (k !== "scale" && k !== "recipe" && o[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: "is for cluster training: give scale or recipe with it" });
  }
}

export const trainOptions = z.strictObject({
  workspace: pathField,
  subset: z.enum(["raw", "matched", "curated"], { error: (i) => `must be raw, matched or curated (got ${JSON.stringify(i.input)})` }).optional(),
  "samples-seen": samplesSeenField.optional(),
  seed: seedField.optional(),
  out: pathField,
  tower: z.enum(["mlp", "cnn"], { error: (i) => `must be mlp or cnn (got ${JSON.stringify(i.input)})` }).optional(),
  batch: positiveInt("pairs").refine((n) => n <= 8192, { error: (i) => `must be at most 8192 (got ${i.input})` }).optional(),
  lr: z.number().refine((x) => Number.isFinite(x) && x > 0 && x <= 1, { error: (i) => `must be a number in (0, 1] (got ${i.input})` }).optional(),
  "max-seconds": z.number().refine((x) => Number.isFinite(x) && x > 0, { error: (i) => `must be a positive number of seconds (got ${i.input})` }).optional(),
  "eval-task": pathField.optional(),
  "images-from": pathField.optional(),
  progress: progressField.optional(),
  ...clusterTrainFields,
  "data-dir": pathField.optional(),
  executor: z.enum(["local", "slurm"], { error: (i) => `must be local or slurm (got ${JSON.stringify(i.input)})` }).optional(),
  wait: z.boolean().optional(),
}).superRefine(clusterTrainRules);

/** `score`: a pool scored with a trained tiny CLIP (lib/train/score.ts). */
/** `metacurate columns`: the filter panel's per-row columns of a workspace. */
export const columnsOptions = z.strictObject({
  workspace: pathField,
  pool: z.array(pathField).min(1, { error: "needs at least one parquet file" }).optional(),
  lid: z.array(z.enum(["fasttext", "cld3", "none"], { error: (i) => `must be fasttext, cld3 or none (got ${JSON.stringify(i.input)})` })).min(1)
    .refine((l) => !(l.includes("none") && l.length > 1), { error: "none identifies no language: give it alone" }).optional(),
  "score-col": z.array(columnField).min(1).optional(),
  "width-col": columnField.optional(),
  "height-col": columnField.optional(),
  "memory-limit": memoryLimitField.optional(),
  progress: progressField.optional(),
});

export const scoreOptions = z.strictObject({
  run: pathField,
  pool: z.array(pathField).min(1, { error: "needs at least one parquet file" }),
  out: pathField,
  "images-from": pathField.optional(),
  "text-col": columnField.optional(),
  "url-col": columnField.optional(),
  "uid-col": columnField.optional(),
  "memory-limit": memoryLimitField.optional(),
  progress: progressField.optional(),
});

export const evalOptions = z.strictObject({
  run: pathField,
  "eval-task": pathField.optional(),
  out: pathField.optional(),
  progress: progressField.optional(),
});

export const demoOptions = z.strictObject({
  out: pathField.optional(),
  rows: z.number().refine((n) => Number.isInteger(n) && n >= 100, { error: (i) => `must be an integer >= 100 (got ${i.input})` }).optional(),
  webdataset: z.boolean().optional(),
  worldwide: z.boolean().optional(),
  experiment: z.boolean().optional(),
  seeds: z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 20, { error: (i) => `must be a whole number from 1 to 20 (got ${i.input})` }).optional(),
  passes: z.number().refine((x) => Number.isFinite(x) && x > 0 && x <= 100, { error: (i) => `must be a number of passes in (0, 100] (got ${i.input})` }).optional(),
  progress: progressField.optional(),
});

export const serveOptions = z.strictObject({
  "data-dir": pathField.optional(),
  port: z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 65535, { error: (i) => `must be an integer from 1 to 65535 (got ${i.input})` }).optional(),
  host: z.string().min(1).optional(),
  rebuild: z.boolean().optional(),
  "pools-dir": z.array(pathField).optional(),
});

/**
 * `job submit`'s paths: its data directory becomes part of the Slurm scripts, so it is a path like any
 * other (one line). Its other flags pass through as parsed (the executor is checked when submitting).
 */
export const jobSubmitOptions = z.looseObject({
  "data-dir": pathField,
  spec: pathField,
  "pools-dir": z.array(pathField).optional(),
});

export type MatchFlags = z.infer<typeof matchOptions>;
export type CurateFlags = z.infer<typeof curateOptions>;
export type BalanceFlags = z.infer<typeof balanceOptions>;
export type FilterFlags = z.infer<typeof filterOptions>;
export type StatsFlags = z.infer<typeof statsOptions>;
export type DemoFlags = z.infer<typeof demoOptions>;
export type ServeFlags = z.infer<typeof serveOptions>;
