/**
 * The MetaCLIP effect measured on the demo (`metacurate demo --experiment`): the same tiny CLIP
 * trained at equal samples seen (by default twice the raw pool: DataComp's regime of about 1–2
 * passes; `--passes N` for more) on the raw
 * pool, on its matched rows, on the pool balanced at a sweep of t (the demo's own t among them), and
 * on DataComp's CLIP-score baseline (the top 30% by a tiny CLIP trained on the raw pool) alone and
 * then balanced at the demo's t,
 * each with several seeds, two trainings at a time (tfjs-wasm runs one thread per process). Every run
 * is an ordinary run folder; experiment.json gathers them. Node only.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../errors";
import { readManifest } from "../workspace/artifacts";

export const SWEEP_T = [40, 80, 160, 320, 640, 1280];

export interface Condition {
  name: string;
  /** The run folders' prefix: KEY-sSEED. */
  key: string;
  subset: "raw" | "matched" | "curated";
  t: number | null;
  workspace: string;
}

/** DataComp's CLIP-score baseline on the demo: the top 30% of the pool by a tiny CLIP trained on the raw pool (seed 0), as DFN scores with a model of the pool itself. */
export const CLIP_FRACTION = 0.3;

export interface ConditionResult {
  condition: string;
  subset: string;
  t: number | null;
  subset_size: number;
  passes: number;
  seeds: number[];
  acc1: number[];
  acc_head: number[];
  acc_tail: number[];
  final_loss: number[];
  /** The worldwide experiment's: zero-shot top-1 with each language's prompts (acc1:LANG), per seed. */
  by_language?: Record<string, number[]>;
}

function runCli(cli: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, "--progress", "none"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => { err += d; });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`metacurate ${args[0]} failed (exit ${code}): ${err.trim().split("\n").at(-1)}`))));
  });
}

/** Trains every condition × seed (two at a time), skipping runs already done. */
async function trainAll(cli: string, images: string, cs: readonly Condition[], seeds: number, samples: number, runDir: (c: Condition, seed: number) => string,
  log: (line: string) => void, progress: { done: number; total: number }): Promise<void> {
  const parallel = Math.max(1, Math.min(2, os.availableParallelism()));
  const jobs = cs.flatMap((c) => Array.from({ length: seeds }, (_, seed) => ({ c, seed, run: runDir(c, seed) })));
  let next = 0;
  const worker = async () => {
    for (let j = next++; j < jobs.length; j = next++) {
      const { c, seed, run } = jobs[j];
      if (!existsSync(path.join(run, "run.json"))) {
        await runCli(cli, ["train", "--workspace", c.workspace, "--images-from", images, "--subset", c.subset, "--samples-seen", String(samples), "--seed", String(seed), "--out", run]);
      }
      log(`run ${++progress.done}/${progress.total}: ${c.name}, seed ${seed}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

function conditionResult(c: Condition, seeds: number, runDir: (c: Condition, seed: number) => string, languages: readonly string[] = []): ConditionResult {
  const runs = Array.from({ length: seeds }, (_, seed) => JSON.parse(readFileSync(path.join(runDir(c, seed), "run.json"), "utf8")));
  return {
    condition: c.name, subset: c.subset, t: c.t, subset_size: runs[0].subset_size, passes: runs[0].passes, seeds: runs.map((r) => r.seed),
    acc1: runs.map((r) => r.eval.metrics.acc1), acc_head: runs.map((r) => r.eval.metrics.acc_head), acc_tail: runs.map((r) => r.eval.metrics.acc_tail),
    final_loss: runs.map((r) => r.losses.at(-1).loss),
    ...(languages.length ? { by_language: Object.fromEntries(languages.map((l) => [l, runs.map((r) => (l === "en" ? r.eval.metrics.acc1 : r.eval.metrics[`acc1:${l}`]))])) } : {}),
  };
}

/**
 * The worldwide demo's experiment (`demo --worldwide --experiment`): the same tiny CLIP at equal samples
 * seen on the raw pool, on English-only curation (the pool matched against English's list alone, the
 * MetaCLIP 1 way, balanced at the same English t and seed) and on worldwide curation (the demo workspace:
 * every caption against its own language's list, each language at its own t), several seeds each,
 * zero-shot in every language (acc1 with English prompts, acc1:LANG with each language's).
 */
export async function runWorldwideExperiment(cli: string, demo: string, out: string, seeds: number, log: (line: string) => void, passes = 2): Promise<ConditionResult[]> {
  const manifest = await readManifest(demo);
  const languages = manifest.match.languages?.map((l) => l.lang);
  if (!manifest.balance || !languages) throw new InputError(`${demo} is not a balanced worldwide workspace: run "metacurate demo --worldwide" first`);
  mkdirSync(out, { recursive: true });
  const samples = Math.round(passes * manifest.match.rows_read);
  const t = manifest.balance.t, seed0 = manifest.balance.seed;
  const english = path.join(out, "english-only");
  if (!existsSync(path.join(english, "manifest.json"))) {
    const en = manifest.match.languages!.find((l) => l.lang === "en")!;
    await runCli(cli, ["curate", "--metadata", en.metadata.file, "--pool", ...manifest.match.pool.files.map((f) => f.path), "--out", english, "--t", String(t), "--seed", String(seed0)]);
  }
  const conditions: Condition[] = [
    { name: "raw", key: "raw", subset: "raw", t: null, workspace: demo },
    { name: `English-only curation, t=${t}`, key: "english-only", subset: "curated", t, workspace: english },
    { name: `worldwide curation, English's t=${t}`, key: "worldwide", subset: "curated", t, workspace: demo },
  ];
  const runDir = (c: Condition, seed: number) => path.join(out, `${c.key}-s${seed}`);
  await trainAll(cli, demo, conditions, seeds, samples, runDir, log, { done: 0, total: conditions.length * seeds });
  const results = conditions.map((c) => conditionResult(c, seeds, runDir, languages));
  writeFileSync(path.join(out, "experiment.json"), JSON.stringify({ demo, kind: "worldwide", samples_seen: samples, passes_over_raw: passes, seeds, languages, results }, null, 2) + "\n");
  return results;
}

/** The worldwide experiment's table: zero-shot top-1 per language (mean ± sd over seeds, in %), each condition a row. */
export function worldwideExperimentTable(results: ConditionResult[]): string {
  const languages = Object.keys(results[0]?.by_language ?? {});
  const pct = (xs: number[]) => { const { mean, sd } = stats(xs); return `${(100 * mean).toFixed(1)} ± ${(100 * sd).toFixed(1)}`; };
  const lines = [`| condition | pairs | ${languages.join(" | ")} |`, `|---|---|${languages.map(() => "---|").join("")}`];
  for (const r of results) lines.push(`| ${r.condition} | ${r.subset_size.toLocaleString("en")} | ${languages.map((l) => pct(r.by_language![l])).join(" | ")} |`);
  return lines.join("\n") + "\n";
}

/** Runs the experiment on the demo workspace `demo` into `out`; returns the table's rows. */
export async function runExperiment(cli: string, demo: string, out: string, seeds: number, log: (line: string) => void, passes = 2): Promise<ConditionResult[]> {
  const manifest = await readManifest(demo);
  if (!manifest.balance) throw new InputError(`${demo} is not balanced: run "metacurate demo" first`);
  mkdirSync(out, { recursive: true });
  const samples = Math.round(passes * manifest.match.rows_read);
  const ts = [...new Set([...SWEEP_T, manifest.balance.t])].sort((a, b) => a - b);
  const demoT = manifest.balance.t, seed0 = manifest.balance.seed;
  const conditions: Condition[] = [
    { name: "raw", key: "raw", subset: "raw", t: null, workspace: demo },
    { name: "matched", key: "matched", subset: "matched", t: null, workspace: demo },
    ...ts.map((t) => ({ name: `t=${t}${t === demoT ? " (demo)" : ""}`, key: `curated-t${t}`, subset: "curated" as const, t, workspace: t === demoT ? demo : path.join(out, `balanced-t${t}`) })),
  ];
  for (const c of conditions) {
    if (c.workspace !== demo && !existsSync(path.join(c.workspace, "manifest.json"))) {
      await runCli(cli, ["balance", "--in", demo, "--out", c.workspace, "--t", String(c.t), "--seed", String(seed0)]);
    }
  }
  const runDir = (c: Condition, seed: number) => path.join(out, `${c.key}-s${seed}`);
  const progress = { done: 0, total: (conditions.length + 2) * seeds };
  await trainAll(cli, demo, conditions, seeds, samples, runDir, log, progress);
  // DataComp's CLIP-score filter, with the raw pool's own tiny CLIP as the scorer; then balanced at the demo's t too
  const scored = path.join(out, "scored"), clip = path.join(out, "clip30"), clipWs = path.join(out, "clip30-ws");
  if (!existsSync(path.join(scored, "manifest.json"))) await runCli(cli, ["score", "--run", runDir(conditions[0], 0), "--pool", ...manifest.match.pool.files.map((f) => f.path), "--images-from", demo, "--out", scored]);
  // the demo's filter panel gets the score too: its per-row columns read again from the scored pool (the same rows)
  await runCli(cli, ["columns", "--workspace", demo, "--pool", path.join(scored, "scored.parquet")]);
  if (!existsSync(path.join(clip, "manifest.json"))) await runCli(cli, ["filter", "--pool", path.join(scored, "scored.parquet"), "--out", clip, "--name", "clip_score", "--score-col", "tiny_clip_similarity_score", "--fraction", String(CLIP_FRACTION)]);
  if (!existsSync(path.join(clipWs, "manifest.json"))) {
    await runCli(cli, ["curate", "--metadata", manifest.match.metadata.file, "--pool", path.join(clip, "filtered.parquet"), "--out", clipWs, "--t", String(demoT), "--seed", String(seed0)]);
  }
  const filtered: Condition[] = [
    { name: `CLIP score top ${100 * CLIP_FRACTION}%`, key: "clip30", subset: "raw", t: null, workspace: clipWs },
    { name: `top ${100 * CLIP_FRACTION}%, then t=${demoT}`, key: `clip30-t${demoT}`, subset: "curated", t: demoT, workspace: clipWs },
  ];
  await trainAll(cli, demo, filtered, seeds, samples, runDir, log, progress);
  conditions.push(...filtered);
  const results = conditions.map((c) => conditionResult(c, seeds, runDir));
  writeFileSync(path.join(out, "experiment.json"), JSON.stringify({ demo, samples_seen: samples, passes_over_raw: passes, seeds, results }, null, 2) + "\n");
  return results;
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd };
};

/** The results as a Markdown table (mean ± standard deviation over seeds, in %). */
export function experimentTable(results: ConditionResult[]): string {
  const pct = (xs: number[]) => { const { mean, sd } = stats(xs); return `${(100 * mean).toFixed(1)} ± ${(100 * sd).toFixed(1)}`; };
  const raw = results.find((r) => r.condition === "raw")!;
  const lines = ["| condition | pairs | passes | zero-shot top-1 | Δ vs raw | head | tail | final loss |", "|---|---|---|---|---|---|---|---|"];
  for (const r of results) {
    const delta = r.acc1.map((a, i) => a - raw.acc1[i]);
    lines.push(`| ${r.condition} | ${r.subset_size.toLocaleString("en")} | ${r.passes.toFixed(2)} | ${pct(r.acc1)} | ${r === raw ? "—" : `${delta.every(Number.isFinite) ? (stats(delta).mean >= 0 ? "+" : "") + (100 * stats(delta).mean).toFixed(1) : "?"}`} | ${pct(r.acc_head)} | ${pct(r.acc_tail)} | ${stats(r.final_loss).mean.toFixed(2)} |`);
  }
  return lines.join("\n") + "\n";
}
