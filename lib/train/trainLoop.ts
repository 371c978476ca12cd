/**
 * Trains a tiny CLIP for a fixed number of samples seen (DataComp fixes compute, not epochs): batches
 * of the pairs in a seeded shuffled order, reshuffled whenever it runs out, Adam, the temperature
 * clamped after every step. Stops early only at the wall-clock cap (and says so).
 */
import type { Scalar } from "@tensorflow/tfjs-core";
import { mulberry32, shuffleInPlace } from "../util/rng";
import { IMAGE_PIXELS, TinyClip, type Tower } from "./model";
import { fillBow } from "./text";
import type { Tf } from "./tf";

export interface TrainData {
  n: number;
  /** n × 784 standardised pixels. */
  pixels: Float32Array;
  /** Token ids of each pair's caption. */
  tokens: Int32Array[];
  vocabSize: number;
}

export interface TrainOptions {
  tower: Tower;
  batch: number;
  lr: number;
  samplesSeen: number;
  seed: number;
  /** Stop after this many ms of training (the run records it stopped early). */
  wallCapMs?: number;
  /** After every LOSS_EVERY steps: steps done, of all, the mean loss of those steps, samples/s so far. */
  onProgress?: (step: number, steps: number, loss: number, samplesPerSecond: number) => void;
  /** Checked between steps: true ends the run (a cancel). */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  model: TinyClip;
  steps: number;
  stepsPlanned: number;
  samplesSeen: number;
  batch: number;
  /** Mean loss of each LOSS_EVERY-step window, in order. */
  losses: { step: number; loss: number }[];
  trainMs: number;
  stoppedByCap: boolean;
}

export const LOSS_EVERY = 10;

export async function trainModel(tf: Tf, data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  const batch = Math.min(opts.batch, data.n);
  const stepsPlanned = Math.max(1, Math.ceil(opts.samplesSeen / batch));
  const model = TinyClip.init(tf, opts.tower, data.vocabSize, opts.seed);
  const optimizer = tf.train.adam(opts.lr);
  const rng = mulberry32(5000 + opts.seed);
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  shuffleInPlace(order, rng);
  let at = 0;
  const xb = new Float32Array(batch * IMAGE_PIXELS), bb = new Float32Array(batch * data.vocabSize);
  const rows: Int32Array[] = new Array(batch);
  const losses: TrainResult["losses"] = [];
  let window: Scalar[] = [];
  const started = performance.now();
  let steps = 0, stoppedByCap = false;
  const flush = async () => {
    if (window.length === 0) return;
    const values = await Promise.all(window.map((l) => l.data()));
    window.forEach((l) => l.dispose());
    const loss = values.reduce((a, v) => a + v[0], 0) / values.length;
    losses.push({ step: steps, loss });
    window = [];
    // a turn of the event loop: a SIGTERM (cancel) is handled only there
    await new Promise((resolve) => setImmediate(resolve));
    opts.onProgress?.(steps, stepsPlanned, loss, (steps * batch) / Math.max(0.001, (performance.now() - started) / 1000));
  };
  try {
    for (; steps < stepsPlanned; ) {
      if (opts.shouldStop?.()) break;
      if (opts.wallCapMs !== undefined && performance.now() - started > opts.wallCapMs) { stoppedByCap = true; break; }
      for (let r = 0; r < batch; r++) {
        if (at === data.n) { shuffleInPlace(order, rng); at = 0; }
        const i = order[at++];
        xb.set(data.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), r * IMAGE_PIXELS);
        rows[r] = data.tokens[i];
      }
      fillBow(bb, data.vocabSize, rows);
      const x = tf.tensor2d(xb, [batch, IMAGE_PIXELS]), bow = tf.tensor2d(bb, [batch, data.vocabSize]);
      const loss = optimizer.minimize(() => model.loss(x, bow), true, model.vars) as Scalar;
      model.clampTemperature();
      x.dispose(); bow.dispose();
      window.push(loss);
      steps++;
      if (steps % LOSS_EVERY === 0 || steps === stepsPlanned) await flush();
    }
    await flush();
  } finally {
    for (const l of window) l.dispose();
    optimizer.dispose();
  }
  return { model, steps, stepsPlanned, samplesSeen: steps * batch, batch, losses, trainMs: performance.now() - started, stoppedByCap };
}
