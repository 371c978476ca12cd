/**
 * `metacurate train`: a tiny CLIP trained on a workspace's raw, matched or curated pairs for a fixed
 * number of samples seen, then evaluated zero-shot on the workspace's labelled test set. Writes a run
 * folder atomically: eval_results.jsonl (DataComp's format), run.json (inputs, their hashes, t, seed,
 * sizes, samples seen and passes, hyperparameters, losses, timings), model.json and weights.bin.
 * SIGTERM (a cancel) stops between steps and leaves no run folder behind. Node only.
 */
import { poolFilter, poolHash, type PoolFilterRecord } from "../workspace/poolOrigin";
import { curationHash } from "../workspace/curationHash";
import { stageTimer } from "../util/stageTimer";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError, UsageError } from "../errors";
import { pausePoint } from "../util/pausePoint";
import { StagedOutput } from "../util/stagedOutput";
import { readManifest } from "../workspace/artifacts";
import { TOOL_VERSION } from "../workspace/manifest";
import { evaluateZeroShot, type EvalLine } from "./evaluate";
import { EVAL_TASK_FILE, loadEvalTask, readEvalTaskSpec } from "./evalTask";
import type { Tower } from "./model";
import { loadPairs, poolClassCounts, type Subset } from "./pairs";
import { Vocab } from "./text";
import { loadTf, type Backend } from "./tf";
import { trainModel, type TrainResult } from "./trainLoop";

export interface TrainRunOptions {
  workspace: string;
  subset: Subset;
  samplesSeen: number;
  seed: number;
  out: string;
  tower: Tower;
  batch: number;
  lr: number;
  /** Stop training after this many seconds (the run says it stopped early). */
  maxSeconds?: number;
  /** The labelled test set's declaration (default: WORKSPACE/source/eval.json). */
  evalTask?: string;
  /** The workspace whose files and tar shards hold the images (default: the workspace; another balance of the same pool shares its images). */
  imagesFrom?: string;
  backend?: Backend;
  /** Stops the run between steps, as SIGTERM does (the CLI aborts it when its output pipe closes); the run throws the signal's reason. */
  signal?: AbortSignal;
  onStage?: (stage: string) => void;
  onProgress?: (done: number, total: number, extra?: { loss?: number; eta?: number; unit?: string }) => void;
}

export const TRAIN_DEFAULTS = { tower: "mlp" as Tower, batch: 256, lr: 2e-3, seed: 0 };

export interface RunRecord {
  tool: "metacurate";
  version: string;
  kind: "train";
  workspace: string;
  workspace_manifest_sha256: string;
  /** The pairs trained on, whatever folder holds them (lib/workspace/curationHash.ts): equal for a rerun. */
  curation_sha256: string;
  /** The pool's files' sha256 as one hash (runs on different pools are never one sweep). */
  pool_sha256: string;
  /** The DataComp filter that made the pool (its filtered.parquet), or null. */
  pool_filter: PoolFilterRecord | null;
  metadata_hash: string;
  /** A worldwide workspace's metadata languages (MetaCLIP 2: t is English's), or null for one list. */
  languages: string[] | null;
  subset: Subset;
  /** Rows of the subset, pairs trained on (rows with a readable image), rows without one. */
  subset_rows: number;
  subset_size: number;
  images_missing: number;
  /** Balancing of the workspace (null when it was never balanced). */
  t: number | null;
  tail_share: number | null;
  balance_seed: number | null;
  seed: number;
  samples_seen: number;
  samples_seen_planned: number;
  /** samples seen ÷ subset size: how many times each pair was seen on average. */
  passes: number;
  tower: Tower;
  batch: number;
  lr: number;
  steps: number;
  stopped_early: string | null;
  vocab_size: number;
  /** How captions became words (lib/train/text): ICU's version decides how unspaced scripts are cut. */
  tokenizer?: string;
  backend: Backend;
  eval_task: { file: string; key: string; dataset: string; sha256: string };
  head_classes: number[];
  /** The eval task's classes: name and rows of the raw pool (null when the pool has no class column). */
  classes: { id: number; name: string; pool_rows: number | null }[];
  losses: { step: number; loss: number }[];
  eval: EvalLine;
  weights_sha256: string;
  samples_per_second: number;
  timings_ms: Record<string, number>;
}

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** A stopped run ends before its commit (its staging is removed): a SIGTERM as a cancel, an aborted signal with its reason. */
function throwIfStopped(sigterm: boolean, signal: AbortSignal | undefined): void {
  if (sigterm) throw new UsageError("cancelled (SIGTERM) while training; no run was written");
  signal?.throwIfAborted();
}

export async function runTrain(opts: TrainRunOptions): Promise<RunRecord> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const workspace = path.resolve(opts.workspace);
  const manifest = await readManifest(workspace);
  const manifestText = await readFile(path.join(workspace, "manifest.json"));
  const imagesFrom = path.resolve(opts.imagesFrom ?? workspace);
  const taskFile = path.resolve(opts.evalTask ?? path.join(imagesFrom, EVAL_TASK_FILE));
  readEvalTaskSpec(taskFile); // a workspace without a labelled test set is named before any work
  if (opts.subset === "curated" && !manifest.balance) throw new InputError(`${opts.workspace} is not balanced yet (no curated set): run "metacurate balance" on it, or train on --subset raw or matched`);
  let stop = false;
  const onTerm = () => { stop = true; };
  const stopped = () => stop || opts.signal?.aborted === true;
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onTerm);
  const out = await StagedOutput.open(opts.out, { inputs: [{ flag: "workspace", path: path.join(workspace, "manifest.json") }, { flag: "eval-task", path: taskFile }], kind: "run" });
  try {
    const time = stageTimer(timings, opts.onStage);
    const task = await time("load_test_set_ms", () => loadEvalTask(taskFile));
    const pairs = await time("load_pairs_ms", () => loadPairs(workspace, manifest, opts.subset, imagesFrom, (d, t) => opts.onProgress?.(d, t, { unit: "images" })));
    await pausePoint("train:loaded");
    const vocab = Vocab.build(pairs.texts, [...task.prompts, ...task.languages.flatMap((l) => l.prompts)]);
    const tokens = pairs.texts.map((t) => vocab.encode(t));
    const backend = opts.backend ?? "wasm";
    const tf = await loadTf(backend);
    opts.onStage?.("train");
    const trainStarted = performance.now();
    const result: TrainResult = await trainModel(tf, { n: pairs.n, pixels: pairs.pixels, tokens, vocabSize: vocab.size }, {
      tower: opts.tower, batch: opts.batch, lr: opts.lr, samplesSeen: opts.samplesSeen, seed: opts.seed,
      wallCapMs: opts.maxSeconds !== undefined ? opts.maxSeconds * 1000 : undefined,
      shouldStop: stopped,
      onProgress: (step, steps, loss) => {
        const elapsed = (performance.now() - trainStarted) / 1000, batch = Math.min(opts.batch, pairs.n);
        // done and total in samples, so the progress line's rate is samples/s
        opts.onProgress?.(step * batch, steps * batch, { loss, eta: (elapsed / step) * (steps - step), unit: "samples" });
      },
    });
    timings.train_ms = Math.round(result.trainMs);
    throwIfStopped(stop, opts.signal);
    try {
      const counts = await poolClassCounts(manifest, task.spec.class_column ?? "label", task.spec.classes.length);
      // head: the more frequent half of the classes in the raw pool (ties by class id)
      const head = counts ? [...counts.keys()].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, Math.floor(counts.length / 2)).sort((a, b) => a - b) : [];
      const line = await time("eval_ms", () => evaluateZeroShot(tf, result.model, vocab, task, head));
      const saved = await result.model.save();
      const weights = Buffer.concat(saved.params.map((p) => Buffer.from(p.values.buffer, p.values.byteOffset, p.values.byteLength)));
      const model = { tower: saved.tower, vocab: vocab.words, image: { side: 28, grey: true, mean: 0.286, std: 0.353 }, params: saved.params.map((p) => ({ name: p.name, shape: p.shape })) };
      timings.total_ms = Math.round(performance.now() - started);
      const b = manifest.balance;
      const record: RunRecord = {
        tool: "metacurate", version: TOOL_VERSION, kind: "train",
        workspace, workspace_manifest_sha256: sha256(manifestText), curation_sha256: curationHash(manifest, opts.subset),
        pool_sha256: poolHash(manifest), pool_filter: await poolFilter(manifest), metadata_hash: manifest.match.metadata.metadataHash,
        languages: manifest.match.languages?.map((l) => l.lang) ?? null, subset: opts.subset, subset_rows: pairs.rows, subset_size: pairs.n, images_missing: pairs.missing,
        t: b?.t ?? null, tail_share: b?.tail_share ?? null, balance_seed: b?.seed ?? null,
        seed: opts.seed, samples_seen: result.samplesSeen, samples_seen_planned: result.stepsPlanned * result.batch,
        passes: result.samplesSeen / pairs.n, tower: opts.tower, batch: result.batch, lr: opts.lr, steps: result.steps,
        stopped_early: result.stoppedByCap ? `the wall-clock cap of ${opts.maxSeconds} s` : null,
        vocab_size: vocab.size, tokenizer: `unicode words; no-space scripts by ICU ${process.versions.icu ?? "?"} word segmentation`, backend,
        eval_task: { file: taskFile, key: task.spec.key, dataset: task.spec.dataset, sha256: sha256(await readFile(taskFile)) },
        head_classes: head, classes: task.spec.classes.map((name, id) => ({ id, name, pool_rows: counts ? counts[id] : null })), losses: result.losses, eval: line, weights_sha256: sha256(weights),
        samples_per_second: Math.round(result.samplesSeen / Math.max(0.001, result.trainMs / 1000)), timings_ms: timings,
      };
      await out.writeJson("run.json", record);
      await out.writeJson("model.json", model);
      await writeFile(out.file("eval_results.jsonl"), JSON.stringify(line) + "\n");
      await writeFile(out.file("weights.bin"), weights);
      throwIfStopped(stop, opts.signal);
      await out.commit(["weights.bin", "model.json", "eval_results.jsonl", "run.json"]);
      return record;
    } finally {
      result.model.dispose();
    }
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onTerm);
  }
}
