/**
 * A labelled test set for zero-shot evaluation, declared by a JSON file beside the workspace's data
 * (the demo writes `source/eval.json`): its DataComp task key and name, IDX image and label files,
 * the class names, the prompt template, and the pool column holding each row's class (head and tail
 * classes are told apart by the pool's class frequency). Validated once, here.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InputError } from "../errors";
import { readIdxImages } from "../util/idx";
import { IMAGE_PIXELS, IMAGE_SIDE } from "./model";
import { standardise } from "./images";

export const EVAL_TASK_FILE = "source/eval.json";

const schema = z.strictObject({
  key: z.string().regex(/^[a-z0-9_/.-]{1,64}$/, { error: "must be a DataComp-style task key (lowercase, digits, _ / . -)" }),
  dataset: z.string().min(1).max(200),
  format: z.literal("idx"),
  images: z.string().min(1),
  labels: z.string().min(1),
  classes: z.array(z.string().min(1).max(100)).min(2).max(1000),
  prompt: z.string().refine((p) => p.includes("{class}"), { error: 'must hold "{class}"' }),
  class_column: z.string().min(1).optional(),
  /** Captions for class-level image→text retrieval: the demo's caption generator. */
  retrieval_captions: z.literal("fashion-demo").optional(),
  /** Zero-shot in more languages: each language's class names (in `classes`' order) and prompt; metrics acc1:LANG. */
  languages: z.array(z.strictObject({
    lang: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { error: "must be a language code" }),
    classes: z.array(z.string().min(1).max(100)).min(2).max(1000),
    prompt: z.string().refine((p) => p.includes("{class}"), { error: 'must hold "{class}"' }),
  })).max(400).optional(),
}).superRefine((o, ctx) => {
  o.languages?.forEach((l, i) => {
    if (l.classes.length !== o.classes.length) ctx.addIssue({ code: "custom", path: ["languages", i, "classes"], message: `must name the ${o.classes.length} classes, in order (it has ${l.classes.length})` });
  });
});
export type EvalTaskSpec = z.infer<typeof schema>;

export interface EvalTask {
  spec: EvalTaskSpec;
  file: string;
  n: number;
  /** n × 784 standardised pixels. */
  pixels: Float32Array;
  labels: Uint8Array;
  prompts: string[];
  /** The prompts of every other language the task declares. */
  languages: { lang: string; prompts: string[] }[];
}

/** The task's declaration (no images read). */
export function readEvalTaskSpec(file: string): EvalTaskSpec {
  if (!existsSync(file)) throw new InputError(`no labelled test set: ${file} does not exist (the demo writes one; see docs/training-and-evals.md on eval tasks)`);
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, "utf8")); } catch (e) { throw new InputError(`${file} is not JSON: ${(e as Error).message}`); }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: "${issue.path.join(".") || "(top)"}": ${issue.message}`);
  }
  return parsed.data;
}

export function loadEvalTask(file: string): EvalTask {
  const spec = readEvalTaskSpec(file);
  const at = (p: string) => (path.isAbsolute(p) ? p : path.resolve(path.dirname(file), p));
  const idx = readIdxImages(at(spec.images), at(spec.labels));
  if (idx.rows !== IMAGE_SIDE || idx.cols !== IMAGE_SIDE) throw new InputError(`${file}: its test images are ${idx.rows}×${idx.cols}; the tiny CLIP takes ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  for (let i = 0; i < idx.n; i++) if (idx.labels[i] >= spec.classes.length) throw new InputError(`${file}: test label ${idx.labels[i]} at ${i} has no class (${spec.classes.length} classes)`);
  const images = new Float32Array(idx.n * IMAGE_PIXELS);
  standardise(idx.pixels, images);
  return { spec, file, n: idx.n, pixels: images, labels: idx.labels, prompts: spec.classes.map((c) => spec.prompt.replaceAll("{class}", c)),
    languages: (spec.languages ?? []).map((l) => ({ lang: l.lang, prompts: l.classes.map((c) => l.prompt.replaceAll("{class}", c)) })) };
}
