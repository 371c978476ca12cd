// Training benchmark (npm run bench:train). Not a test: prints figures. The tiny CLIP's training
// throughput on one core (samples/s, batch 256, MLP and CNN towers) and the zero-shot encoding of
// 10,000 test images, on tfjs-wasm with the custom gradients, against the named baseline: the same
// model's forward+backward (and the same encoding) on plain @tensorflow/tfjs-backend-cpu.
import type { Scalar } from "@tensorflow/tfjs-core";
import { mulberry32, normal } from "../lib/util/rng";
import { IMAGE_PIXELS, TinyClip, type Tower } from "../lib/train/model";
import { loadTf, type Backend } from "../lib/train/tf";

const BATCH = 256, VOCAB = 300, TEST = 10_000;
const rng = mulberry32(7);
const pixels = Float32Array.from({ length: BATCH * IMAGE_PIXELS }, () => normal(rng));
const bow = new Float32Array(BATCH * VOCAB);
for (let r = 0; r < BATCH; r++) for (let k = 0; k < 5; k++) bow[r * VOCAB + Math.floor(rng() * VOCAB)] += 0.2;
const test = Float32Array.from({ length: TEST * IMAGE_PIXELS }, () => normal(rng));

async function measure(backend: Backend, tower: Tower, steps: number): Promise<{ perSecond: number; evalMs: number }> {
  const tf = await loadTf(backend);
  const model = TinyClip.init(tf, tower, VOCAB, 0);
  const opt = tf.train.adam(2e-3);
  const x = tf.tensor2d(pixels, [BATCH, IMAGE_PIXELS]), b = tf.tensor2d(bow, [BATCH, VOCAB]);
  const step = () => { const l = opt.minimize(() => model.loss(x, b), true, model.vars) as Scalar; model.clampTemperature(); l.dataSync(); l.dispose(); };
  for (let i = 0; i < 2; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const perSecond = (steps * BATCH) / ((performance.now() - t0) / 1000);
  const e0 = performance.now();
  for (let from = 0; from < TEST; from += 1000) {
    const z = tf.tidy(() => model.normalise(model.encodeImage(tf.tensor2d(test.subarray(from * IMAGE_PIXELS, (from + 1000) * IMAGE_PIXELS), [1000, IMAGE_PIXELS]))));
    z.dataSync(); z.dispose();
  }
  const evalMs = performance.now() - e0;
  x.dispose(); b.dispose(); opt.dispose(); model.dispose();
  return { perSecond, evalMs };
}

console.log(`tiny CLIP, batch ${BATCH}, vocabulary ${VOCAB}, one thread (tfjs in Node), ${TEST.toLocaleString("en")} test images encoded in chunks of 1,000\n`);
for (const tower of ["mlp", "cnn"] as const) {
  const wasm = await measure("wasm", tower, tower === "mlp" ? 30 : 10);
  const cpu = await measure("cpu", tower, tower === "mlp" ? 4 : 2);
  console.log(`${tower}: metacurate (tfjs-wasm, custom gradients) ${Math.round(wasm.perSecond).toLocaleString("en")} samples/s, zero-shot encoding ${(wasm.evalMs / 1000).toFixed(2)} s`);
  console.log(`${tower}: baseline = plain tfjs-backend-cpu, the same model: ${Math.round(cpu.perSecond).toLocaleString("en")} samples/s, encoding ${(cpu.evalMs / 1000).toFixed(2)} s`);
  console.log(`${tower}: ratio ${(wasm.perSecond / cpu.perSecond).toFixed(1)}x training, ${(cpu.evalMs / wasm.evalMs).toFixed(1)}x encoding\n`);
}
