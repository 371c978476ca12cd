/**
 * `metacurate eval`: a trained run's model evaluated again, zero-shot, on a labelled test set (its
 * own by default, or another declared the same way), into eval_results.jsonl: a line per task as
 * DataComp keeps them (a task's earlier line is replaced, other tasks' lines kept). Written through a
 * staged commit, so a reader sees the old file or the new one. Node only.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { StagedOutput } from "../util/stagedOutput";
import { evaluateZeroShot, type EvalLine } from "./evaluate";
import { loadEvalTask } from "./evalTask";
import { loadClip, readSavedRun, RUN_FILES } from "./savedRun";
import { loadTf, type Backend } from "./tf";


export async function runEval(runDir: string, opts: { evalTask?: string; out?: string; backend?: Backend; onStage?: (s: string) => void } = {}): Promise<EvalLine> {
  const saved = readSavedRun(runDir);
  const { dir, record: run } = saved;
  const taskFile = path.resolve(opts.evalTask ?? run.eval_task.file);
  opts.onStage?.("load_test_set");
  const task = loadEvalTask(taskFile);
  const tf = await loadTf(opts.backend ?? "wasm");
  const clip = loadClip(tf, saved);
  const out = await StagedOutput.open(opts.out ?? dir, { inputs: [{ flag: "eval-task", path: taskFile }], carry: opts.out === undefined ? { from: dir, names: RUN_FILES } : undefined, kind: "run" });
  try {
    opts.onStage?.("eval");
    const line = await evaluateZeroShot(tf, clip, saved.vocab, task, run.head_classes);
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
