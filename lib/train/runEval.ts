/**
 * `metacurate eval`: a trained run's model evaluated again, zero-shot, on a labelled test set (its
 * own by default, or another declared the same way), into eval_results.jsonl: a line per task as
 * DataComp keeps them (a task's earlier line is replaced, other tasks' lines kept). Written through a
 * staged commit, so a reader sees the old file or the new one. Node only.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors";
import { StagedOutput } from "../util/stagedOutput";
import { evaluateZeroShot, type EvalLine } from "./evaluate";
import { loadEvalTask } from "./evalTask";
import { TinyClip, type SavedWeights, type Tower } from "./model";
import type { RunRecord } from "./runTrain";
import { Vocab } from "./text";
import { loadTf, type Backend } from "./tf";

const RUN_FILES = ["run.json", "model.json", "weights.bin"];

export async function runEval(runDir: string, opts: { evalTask?: string; out?: string; backend?: Backend; onStage?: (s: string) => void } = {}): Promise<EvalLine> {
  const dir = path.resolve(runDir);
  for (const f of RUN_FILES) if (!existsSync(path.join(dir, f))) throw new InputError(`${runDir} is not a training run (no ${f})`);
  const read = <T>(f: string): T => { try { return JSON.parse(readFileSync(path.join(dir, f), "utf8")) as T; } catch (e) { throw new InputError(`${path.join(runDir, f)}: ${(e as Error).message}`); } };
  const run = read<RunRecord>("run.json");
  const model = read<{ tower: Tower; vocab: string[]; params: { name: string; shape: number[] }[] }>("model.json");
  const weights = readFileSync(path.join(dir, "weights.bin"));
  const sizes = model.params.map((p) => p.shape.reduce((a, b) => a * b, 1));
  if (sizes.reduce((a, b) => a + b, 0) * 4 !== weights.length) throw new InputError(`${runDir}/weights.bin holds ${weights.length} bytes; model.json's shapes need ${sizes.reduce((a, b) => a + b, 0) * 4}`);
  let at = 0;
  const saved: SavedWeights = { tower: model.tower, vocab: model.vocab.length, params: model.params.map((p, i) => { const v = new Float32Array(weights.buffer.slice(weights.byteOffset + at, weights.byteOffset + at + sizes[i] * 4)); at += sizes[i] * 4; return { ...p, values: v }; }) };
  const taskFile = path.resolve(opts.evalTask ?? run.eval_task.file);
  opts.onStage?.("load_test_set");
  const task = loadEvalTask(taskFile);
  const tf = await loadTf(opts.backend ?? "wasm");
  const clip = TinyClip.load(tf, saved);
  const out = await StagedOutput.open(opts.out ?? dir, { inputs: [{ flag: "eval-task", path: taskFile }], carry: opts.out === undefined ? { from: dir, names: RUN_FILES } : undefined, kind: "run" });
  try {
    opts.onStage?.("eval");
    const line = await evaluateZeroShot(tf, clip, new Vocab(model.vocab), task, run.head_classes);
    const target = path.join(path.resolve(opts.out ?? dir), "eval_results.jsonl");
    const kept = existsSync(target) ? readFileSync(target, "utf8").split("\n").filter((l) => l.trim() && (JSON.parse(l) as EvalLine).dataset !== line.dataset) : [];
    await writeFile(out.file("eval_results.jsonl"), [...kept, JSON.stringify(line)].join("\n") + "\n");
    await out.commit(["eval_results.jsonl"]);
    return line;
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    clip.dispose();
  }
}
