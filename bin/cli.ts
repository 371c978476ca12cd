/** The metacurate command line: match | balance | curate | filter | stats | train | … */
import { InputError, UserError, UsageError, diskFullError, firstLine, isDiskFull } from "../lib/errors";
import type { BalanceOptions } from "../lib/pipeline/balance";
import type { Manifest } from "../lib/workspace/manifest";
import type { FilterManifest } from "../lib/pipeline/filter";
import type { FilterName, LidEngine } from "../lib/filters/rules";
import type { MatchOptions } from "../lib/pipeline/match";
import { defaultWorkers } from "../lib/pipeline/workers";
import { defaultMemoryLimitGb, MIN_MEMORY_LIMIT_GB } from "../lib/pipeline/stagedRun";
import { MAX_MEMORY_LIMIT_GB } from "../lib/options/fields";
import type { Stats } from "../lib/pipeline/stats";
import { TOOL_VERSION } from "../lib/workspace/manifest";
import { matchedShare, matchedShareNote } from "../lib/curation/matchedShare";
import { flagHelp, parseFlags, type FlagSpec, type ParsedFlags } from "./args";
import type { ZodType } from "zod";
import * as options from "../lib/options/commands";
import { parseOptions } from "../lib/options/validate";
import { Progress, PROGRESS_MODES, type ProgressMode } from "./progress";
import { PIPE_CLOSED_EXIT, watchClosedPipes } from "./closedPipes";
import { mkdirSync, existsSync } from "node:fs";
import path from "node:path";

const progressFlag: FlagSpec = { kind: "string", value: "MODE", help: "progress on stderr: bar (on a terminal; the default), json (one {step, done, total, rate} object per line) or none" };
const poolFlags: Record<string, FlagSpec> = {
  metadata: { kind: "string", value: "FILE", required: true, help: "metadata: MetaCLIP metadata.json, .txt (one entry per line) or .parquet; or MetaCLIP 2's folder of {lang}.json lists (worldwide: needs --lang-col or --lid)" },
  pool: { kind: "strings", value: "FILE [FILE...]", required: true, help: "pool parquet file(s), LAION (URL, TEXT) or DataComp (uid, url, text) style" },
  out: { kind: "string", value: "DIR", required: true, help: "output folder (created if missing; written atomically)" },
  "text-col": { kind: "string", value: "C", help: "caption column (default: text, TEXT or caption)" },
  "url-col": { kind: "string", value: "C", help: "url column (default: url or URL, if present)" },
  "uid-col": { kind: "string", value: "C", help: "uid column (default: uid if present, else derived: md5(url \\t text))" },
  "lang-col": { kind: "string", value: "C", help: "worldwide: each caption's language, a metadata language or \"other\" (matches nothing)" },
  lid: { kind: "string", value: "ENGINE", help: "worldwide, instead of --lang-col: each caption's language by fasttext (lid.176.ftz) or cld3, shipped in their packages; written per row to languages.parquet" },
  "lid-map": { kind: "string", value: "FILE", help: "worldwide: a JSON object from --lang-col's or --lid's labels to metadata languages; unmapped labels and nulls go to \"other\"" },
  "skip-null-text": { kind: "boolean", help: "skip rows with a null caption (default: refuse such a pool)" },
  workers: { kind: "number", value: "N", help: `matching threads (default: all cores, here ${defaultWorkers()})` },
  "memory-limit": memoryFlag(),
  progress: progressFlag,
};
const balanceFlags: Record<string, FlagSpec> = {
  t: { kind: "number", value: "N", help: "balancing threshold t >= 1 (MetaCLIP 400M: 20000)" },
  p: { kind: "number", value: "X", help: "or: the tail share of matches in [0, 1]; t = p_to_t(counts, p)" },
  "target-size": { kind: "number", value: "N", help: "or: the curated size to reach; t = the integer whose exact expected size is closest to N" },
  seed: { kind: "number", value: "S", help: "seed of the keep draw, integer 0..4294967295 (default 0)" },
};
const help: FlagSpec = { kind: "boolean", help: "show this help" };
function memoryFlag(): FlagSpec {
  return { kind: "number", value: "GB", help: `memory DuckDB may hold before it spills to the output's staging folder, from ${MIN_MEMORY_LIMIT_GB} to ${MAX_MEMORY_LIMIT_GB} (1 TB) (default: a quarter of RAM, 1 to 8 GB; here ${defaultMemoryLimitGb()})` };
}

/** A command: its flags (how argv is read), the schema its options validate through (lib/options), what it runs. */
interface Command {
  summary: string;
  flags: Record<string, FlagSpec>;
  /** A job id before the flags (job show ID …). */
  takesId?: boolean;
  /** The flag (kind "strings") that takes the arguments before the first flag (evals summary DIR…). */
  positional?: string;
  schema?: ZodType;
  run: (f: ParsedFlags, p: Progress) => Promise<void | number>;
}

/** `train --scale|--recipe`: the field's real training, submitted as a job to a GPU cluster. */
const clusterTrainFlags: Record<string, FlagSpec> = {
  scale: { kind: "string", value: "S", help: "train on a GPU cluster with DataComp's train.py at this scale: small, medium, large or xlarge (its fixed hyperparameters); submits a job" },
  recipe: { kind: "string", value: "R", help: "or MetaCLIP's open_clip recipe: metaclip-b32-400m (ViT-B-32-quickgelu, batch 32768, 12.8B seen)" },
  "data-dir": { kind: "string", value: "DIR", help: "with --scale/--recipe: the data directory; --workspace and --out are names in it" },
  executor: { kind: "string", value: "E", help: "with --scale/--recipe: slurm (default) or local (GPUs of this machine)" },
  wait: { kind: "boolean", help: "with --scale/--recipe: follow the job to its end" },
  "datacomp-dir": { kind: "string", value: "DIR", help: "the DataComp checkout on the cluster (default $METACURATE_DATACOMP_DIR)" },
  "open-clip-dir": { kind: "string", value: "DIR", help: "an open_clip checkout, for --recipe (default $METACURATE_OPENCLIP_DIR)" },
  "conda-env": { kind: "string", value: "ENV", help: "conda env the scripts activate (default $METACURATE_DATACOMP_CONDA_ENV; none: the shell's python)" },
  shards: { kind: "string", value: "DIR", help: "the pool's webdataset shards (default $METACURATE_DATACOMP_SHARDS)" },
  "eval-data": { kind: "string", value: "DIR", help: "downloaded eval datasets for evaluate.py --data_dir (default $METACURATE_DATACOMP_EVAL_DATA)" },
  "work-dir": { kind: "string", value: "DIR", help: "scratch for resharded data, checkpoints and results (default $METACURATE_DATACOMP_WORK_DIR, else the job's folder)" },
  "gpus-per-node": { kind: "number", value: "G", help: "GPUs per node (default $METACURATE_DATACOMP_GPUS_PER_NODE, else 8)" },
  nodes: { kind: "number", value: "N", help: "nodes (default $METACURATE_DATACOMP_NODES, else 1)" },
  "data-workers": { kind: "number", value: "N", help: "data loader workers per GPU (default 4)" },
};

async function submitClusterTrain(f: ParsedFlags): Promise<number> {
  const job = await import("./job");
  const { "data-dir": dataDir, executor, wait, progress: _p, ...rest } = f;
  return job.submitSpec(job.jobStore(dataDir as string | undefined), { kind: "train", ...rest }, (executor as string | undefined) ?? "slurm", [], wait === true);
}

const dataDirFlag: FlagSpec = { kind: "string", value: "DIR", required: true, help: "the data directory (folder of workspaces; jobs live in DIR/.jobs)" };
const jsonFlag: FlagSpec = { kind: "boolean", help: "print JSON" };
const idFlag: FlagSpec = { kind: "string", value: "ID", required: true, help: "the job id" };

const commands: Record<string, Command> = {
  match: {
    summary: "match a pool against metadata: matches, entry counts, size curve, manifest",
    flags: { ...poolFlags, shard: { kind: "string", value: "I/S", help: "match only shard I (0-based) of S of the pool, split between files or row groups (a sharded job's step; see reduce, merge)" },
      "tables-cache": { kind: "string", value: "DIR", help: "keep the built matcher tables in DIR and reuse them on the same metadata (a sharded job's match tasks build them once)" }, help },
    schema: options.matchOptions,
    run: async (f, progress) => printManifest(await (await import("../lib/pipeline/match")).runMatch(f.out as string, { ...matchOptions(f), ...progressHooks(progress) })),
  },
  balance: {
    summary: "balance a matched workspace at t (or p): curated.parquet and subset.npy",
    flags: {
      in: { kind: "string", value: "DIR", required: true, help: "a folder written by match or curate" },
      ...balanceFlags,
      out: { kind: "string", value: "DIR", help: "output folder (default: the --in folder)" },
      reduced: { kind: "string", value: "DIR", help: "balance a match shard at the t and seed of this reduce folder, with the whole pool's counts (a sharded job's step)" },
      "memory-limit": memoryFlag(),
      progress: progressFlag,
      help,
    },
    schema: options.balanceOptions,
    run: async (f, progress) => printManifest(await (await import("../lib/pipeline/balance")).runBalance(f.in as string, f.out as string | undefined, { ...balanceOptions(f), reduced: f.reduced as string | undefined, ...progressHooks(progress) })),
  },
  reduce: {
    summary: "sharded step 2: sum the match shards' counts; the pool's entry counts, exact size curve and t",
    flags: {
      shards: { kind: "strings", value: "DIR [DIR...]", required: true, help: "the folders of match --shard 0/S … S-1/S, in order" },
      out: { kind: "string", value: "DIR", required: true, help: "output folder: entry_counts.parquet, size_curve.parquet, manifest.json (with the resolved t)" },
      ...balanceFlags,
      "memory-limit": memoryFlag(),
      progress: progressFlag,
      help,
    },
    schema: options.reduceOptions,
    run: async (f, progress) => {
      const m = await (await import("../lib/pipeline/reduce")).runReduce(f.shards as string[], f.out as string, { ...balanceOptions(f), ...progressHooks(progress) });
      progress.done();
      process.stdout.write(`reduced   ${m.reduce!.shards.length} shards, ${m.match.rows_read.toLocaleString("en")} rows, ${m.reduce!.rows_matched.toLocaleString("en")} matched; t = ${m.reduce!.t}, expected size ${m.reduce!.expected_size.toFixed(1)}\noutput    ${f.out}\n`);
    },
  },
  merge: {
    summary: "sharded step 4: the balanced shards and the reduce → one workspace, as one curate writes it",
    flags: {
      shards: { kind: "strings", value: "DIR [DIR...]", required: true, help: "the shards balanced with balance --reduced, in order" },
      reduced: { kind: "string", value: "DIR", required: true, help: "the reduce folder" },
      out: { kind: "string", value: "DIR", required: true, help: "the workspace to write" },
      "memory-limit": memoryFlag(),
      progress: progressFlag,
      help,
    },
    schema: options.mergeOptions,
    run: async (f, progress) => printManifest(await (await import("../lib/pipeline/merge")).runMerge(f.shards as string[], f.reduced as string, f.out as string, { memoryLimitGb: f["memory-limit"] as number | undefined, ...progressHooks(progress) })),
  },
  curate: {
    summary: "match then balance, into one folder",
    flags: { ...poolFlags, ...balanceFlags, help },
    schema: options.curateOptions,
    run: async (f, progress) => printManifest(await (await import("../lib/pipeline/curate")).runCurate(f.out as string, { ...matchOptions(f), ...balanceOptions(f), ...progressHooks(progress) })),
  },
  filter: {
    summary: "one of DataComp's baseline filters over a pool: subset.npy, filtered.parquet (every pool column), rows removed by each condition",
    flags: {
      pool: poolFlags.pool,
      out: poolFlags.out,
      name: { kind: "string", value: "NAME", required: true, help: "no_filter, basic_filter (English by fastText, > 2 words, > 5 characters, min side >= 200 px, aspect <= 3), clip_score (--threshold X or --fraction F) or laion2b (English by CLD3 and CLIP B/32 score >= 0.28)" },
      arch: { kind: "string", value: "A", help: "clip_score, laion2b: the score column clip_b32_similarity_score (b32, the default) or clip_l14_similarity_score (l14)" },
      "score-col": { kind: "string", value: "C", help: "or any numeric score column (e.g. tiny_clip_similarity_score)" },
      threshold: { kind: "number", value: "X", help: "keep score >= X (clip_score; laion2b's default 0.28)" },
      fraction: { kind: "number", value: "F", help: "clip_score: keep the top F of the whole pool by score, in (0, 1): score >= the score at position floor(N * F) sorted descending, ties kept (DataComp's rule)" },
      "min-words": { kind: "number", value: "N", help: "basic_filter: keep len(text.split()) > N (default 2)" },
      "min-chars": { kind: "number", value: "N", help: "basic_filter: keep len(text) > N, in code points (default 5)" },
      "min-side": { kind: "number", value: "PX", help: "basic_filter: keep min(width, height) >= PX (default 200)" },
      "max-aspect": { kind: "number", value: "R", help: "basic_filter: keep max(width, height) / min(width, height) <= R (default 3)" },
      lid: { kind: "string", value: "E", help: "language identification: fasttext (basic_filter's default), cld3 (laion2b's default) or none (no language condition)" },
      "text-col": poolFlags["text-col"],
      "url-col": poolFlags["url-col"],
      "uid-col": poolFlags["uid-col"],
      "width-col": { kind: "string", value: "C", help: "image width column (default original_width)" },
      "height-col": { kind: "string", value: "C", help: "image height column (default original_height)" },
      "memory-limit": memoryFlag(),
      progress: progressFlag,
      help,
    },
    schema: options.filterOptions,
    run: async (f, progress) => printFilter(await (await import("../lib/pipeline/filter")).runFilter(f.out as string, {
      pool: f.pool as string[], name: f.name as FilterName, arch: f.arch as "b32" | "l14" | undefined, scoreCol: f["score-col"] as string | undefined,
      threshold: f.threshold as number | undefined, fraction: f.fraction as number | undefined, minWords: f["min-words"] as number | undefined,
      minChars: f["min-chars"] as number | undefined, minSide: f["min-side"] as number | undefined, maxAspect: f["max-aspect"] as number | undefined,
      lid: f.lid as LidEngine | undefined, memoryLimitGb: f["memory-limit"] as number | undefined,
      columns: { text: f["text-col"] as string | undefined, url: f["url-col"] as string | undefined, uid: f["uid-col"] as string | undefined, width: f["width-col"] as string | undefined, height: f["height-col"] as string | undefined },
      ...progressHooks(progress),
    })),
  },
  columns: {
    summary: "a workspace's per-row filter columns (filter_columns.parquet) for the dashboard's filter panel: caption words and characters, image sizes, score columns, language per row",
    flags: {
      workspace: { kind: "string", value: "DIR", required: true, help: "the workspace (a new generation of it gets filter_columns.parquet beside its files)" },
      pool: { kind: "strings", value: "FILE [FILE...]", help: "read these files instead of the pool the workspace records: the same rows in the same order, e.g. with a score column added by metacurate score" },
      lid: { kind: "strings", value: "E [E...]", help: "language identifiers to run on every caption: fasttext (basic_filter's) and cld3 (laion2b's), the default both; none for no language" },
      "score-col": { kind: "strings", value: "C [C...]", help: "more score columns (every numeric column whose name ends in _score is taken)" },
      "width-col": { kind: "string", value: "C", help: "image width column (default original_width, when the pool has it)" },
      "height-col": { kind: "string", value: "C", help: "image height column (default original_height, when the pool has it)" },
      "memory-limit": memoryFlag(),
      progress: progressFlag,
      help,
    },
    schema: options.columnsOptions,
    run: async (f, progress) => {
      const lid = (f.lid as string[] | undefined) ?? ["fasttext", "cld3"];
      const m = await (await import("../lib/pipeline/columns")).runColumns(f.workspace as string, {
        pool: f.pool as string[] | undefined, lid: lid.filter((l): l is "fasttext" | "cld3" => l !== "none"),
        scoreCols: f["score-col"] as string[] | undefined, columns: { width: f["width-col"] as string | undefined, height: f["height-col"] as string | undefined },
        memoryLimitGb: f["memory-limit"] as number | undefined, ...progressHooks(progress),
      });
      const c = m.filter_columns!;
      process.stdout.write([
        `columns   ${c.rows.toLocaleString("en")} rows: caption words and characters${c.size_columns ? `, original_width / original_height (from ${c.size_columns.width}, ${c.size_columns.height})` : ", no image sizes"}`,
        `scores    ${c.score_columns.length ? c.score_columns.join(", ") : "none"}`,
        `language  ${c.language_ids.length ? c.language_ids.map((l) => l.model).join("; ") : "none"}`,
        `written   ${f.workspace as string}/filter_columns.parquet (${c.timings_ms.total_ms} ms)`,
      ].join("\n") + "\n");
    },
  },
  score: {
    summary: "score a pool with a trained tiny CLIP: scored.parquet, every pool column and tiny_clip_similarity_score (the cosine of image and caption), for filter --name clip_score --score-col",
    flags: {
      run: { kind: "string", value: "DIR", required: true, help: "a run folder written by train (run.json, model.json, weights.bin)" },
      pool: poolFlags.pool,
      out: poolFlags.out,
      "images-from": { kind: "string", value: "DIR", help: "the folder holding the pool's images (files its urls name, or webdataset tar shards); default: the run's workspace" },
      "text-col": poolFlags["text-col"],
      "url-col": poolFlags["url-col"],
      "uid-col": poolFlags["uid-col"],
      "memory-limit": memoryFlag(),
      progress: progressFlag,
      help,
    },
    schema: options.scoreOptions,
    run: async (f, progress) => {
      const m = await (await import("../lib/train/score")).runScore(f.out as string, {
        run: f.run as string, pool: f.pool as string[], imagesFrom: f["images-from"] as string | undefined, memoryLimitGb: f["memory-limit"] as number | undefined,
        columns: { text: f["text-col"] as string | undefined, url: f["url-col"] as string | undefined, uid: f["uid-col"] as string | undefined },
        ...progressHooks(progress),
      });
      const sc = m.score;
      process.stdout.write(`scored    ${sc.rows_scored.toLocaleString("en")} of ${sc.rows.toLocaleString("en")} rows (${sc.rows_without_image.toLocaleString("en")} without an image, ${sc.rows_null_text.toLocaleString("en")} without a caption: null)\ncolumn    ${sc.column} in ${f.out as string}/scored.parquet\n`);
    },
  },
  train: {
    summary: "train a tiny CLIP on a workspace's raw, matched or curated pairs, then evaluate it zero-shot: eval_results.jsonl, run.json",
    flags: {
      workspace: { kind: "string", value: "DIR", required: true, help: "the workspace whose pairs to train on (its images: files in it, or its tar shards)" },
      subset: { kind: "string", value: "S", help: "raw (every pool row), matched (rows with a match) or curated (curated.parquet; the default)" },
      "samples-seen": { kind: "number", value: "N", help: "pairs to train on, counted with repeats (DataComp fixes this, not epochs; default: twice the raw pool's rows)" },
      seed: { kind: "number", value: "S", help: "seed of the weights and the batch order (default 0)" },
      out: { kind: "string", value: "DIR", required: true, help: "the run folder (written atomically): eval_results.jsonl, run.json, model.json, weights.bin" },
      tower: { kind: "string", value: "T", help: "image tower: mlp (default; 784-256-64) or cnn (two 3x3/2 convs)" },
      batch: { kind: "number", value: "N", help: "batch size (default 256; capped at the subset's size)" },
      lr: { kind: "number", value: "X", help: "Adam's learning rate (default 0.002)" },
      "max-seconds": { kind: "number", value: "N", help: "stop training after N seconds (the run records that it stopped early)" },
      "eval-task": { kind: "string", value: "FILE", help: "the labelled test set's declaration (default: IMAGES/source/eval.json, which the demo writes)" },
      "images-from": { kind: "string", value: "DIR", help: "the workspace holding the images (default: --workspace; e.g. the demo, for another balance of its pool)" },
      progress: progressFlag,
      ...clusterTrainFlags,
      help,
    },
    schema: options.trainOptions,
    run: async (f, progress) => {
      if (f.scale !== undefined || f.recipe !== undefined) return submitClusterTrain(f);
      const { runTrain, TRAIN_DEFAULTS } = await import("../lib/train/runTrain");
      const { readManifest } = await import("../lib/workspace/artifacts");
      const workspace = f.workspace as string;
      const samplesSeen = (f["samples-seen"] as number | undefined) ?? 2 * (await readManifest(workspace)).match.rows_read;
      const run = await runTrain({
        workspace, subset: ((f.subset as string | undefined) ?? "curated") as "raw" | "matched" | "curated", samplesSeen, seed: (f.seed as number | undefined) ?? TRAIN_DEFAULTS.seed,
        out: f.out as string, tower: ((f.tower as string | undefined) ?? TRAIN_DEFAULTS.tower) as "mlp" | "cnn", batch: (f.batch as number | undefined) ?? TRAIN_DEFAULTS.batch,
        lr: (f.lr as number | undefined) ?? TRAIN_DEFAULTS.lr, maxSeconds: f["max-seconds"] as number | undefined, evalTask: f["eval-task"] as string | undefined, imagesFrom: f["images-from"] as string | undefined,
        onStage: (s) => progress.setStage(s), onProgress: (d, t, extra) => progress.update(d, t, extra),
        // a closed stdout or stderr stops the run as a cancel does: no staging folder is left
        signal: watchClosedPipes().signal,
      });
      progress.done();
      const m = run.eval.metrics;
      const pct = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);
      process.stdout.write([
        `trained   ${run.tower} on ${run.subset_size.toLocaleString("en")} ${run.subset} pairs${run.t !== null ? ` (t = ${run.t})` : ""}: ${run.samples_seen.toLocaleString("en")} samples seen, ${run.passes.toFixed(2)} passes, ${run.steps} steps, ${run.samples_per_second.toLocaleString("en")} samples/s${run.stopped_early ? `; stopped early at ${run.stopped_early}` : ""}`,
        `loss      ${run.losses[0]?.loss.toFixed(3) ?? "?"} → ${run.losses.at(-1)?.loss.toFixed(3) ?? "?"}`,
        `zero-shot ${run.eval.key}: top-1 ${pct(m.acc1)}, mean per-class recall ${pct(m.mean_per_class_recall)}, head ${pct(m.acc_head)}, tail ${pct(m.acc_tail)}, class-level R@1 ${pct(m["image_text_class_recall@1"])}`,
        `output    ${f.out}`,
      ].join("\n") + "\n");
    },
  },
  eval: {
    summary: "evaluate a training run's model zero-shot again (its own test set, or another): eval_results.jsonl",
    flags: {
      run: { kind: "string", value: "DIR", required: true, help: "a run folder written by train" },
      "eval-task": { kind: "string", value: "FILE", help: "the labelled test set's declaration (default: the one the run was trained with)" },
      out: { kind: "string", value: "DIR", help: "where to write eval_results.jsonl (default: the run folder; a task's earlier line is replaced)" },
      progress: progressFlag,
      help,
    },
    schema: options.evalOptions,
    run: async (f, progress) => {
      const { runEval } = await import("../lib/train/runEval");
      const line = await runEval(f.run as string, { evalTask: f["eval-task"] as string | undefined, out: f.out as string | undefined, onStage: (s) => progress.setStage(s) });
      progress.done();
      process.stdout.write(JSON.stringify(line) + "\n");
    },
  },
  "metadata build": {
    summary: "build metadata from WordNet, corpus unigrams and bigrams (PMI) and Wikipedia titles, as MetaCLIP did",
    flags: {
      out: { kind: "string", value: "DIR", required: true, help: "output folder: metadata.json, metadata.parquet, summary.json" },
      wordnet: { kind: "string", value: "DIR", help: "WordNet database folder (data.noun, data.verb, data.adj, data.adv), e.g. /usr/share/wordnet" },
      unigrams: { kind: "strings", value: "FILE [FILE...]", help: "counts files: word<TAB>count per line (\"w1 w2\" lines are bigram counts)" },
      corpus: { kind: "strings", value: "FILE [FILE...]", help: "raw text files (plain or .gz), counted by the tool" },
      "min-count": { kind: "number", value: "N", help: "keep unigrams with count >= N (default 100, MetaCLIP)" },
      "bigram-pmi": { kind: "number", value: "X", help: "keep bigrams with PMI >= X (MetaCLIP: 30)" },
      "max-bigrams": { kind: "number", value: "K", help: "at most K bigrams, highest PMI first" },
      pageviews: { kind: "strings", value: "FILE [FILE...]", help: "Wikimedia pageviews-*.gz files" },
      project: { kind: "string", value: "P", help: "pageviews project code (default en)" },
      "min-views": { kind: "number", value: "N", help: "keep titles with summed views >= N (default 70, MetaCLIP)" },
      "top-titles": { kind: "number", value: "K", help: "or keep the K most viewed titles" },
      lang: { kind: "string", value: "L", help: "MetaCLIP 2: build language L's list (OUT/L.json) by its rules and caps, from --lemmas, --unigrams/--corpus (segmented into words for languages written without spaces) and --pageviews (every project of L)" },
      lemmas: { kind: "string", value: "FILE", help: "with --lang: the language's WordNet lemmas, one per line (stands in for NLTK's omw-1.4)" },
      progress: progressFlag,
      help,
    },
    run: async (f, progress) => {
      if (f.lang !== undefined) {
        const fixed = ["wordnet", "min-count", "bigram-pmi", "max-bigrams", "project", "min-views", "top-titles"].filter((k) => f[k] !== undefined);
        if (fixed.length > 0) throw new UsageError(`--${fixed[0]} is MetaCLIP 1's; with --lang, MetaCLIP 2's sources and caps apply (--lemmas, --unigrams, --corpus, --pageviews)`);
        const { buildLanguageMetadata } = await import("../lib/metadata/buildLanguage");
        const s = await buildLanguageMetadata(f.out as string, {
          lang: f.lang as string, lemmas: f.lemmas as string | undefined, unigrams: f.unigrams as string[] | undefined, corpus: f.corpus as string[] | undefined,
          pageviews: f.pageviews as string[] | undefined, onStage: (stage) => progress.setStage(stage),
        });
        progress.done();
        const per = Object.entries(s.added).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ");
        const cap = (n: number | null) => (n === null ? "-" : n.toLocaleString("en"));
        process.stdout.write(`metadata  ${s.lang}: ${s.entries.toLocaleString("en")} entries (${per}); caps: unigrams ${cap(s.caps.unigrams)}, bigrams ${cap(s.caps.bigrams)}, titles ${cap(s.caps.titles)}\n`);
        process.stdout.write(`output    ${path.join(f.out as string, `${s.lang}.json`)}\n`);
        return;
      }
      if (f.lemmas !== undefined) throw new UsageError("--lemmas is a language's lemma list: give --lang L too");
      const { buildMetadata } = await import("../lib/metadata/build");
      const summary = await buildMetadata(f.out as string, {
        wordnet: f.wordnet as string | undefined, unigrams: f.unigrams as string[] | undefined, corpus: f.corpus as string[] | undefined,
        minCount: f["min-count"] as number | undefined, bigramPmi: f["bigram-pmi"] as number | undefined, maxBigrams: f["max-bigrams"] as number | undefined,
        pageviews: f.pageviews as string[] | undefined, project: f.project as string | undefined,
        minViews: f["min-views"] as number | undefined, topTitles: f["top-titles"] as number | undefined,
        onStage: (s) => progress.setStage(s),
      });
      progress.done();
      const per = Object.entries(summary.per_source).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ");
      process.stdout.write(`metadata  ${summary.entries.toLocaleString("en")} entries (${per}); dropped ${summary.dropped.empty} empty, ${summary.dropped.punctuation} punctuation\n`);
      process.stdout.write(`output    ${f.out}\n`);
    },
  },
  demo: {
    summary: "build the demo workspace (Fashion-MNIST images, long-tailed alt-text captions, WordNet + synonym metadata), curated at p = 0.06",
    flags: {
      out: { kind: "string", value: "DIR", help: "workspace folder (default: workspaces/demo)" },
      rows: { kind: "number", value: "N", help: "rows in the demo pool (default 15000)" },
      webdataset: { kind: "boolean", help: "put the images in webdataset tar shards (source/shards/*.tar, as img2dataset writes them) instead of files" },
      worldwide: { kind: "boolean", help: "captions in English, German, Spanish, Chinese, Japanese, Thai and Arabic, one metadata list per language (source/metadata/{lang}.json), curated by MetaCLIP 2's rules (default out: workspaces/demo-worldwide)" },
      experiment: { kind: "boolean", help: "then measure the MetaCLIP effect: a tiny CLIP on raw, matched and balanced (a sweep of t) pairs, and on DataComp's CLIP-score top 30% (alone and then balanced), at equal samples seen, into OUT-experiment/; with --worldwide: raw, English-only and worldwide curation, zero-shot in every language" },
      seeds: { kind: "number", value: "N", help: "seeds per condition of --experiment (default 3)" },
      passes: { kind: "number", value: "N", help: "samples seen by every run of --experiment, in passes over the raw pool (default 2: DataComp's regime)" },
      progress: progressFlag,
      help,
    },
    schema: options.demoOptions,
    run: async (f, progress) => {
      const worldwide = f.worldwide === true;
      const out = path.resolve((f.out as string | undefined) ?? (worldwide ? "workspaces/demo-worldwide" : "workspaces/demo"));
      const rows = (f.rows as number | undefined) ?? 15_000;
      const source = path.join(out, "source");
      mkdirSync(source, { recursive: true });
      const [{ writeDemoPool, writeDemoEvalTask }, { runCurate }, { computeStats }] = await Promise.all([import("../lib/demo/demoPool"), import("../lib/pipeline/curate"), import("../lib/pipeline/stats")]);
      if (!existsSync(path.join(source, "pool.parquet"))) await writeDemoPool(source, { rows, urlPrefix: "source/", webdataset: f.webdataset === true, worldwide });
      if (!existsSync(path.join(source, "eval.json"))) writeDemoEvalTask(source, undefined, worldwide);
      printManifest(await runCurate(out, {
        metadata: path.join(source, worldwide ? "metadata" : "metadata.parquet"), pool: [path.join(source, "pool.parquet")], columns: {}, p: 0.06, seed: 0,
        ...(worldwide ? { language: { column: "lang" } } : {}),
        ...progressHooks(progress),
      }));
      process.stdout.write((formatStats(await computeStats(out, { p: 0.06, top: 10 }))));
      // the filter panel's per-row columns (caption lengths, image sizes, language by fastText and CLD3)
      await (await import("../lib/pipeline/columns")).runColumns(out, { lid: ["fasttext", "cld3"], ...progressHooks(progress) });
      if (f.experiment && worldwide) {
        const { runWorldwideExperiment, worldwideExperimentTable } = await import("../lib/demo/experiment");
        const passes = (f.passes as number | undefined) ?? 2;
        const dir = `${out}-experiment${passes === 2 ? "" : `-x${passes}`}`;
        const results = await runWorldwideExperiment(process.argv[1], out, dir, (f.seeds as number | undefined) ?? 3, (line) => process.stderr.write(line + "\n"), passes);
        process.stdout.write(`\nEnglish-only against worldwide curation, zero-shot top-1 with each language's prompts (runs in ${dir}):\n` + worldwideExperimentTable(results));
      } else if (f.experiment) {
        const { runExperiment, experimentTable } = await import("../lib/demo/experiment");
        const passes = (f.passes as number | undefined) ?? 2;
        const dir = `${out}-experiment${passes === 2 ? "" : `-x${passes}`}`;
        const results = await runExperiment(process.argv[1], out, dir, (f.seeds as number | undefined) ?? 3, (line) => process.stderr.write(line + "\n"), passes);
        process.stdout.write(`\nthe MetaCLIP effect on the demo (runs in ${dir}):\n` + experimentTable(results));
      }
    },
  },
  serve: {
    summary: "serve the dashboard on a folder of workspaces (builds it on first use)",
    flags: {
      "data-dir": { kind: "string", value: "DIR", help: "folder whose sub-folders are workspaces (default: ./workspaces)" },
      port: { kind: "number", value: "N", help: "port (default 3000)" },
      host: { kind: "string", value: "H", help: "address to listen on (default 127.0.0.1)" },
      rebuild: { kind: "boolean", help: "run next build even if a build exists" },
      "pools-dir": { kind: "strings", value: "DIR [DIR...]", help: "folders (besides the data directory) that job specs may read pools and metadata from" },
      help,
    },
    schema: options.serveOptions,
    run: async (f) => {
      const { serve } = await import("./serve");
      await serve({ dataDir: (f["data-dir"] as string | undefined) ?? "workspaces", port: (f.port as number | undefined) ?? 3000, host: (f.host as string | undefined) ?? "127.0.0.1", rebuild: Boolean(f.rebuild), poolsDirs: f["pools-dir"] as string[] | undefined });
    },
  },
  "job submit": {
    summary: "submit a job (a JSON spec whose keys are the CLI's flag names, plus kind); prints its id",
    flags: {
      "data-dir": dataDirFlag,
      spec: { kind: "string", value: "FILE", required: true, help: "the job spec (JSON): {\"kind\": \"curate\", \"metadata\": …, \"pool\": […], \"t\": …, \"out\": \"NAME\"}; paths relative to the data directory" },
      executor: { kind: "string", value: "E", help: "where it runs: local (default; child processes, as many at once as cores) or slurm (sbatch arrays; resources from the spec's slurm-partition, slurm-time, slurm-cpus, slurm-mem or METACURATE_SLURM_*)" },
      "pools-dir": { kind: "strings", value: "DIR [DIR...]", help: "more folders the spec's paths may name (besides the data directory)" },
      wait: { kind: "boolean", help: "stream its progress and exit 0 only when it succeeded" },
      help,
    },
    schema: options.jobSubmitOptions,
    run: async (f) => {
      const job = await import("./job");
      return job.submit(job.jobStore(f["data-dir"] as string), f.spec as string, (f.executor as string | undefined) ?? "local", (f["pools-dir"] as string[] | undefined) ?? [], f.wait === true);
    },
  },
  "job list": {
    summary: "the jobs of a data directory, newest first",
    flags: { "data-dir": dataDirFlag, json: jsonFlag, help },
    run: async (f) => {
      const job = await import("./job");
      const jobs = await job.listJobs(job.jobStore(f["data-dir"] as string));
      if (f.json) process.stdout.write(JSON.stringify(jobs, null, 2) + "\n");
      else for (const j of jobs) process.stdout.write(`${j.id}  ${j.kind.padEnd(8)} ${j.state.padEnd(10)} ${j.out}${j.progress ? `  ${j.progress.step} ${j.progress.done}/${j.progress.total ?? "?"}` : ""}\n`);
    },
  },
  "job show": {
    summary: "one job: kind, state, progress, tasks",
    takesId: true,
    flags: { id: idFlag, "data-dir": dataDirFlag, json: jsonFlag, help },
    run: async (f) => {
      const job = await import("./job");
      const store = job.jobStore(f["data-dir"] as string);
      const record = await job.showOne(store, f.id as string);
      process.stdout.write(f.json ? JSON.stringify(record, null, 2) + "\n" : job.showJob(record));
    },
  },
  "job logs": {
    summary: "a job's log (its tasks' output)",
    takesId: true,
    flags: { id: idFlag, "data-dir": dataDirFlag, help },
    run: async (f) => {
      const job = await import("./job");
      process.stdout.write(await job.jobStore(f["data-dir"] as string).logTail(f.id as string, 1 << 30));
    },
  },
  "job cancel": {
    summary: "cancel a queued or running job (its processes end)",
    takesId: true,
    flags: { id: idFlag, "data-dir": dataDirFlag, help },
    run: async (f) => {
      const job = await import("./job");
      const record = await job.cancelJob(job.jobStore(f["data-dir"] as string), f.id as string);
      process.stdout.write(`${record.id} ${record.state}\n`);
    },
  },
  "job runner": {
    summary: "run the queued jobs of a data directory until none is left (what submitting a job starts; normally not typed)",
    flags: { "data-dir": dataDirFlag, help },
    run: async (f) => {
      const job = await import("./job");
      const code = await job.runner(job.jobStore(f["data-dir"] as string));
      process.exit(code); // a Slurm job's monitor may leave timers behind: the runner's work is done
    },
  },
  "job task-host": {
    summary: "run a local job's tasks for its runner, one after another, in one process (what the runner starts per slot; not typed)",
    flags: { "data-dir": dataDirFlag, job: idFlag, help },
    run: async (f) => (await import("./taskHost")).serveTasks(main, f["data-dir"] as string, f.job as string),
  },
  "cluster step": {
    summary: "run one step script of a cluster training job (what its tasks run; normally not typed)",
    flags: { script: { kind: "string", value: "FILE", required: true, help: "the job's cluster/reshard.sh, train.sh or evaluate.sh" }, progress: progressFlag, help },
    schema: options.clusterStepOptions,
    run: async (f, progress) => {
      const { runStep } = await import("../lib/cluster/runStep");
      await runStep(f.script as string, (s) => progress.setStage(s));
    },
  },
  "cluster record": {
    summary: "copy a cluster training job's eval_results.jsonl into its run folder with a run.json (its last task; normally not typed)",
    flags: {
      plan: { kind: "string", value: "FILE", required: true, help: "the job's cluster/plan.json" },
      out: { kind: "string", value: "DIR", required: true, help: "the run folder (written atomically)" },
      progress: progressFlag,
      help,
    },
    schema: options.clusterRecordOptions,
    run: async (f, progress) => {
      progress.setStage("record");
      const r = await (await import("../lib/cluster/recordRun")).recordClusterRun(f.plan as string, f.out as string);
      process.stdout.write(`recorded ${f.out}: ${r.tasks} tasks${r.problems ? ` (${r.problems} bad lines)` : ""}, ${String(r.runJson.template)}, t = ${r.runJson.t ?? "–"}\n`);
    },
  },
  "evals summary": {
    summary: "DataComp's aggregates (ImageNet, dist. shifts, VTAB, Retrieval, Average over 38) of every run below DIR…, with their task counts",
    positional: "dirs",
    flags: {
      dirs: { kind: "strings", value: "DIR [DIR...]", required: true, help: "run folders (eval_results.jsonl, and run.json when metacurate trained it), or folders of them at any depth" },
      json: { kind: "boolean", help: "print one JSON object per run: run, imagenet, imagenet_dist_shifts, vtab, retrieval, average, tasks, of, missing, other_tasks, problems" },
      help,
    },
    schema: options.evalsSummaryOptions,
    run: async (f) => {
      const [{ readRuns }, { summarize, summaryTable }] = await Promise.all([import("../lib/evals/readRuns"), import("../lib/evals/summary")]);
      const runs = await readRuns(f.dirs as string[]);
      if (runs.length === 0) throw new InputError(`no eval_results.jsonl below ${(f.dirs as string[]).join(", ")}`);
      const summaries = runs.map(summarize);
      process.stdout.write(f.json ? summaries.map((s) => JSON.stringify(s)).join("\n") + "\n" : summaryTable(summaries));
    },
  },
  "evals import": {
    summary: "copy every run below DIR… into the data directory's runs/ (atomically), for the dashboard's /evals",
    positional: "dirs",
    flags: {
      dirs: { kind: "strings", value: "DIR [DIR...]", required: true, help: "run folders (eval_results.jsonl, and run.json when there is one), or folders of them at any depth" },
      "data-dir": { kind: "string", value: "DIR", help: "the dashboard's data directory (default: $METACURATE_DATA_DIR, else workspaces)" },
      json: jsonFlag,
      help,
    },
    schema: options.evalsImportOptions,
    run: async (f) => {
      const [{ importRuns }, { summarize, formatAggregate }] = await Promise.all([import("../lib/evals/importRuns"), import("../lib/evals/summary")]);
      const dataDir = (f["data-dir"] as string | undefined) ?? process.env.METACURATE_DATA_DIR ?? "workspaces";
      const imported = await importRuns(f.dirs as string[], dataDir, (r) => {
        if (f.json) return;
        const s = summarize(r.run);
        const problems = r.run.problems.map((p) => `\n    ${p.file}${p.line !== null ? ` line ${p.line}` : ""}: ${p.message}`).join("");
        process.stdout.write(`${r.replaced ? "updated " : "imported"} ${r.id}: ${r.run.results.length} tasks, ImageNet ${formatAggregate(s.imagenet, s.tasks.imagenet, s.of.imagenet)}, Average ${formatAggregate(s.average, s.tasks.average, s.of.average)}${problems}\n`);
      });
      if (imported.length === 0) throw new InputError(`no eval_results.jsonl below ${(f.dirs as string[]).join(", ")}`);
      if (f.json) process.stdout.write(imported.map((r) => JSON.stringify({ id: r.id, source: r.source, dest: r.dest, replaced: r.replaced, ...summarize(r.run), run: r.id })).join("\n") + "\n");
    },
  },
  stats: {
    summary: "distribution of a workspace; with --t or --p, what balancing does there",
    flags: {
      in: { kind: "string", value: "DIR", required: true, help: "a folder written by match or curate" },
      t: balanceFlags.t,
      p: balanceFlags.p,
      top: { kind: "number", value: "K", help: "how many top entries to list (default 20)" },
      json: { kind: "boolean", help: "print JSON instead of text" },
      help,
    },
    schema: options.statsOptions,
    run: async (f) => {
      const top = f.top as number | undefined;
      const { computeStats } = await import("../lib/pipeline/stats");
      const stats = await computeStats(f.in as string, { t: f.t as number | undefined, p: f.p as number | undefined, top });
      process.stdout.write(f.json ? JSON.stringify(stats, null, 2) + "\n" : formatStats(stats));
    },
  },
};

/** The language column's width in the printed tables: 8, or the longest code (32 at most) and two spaces. */
const langWidth = (langs: readonly { lang: string }[]) => Math.max(8, ...langs.map((l) => l.lang.length + 2));

function matchOptions(f: ParsedFlags): MatchOptions {
  return {
    metadata: f.metadata as string,
    pool: f.pool as string[],
    columns: { text: f["text-col"] as string | undefined, url: f["url-col"] as string | undefined, uid: f["uid-col"] as string | undefined },
    skipNullText: f["skip-null-text"] === true,
    workers: f.workers as number | undefined,
    memoryLimitGb: f["memory-limit"] as number | undefined,
    tablesCache: f["tables-cache"] as string | undefined,
    language: f["lang-col"] === undefined && f.lid === undefined && f["lid-map"] === undefined ? undefined
      : { column: f["lang-col"] as string | undefined, lid: f.lid as "fasttext" | "cld3" | undefined, map: f["lid-map"] as string | undefined },
    // "I/S", checked by the schema (lib/options/commands)
    shard: f.shard === undefined ? undefined : (([index, count]) => ({ index, count }))((f.shard as string).split("/").map(Number)),
  };
}

function balanceOptions(f: ParsedFlags): BalanceOptions {
  return { t: f.t as number | undefined, p: f.p as number | undefined, targetSize: f["target-size"] as number | undefined, seed: f.seed as number | undefined, memoryLimitGb: f["memory-limit"] as number | undefined };
}

function progressHooks(progress: Progress): Pick<MatchOptions, "onProgress" | "onStage"> {
  return { onProgress: (d, t) => progress.update(d, t), onStage: (s) => progress.setStage(s) };
}

function printFilter(m: FilterManifest): void {
  const f = m.filter;
  const pct = (n: number) => `${((100 * n) / Math.max(1, f.rows_read)).toFixed(2)}%`;
  const lines = [`pool      ${f.rows_read.toLocaleString("en")} rows in ${f.pool.files.length} file(s)${f.rows_null_text ? `, ${f.rows_null_text.toLocaleString("en")} null captions` : ""}${f.score_column && f.rows_without_score ? `, ${f.rows_without_score.toLocaleString("en")} without a score` : ""}`];
  if (f.threshold !== null) lines.push(`threshold ${f.score_column} >= ${f.threshold}${f.fraction !== null ? ` (the top ${f.fraction} of the pool)` : ""}`);
  if (f.lid_model) lines.push(`language  ${f.lid_model}`);
  for (const c of f.conditions) lines.push(`removes   ${c.rule}: ${c.removed_alone.toLocaleString("en")} alone (${pct(c.removed_alone)}), ${c.removed_in_order.toLocaleString("en")} in order`);
  lines.push(`${f.name.padEnd(9)} kept ${f.rows_kept.toLocaleString("en")} of ${f.rows_read.toLocaleString("en")} (${pct(f.rows_kept)})${f.subset_npy ? ", subset.npy written" : " (uids are not 32 hex digits: no subset.npy)"}`);
  process.stdout.write(lines.join("\n") + "\n");
}

function printManifest(m: Manifest): void {
  const lines: string[] = [];
  const mt = m.match;
  lines.push(`metadata  ${mt.metadata.entries.toLocaleString("en")} entries (${mt.metadata.duplicateEntries} duplicate, ${mt.metadata.emptyEntries} empty), hash ${mt.metadata.metadataHash.slice(0, 16)}`);
  lines.push(`pool      ${mt.rows_read.toLocaleString("en")} rows in ${mt.pool.files.length} file(s), ${mt.rows_null_text} null captions; uid ${mt.pool.uid}`);
  lines.push(`matched   ${mt.rows_matched.toLocaleString("en")} rows (${(100 * matchedShare(mt.rows_matched, mt.rows_read)).toFixed(2)}%), ${mt.total_matches.toLocaleString("en")} matches; ${mt.zero_count_entries.toLocaleString("en")} entries never match`);
  lines.push(`note      ${matchedShareNote(mt.rows_matched, mt.rows_read)}`);
  if (mt.languages) {
    const other = mt.language_source?.rows_other ?? 0;
    lines.push(`languages ${mt.languages.length} lists (${mt.languages.map((l) => l.lang).join(", ")}), captions' language ${mt.language_source?.column ? `from column "${mt.language_source.column}"` : `by ${mt.language_source?.lid} (languages.parquet)`}${other > 0 ? `; ${other.toLocaleString("en")} rows in other languages match nothing` : ""}`);
    const w = langWidth(mt.languages);
    for (const l of mt.languages) lines.push(`  ${l.lang.padEnd(w)}${l.rows_matched.toLocaleString("en").padStart(12)} of ${l.rows.toLocaleString("en")} rows matched, ${l.total_count.toLocaleString("en")} matches on ${l.entries_matched.toLocaleString("en")} of ${l.entries.toLocaleString("en")} entries`);
  }
  lines.push(`speed     ${mt.rows_per_second.toLocaleString("en")} rows/s (${mt.timings_ms.total_ms} ms, ${mt.workers} workers)`);
  if (m.balance) {
    const b = m.balance;
    const from = b.target_size_requested != null ? `, from target size ${b.target_size_requested.toLocaleString("en")}` : b.p_requested !== null ? `, from p = ${b.p_requested}` : "";
    lines.push(`balance   ${b.languages ? "English's " : ""}t = ${b.t} (tail share ${b.tail_share.toFixed(4)}${from}), seed ${b.seed}: kept ${b.rows_kept.toLocaleString("en")} of ${b.rows_matched.toLocaleString("en")} (expected ${b.expected_size.toFixed(1)})${b.subset_npy ? ", subset.npy written" : ""}`);
    for (const l of b.languages ?? []) {
      const t = l.t === null ? "no match, no t" : l.t === 0 ? "t = 0 (p_to_t lands on a zero count: keeps none)" : `t = ${l.t}`;
      lines.push(`  ${l.lang.padEnd(langWidth(b.languages!))}${t}: kept ${l.rows_kept.toLocaleString("en")} of ${l.rows_matched.toLocaleString("en")} (expected ${l.expected_size.toFixed(1)})`);
    }
    lines.push(`matches   of ${b.source}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
}

function formatStats(s: Stats): string {
  const n = (x: number) => x.toLocaleString("en");
  const lines = [
    `workspace        ${s.workspace}`,
    `metadata hash    ${s.metadata_hash}`,
    `rows             ${n(s.rows_read)} read, ${n(s.rows_matched)} matched (${(100 * matchedShare(s.rows_matched, s.rows_read)).toFixed(2)}%)`,
    `                 ${matchedShareNote(s.rows_matched, s.rows_read)}`,
    `entries          ${n(s.entries)}, ${n(s.zero_count_entries)} with zero count`,
    `matches          ${n(s.total_matches)} (max count ${n(s.max_count)})`,
  ];
  if (s.at_t) {
    const a = s.at_t;
    lines.push(
      `t                ${n(a.t)}${a.p_requested !== null ? ` (from p = ${a.p_requested})` : ""}${s.languages ? " (English's; tail share, head and capped matches are English's too)" : ""}`,
      `tail share p     ${a.tail_share.toFixed(6)} (matches of entries with count < t)`,
      `head entries     ${n(a.head_entries)} with count > t, ${(a.head_share * 100).toFixed(2)}% of matches`,
      `capped matches   ${n(a.capped_matches)} (sum of min(count, t))`,
      `expected size    ${a.expected_size.toFixed(2)} rows, keep rate ${(a.keep_rate * 100).toFixed(2)}% of matched rows (exact)`,
    );
  }
  if (s.languages) {
    lines.push("", `languages (t is each language's at ${s.at_t ? `English's t = ${n(s.at_t.t)}` : "English's t, given with --t or --p"}):`,
      `  ${"lang".padEnd(langWidth(s.languages))}${"t".padStart(10)}${"rows".padStart(12)}${"matched".padStart(12)}${"entries".padStart(10)}${"matches".padStart(12)}${"expected".padStart(12)}`);
    for (const l of s.languages) {
      lines.push(`  ${l.lang.padEnd(langWidth(s.languages))}${(l.t === null ? "-" : n(l.t)).padStart(10)}${n(l.rows).padStart(12)}${n(l.rows_matched).padStart(12)}${n(l.entries).padStart(10)}${n(l.matches).padStart(12)}${(l.expected_size === null ? "-" : l.expected_size.toFixed(1)).padStart(12)}`);
    }
  }
  if (s.top_entries.length > 0) {
    const withP = s.top_entries[0].p_e !== undefined;
    lines.push("", `top ${s.top_entries.length} entries by count:`, `  ${"count".padStart(12)}  ${withP ? `${"p_e at t".padStart(8)}  ` : ""}entry`);
    for (const e of s.top_entries) lines.push(`  ${n(e.count).padStart(12)}  ${e.p_e !== undefined ? e.p_e.toFixed(4).padStart(8) + "  " : ""}${e.lang !== undefined ? `${e.lang}: ` : ""}${JSON.stringify(e.entry)}`);
  }
  return lines.join("\n") + "\n";
}

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `metacurate ${TOOL_VERSION}: MetaCLIP curation for image–text pools

usage: metacurate <command> [flags]   (metacurate <command> --help for its flags)

commands:
${rows.join("\n")}

exit codes: 0 ok, 1 internal error, 2 bad flags or parameters, 3 bad input data, 4 output not writable,
141 its output pipe closed (a reader such as head went away; a run it stops leaves nothing)
`;
}

/** Where a command that ran out of disk was writing, as its flags name it. */
function diskFullWhere(flags: ParsedFlags | null): string {
  for (const flag of ["out", "in", "data-dir", "run"]) {
    if (typeof flags?.[flag] === "string") return `--${flag} ${flags[flag]}`;
  }
  return "its output";
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...more] = argv;
  // two-word commands ("metadata build")
  const twoWord = first !== undefined && more[0] !== undefined && `${first} ${more[0]}` in commands;
  const name = twoWord ? `${first} ${more[0]}` : first;
  const rest = twoWord ? more.slice(1) : more;
  if (!name || name === "--help" || name === "-h" || name === "help") { process.stdout.write(usage()); return 0; }
  if (name === "--version") { process.stdout.write(TOOL_VERSION + "\n"); return 0; }
  const command = commands[name];
  const pipes = watchClosedPipes();
  let progress = new Progress("none");
  let parsed: ParsedFlags | null = null;
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(", ")})`);
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(`metacurate ${name}: ${command.summary}\n\n${flagHelp(command.flags)}\n`);
      return 0;
    }
    const args = command.takesId && rest[0] !== undefined && !rest[0].startsWith("--") ? ["--id", ...rest]
      : command.positional && rest[0] !== undefined && !rest[0].startsWith("--") ? [`--${command.positional}`, ...rest] : rest;
    parsed = parseFlags(name, args, command.flags);
    const flags = (command.schema ? parseOptions(command.schema, parsed) : parsed) as ParsedFlags;
    const mode = (flags.progress as string | undefined) ?? "bar";
    if (!(PROGRESS_MODES as readonly string[]).includes(mode)) throw new UsageError(`--progress must be one of ${PROGRESS_MODES.join(", ")} (got "${mode}")`);
    progress = new Progress(mode as ProgressMode);
    const code = await command.run(flags, progress);
    progress.done();
    if (pipes.closed()) return PIPE_CLOSED_EXIT;
    return typeof code === "number" ? code : 0;
  } catch (e) {
    progress.done();
    // stopped because its reader went away: nothing to say, and nowhere to say it
    if (e === pipes.signal.reason) return PIPE_CLOSED_EXIT;
    // a full disk, however it surfaced (a write, DuckDB, a wrapped message), is the output's fault: exit 4
    if (isDiskFull(e)) e = diskFullError(e, diskFullWhere(parsed));
    if (e instanceof UserError) {
      process.stderr.write(`metacurate ${name ?? ""}: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`metacurate ${name ?? ""}: internal error: ${firstLine(e)}\n`);
    if (process.env.METACURATE_DEBUG) console.error(e);
    return 1;
  }
}
