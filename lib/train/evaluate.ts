/**
 * Zero-shot evaluation of a tiny CLIP on a labelled test set (training-notes §10): every test image
 * against the prompt of every class (cosine similarity), top-1 and top-5 accuracy, per-class accuracy
 * and its mean (mean per-class recall), the mean over head and over tail classes, and class-level
 * image→text R@1 (the share of 1,000 held-out images whose nearest caption names their class).
 * The result is a DataComp eval_results.jsonl line.
 */
import type { Tensor2D } from "@tensorflow/tfjs-core";
import { makeCaption, mulberry32 } from "../demo/captions";
import type { EvalTask } from "./evalTask";
import { IMAGE_PIXELS, type TinyClip } from "./model";
import { fillBow, type Vocab } from "./text";
import type { Tf } from "./tf";

const CHUNK = 1000;
const RETRIEVAL_IMAGES = 1000;
const RETRIEVAL_SEED = 4242;

export interface EvalLine {
  key: string;
  dataset: string;
  metrics: Record<string, number | null>;
}

function bowTensor(tf: Tf, vocab: Vocab, texts: string[]): Tensor2D {
  const rows = texts.map((t) => vocab.encode(t));
  const data = new Float32Array(rows.length * vocab.size);
  fillBow(data, vocab.size, rows);
  return tf.tensor2d(data, [rows.length, vocab.size]);
}

/** Normalised embeddings (64 each) of `n` images from `pixels`, a chunk at a time. */
export async function imageEmbeddings(tf: Tf, model: TinyClip, pixels: Float32Array, n: number): Promise<Float32Array> {
  const out = new Float32Array(n * 64);
  for (let from = 0; from < n; from += CHUNK) {
    const m = Math.min(CHUNK, n - from);
    const z = tf.tidy(() => model.normalise(model.encodeImage(tf.tensor2d(pixels.subarray(from * IMAGE_PIXELS, (from + m) * IMAGE_PIXELS), [m, IMAGE_PIXELS]))));
    out.set(await z.data() as Float32Array, from * 64);
    z.dispose();
  }
  return out;
}

export async function textEmbeddings(tf: Tf, model: TinyClip, vocab: Vocab, texts: string[]): Promise<Float32Array> {
  const z = tf.tidy(() => model.normalise(model.encodeText(bowTensor(tf, vocab, texts))));
  const data = await z.data() as Float32Array;
  z.dispose();
  return data;
}

/**
 * The metrics, keyed as DataComp names them: acc1, acc5, mean_per_class_recall, main_metric (acc1),
 * plus acc_head, acc_tail, acc_class:K and image_text_class_recall@1 (the demo's task).
 */
export async function evaluateZeroShot(tf: Tf, model: TinyClip, vocab: Vocab, task: EvalTask, headClasses: readonly number[]): Promise<EvalLine> {
  const classes = task.spec.classes.length;
  const zi = await imageEmbeddings(tf, model, task.pixels, task.n);
  const zt = await textEmbeddings(tf, model, vocab, task.prompts);
  const correct = new Float64Array(classes), seen = new Float64Array(classes);
  let top1 = 0, top5 = 0;
  const scores = new Float64Array(classes);
  for (let i = 0; i < task.n; i++) {
    for (let c = 0; c < classes; c++) { let s = 0; for (let d = 0; d < 64; d++) s += zi[i * 64 + d] * zt[c * 64 + d]; scores[c] = s; }
    const label = task.labels[i];
    let rank = 0; // classes scoring above the true one (ties go against it)
    for (let c = 0; c < classes; c++) if (c !== label && scores[c] >= scores[label]) rank++;
    seen[label]++;
    if (rank === 0) { top1++; correct[label]++; }
    if (rank < 5) top5++;
  }
  const perClass = Array.from(seen, (n, c) => (n > 0 ? correct[c] / n : null));
  const present = perClass.filter((a): a is number => a !== null);
  const mean = (cs: readonly number[]) => { const v = cs.map((c) => perClass[c]).filter((a): a is number => a !== null); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null; };
  const tail = [...Array(classes).keys()].filter((c) => !headClasses.includes(c));
  const metrics: Record<string, number | null> = {
    acc1: top1 / task.n,
    acc5: classes > 5 ? top5 / task.n : null,
    mean_per_class_recall: present.reduce((a, b) => a + b, 0) / present.length,
    acc_head: mean(headClasses),
    acc_tail: mean(tail),
  };
  perClass.forEach((a, c) => { metrics[`acc_class:${c}`] = a; });
  // the same images against each other language's prompts: top-1 per language
  for (const l of task.languages) metrics[`acc1:${l.lang}`] = top1Accuracy(zi, await textEmbeddings(tf, model, vocab, l.prompts), task.labels, task.n, classes);
  if (task.spec.retrieval_captions === "fashion-demo") metrics["image_text_class_recall@1"] = await classRecall(tf, model, vocab, task, zi);
  metrics.main_metric = metrics.acc1;
  return { key: task.spec.key, dataset: task.spec.dataset, metrics };
}

/** Top-1 zero-shot accuracy of image embeddings `zi` against class embeddings `zt` (ties go against the true class). */
function top1Accuracy(zi: Float32Array, zt: Float32Array, labels: Uint8Array, n: number, classes: number): number {
  let top1 = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    let own = 0;
    for (let d = 0; d < 64; d++) own += zi[i * 64 + d] * zt[label * 64 + d];
    let above = false;
    for (let c = 0; c < classes && !above; c++) {
      if (c === label) continue;
      let s = 0;
      for (let d = 0; d < 64; d++) s += zi[i * 64 + d] * zt[c * 64 + d];
      above = s >= own;
    }
    if (!above) top1++;
  }
  return top1 / n;
}

/** Class-level image→text R@1 over the first 1,000 test images, each with a clean caption of its class drawn from a fixed seed. */
async function classRecall(tf: Tf, model: TinyClip, vocab: Vocab, task: EvalTask, zi: Float32Array): Promise<number> {
  const n = Math.min(RETRIEVAL_IMAGES, task.n);
  const rng = mulberry32(RETRIEVAL_SEED);
  const captions = Array.from({ length: n }, (_, i) => makeCaption(task.labels[i], 0, rng).text);
  const zt = await textEmbeddings(tf, model, vocab, captions);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity, at = 0;
    for (let j = 0; j < n; j++) { let s = 0; for (let d = 0; d < 64; d++) s += zi[i * 64 + d] * zt[j * 64 + d]; if (s > best) { best = s; at = j; } }
    if (task.labels[at] === task.labels[i]) hits++;
  }
  return hits / n;
}
