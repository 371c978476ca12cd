/**
 * A trained run's saved model, read back: run.json, model.json (tower, vocabulary, parameter shapes)
 * and weights.bin, checked against each other. Node only.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import { TinyClip, type SavedWeights, type Tower } from "./model";
import type { RunRecord } from "./runTrain";
import { Vocab } from "./text";
import type { Tf } from "./tf";

export const RUN_FILES = ["run.json", "model.json", "weights.bin"];

export interface SavedRun {
  dir: string;
  record: RunRecord;
  vocab: Vocab;
  weights: SavedWeights;
}

export function readSavedRun(runDir: string): SavedRun {
  const dir = path.resolve(runDir);
  for (const f of RUN_FILES) if (!existsSync(path.join(dir, f))) throw new InputError(`${runDir} is not a training run (no ${f})`);
  const read = <T>(f: string): T => { try { return JSON.parse(readFileSync(path.join(dir, f), "utf8")) as T; } catch (e) { throw new InputError(`${path.join(runDir, f)}: ${(e as Error).message}`); } };
  const record = read<RunRecord>("run.json");
  const model = read<{ tower: Tower; vocab: string[]; params: { name: string; shape: number[] }[] }>("model.json");
  const weights = readFileSync(path.join(dir, "weights.bin"));
  const sizes = model.params.map((p) => p.shape.reduce((a, b) => a * b, 1));
  if (sizes.reduce((a, b) => a + b, 0) * 4 !== weights.length) throw new InputError(`${runDir}/weights.bin holds ${weights.length} bytes; model.json's shapes need ${sizes.reduce((a, b) => a + b, 0) * 4}`);
  let at = 0;
  const saved: SavedWeights = { tower: model.tower, vocab: model.vocab.length, params: model.params.map((p, i) => { const v = new Float32Array(weights.buffer.slice(weights.byteOffset + at, weights.byteOffset + at + sizes[i] * 4)); at += sizes[i] * 4; return { ...p, values: v }; }) };
  return { dir, record, vocab: new Vocab(model.vocab), weights: saved };
}

export function loadClip(tf: Tf, run: SavedRun): TinyClip {
  return TinyClip.load(tf, run.weights);
}
