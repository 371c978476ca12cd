/**
 * A tiny CLIP (training-notes §7) on tfjs-core ops: an image tower (MLP 784-256-64, or a small CNN),
 * a bag-of-words text tower (bow · E · Wt + bt, an embedding bag as a dense matmul), both
 * L2-normalised into a shared 64-d space, symmetric InfoNCE with a learnable temperature clamped to
 * [1, 100] in scale. Weights are drawn from the seed with Box–Muller, so both backends start alike.
 */
import type { Scalar, Tensor, Tensor2D, Tensor4D, Variable } from "@tensorflow/tfjs-core";
import { mulberry32, normal } from "../util/rng";
import { makeOps, type Ops } from "./ops";
import type { Tf } from "./tf";

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const EMBED = 64;
const TOKEN_WIDTH = 128;
const HIDDEN = 256;
export const TOWERS = ["mlp", "cnn"] as const;
export type Tower = (typeof TOWERS)[number];
const INIT_SCALE = Math.log(1 / 0.07);
const MAX_SCALE = Math.log(100);

interface ParamSpec { name: string; shape: number[]; std: number }

/** tfjs wants every variable's name unique in the process; models are numbered. */
let models = 0;

function paramSpecs(tower: Tower, vocab: number): ParamSpec[] {
  const he = (fanIn: number) => Math.sqrt(2 / fanIn), out = (fanIn: number) => Math.sqrt(1 / fanIn);
  const image: ParamSpec[] = tower === "mlp"
    ? [{ name: "w1", shape: [IMAGE_PIXELS, HIDDEN], std: he(IMAGE_PIXELS) }, { name: "b1", shape: [HIDDEN], std: 0 },
       { name: "w2", shape: [HIDDEN, EMBED], std: out(HIDDEN) }, { name: "b2", shape: [EMBED], std: 0 }]
    : [{ name: "c1", shape: [3, 3, 1, 16], std: he(9) }, { name: "cb1", shape: [16], std: 0 },
       { name: "c2", shape: [3, 3, 16, 32], std: he(9 * 16) }, { name: "cb2", shape: [32], std: 0 },
       { name: "w3", shape: [7 * 7 * 32, 128], std: he(7 * 7 * 32) }, { name: "b3", shape: [128], std: 0 },
       { name: "w4", shape: [128, EMBED], std: out(128) }, { name: "b4", shape: [EMBED], std: 0 }];
  return [...image,
    { name: "E", shape: [vocab, TOKEN_WIDTH], std: 0.3 },
    { name: "Wt", shape: [TOKEN_WIDTH, EMBED], std: out(TOKEN_WIDTH) }, { name: "bt", shape: [EMBED], std: 0 }];
}

export interface SavedWeights {
  tower: Tower;
  vocab: number;
  /** name → shape and values, logitScale included. */
  params: { name: string; shape: number[]; values: Float32Array }[];
}

export class TinyClip {
  readonly vars: Variable[];
  private readonly byName: Map<string, Variable>;
  readonly logitScale: Variable;
  private readonly ops: Ops;

  private constructor(private readonly tf: Tf, readonly tower: Tower, readonly vocab: number, values: Map<string, Float32Array>, scale: number) {
    this.ops = makeOps(tf);
    this.byName = new Map();
    const id = models++;
    for (const p of paramSpecs(tower, vocab)) this.byName.set(p.name, tf.variable(tf.tensor(values.get(p.name)!, p.shape), true, `clip${id}/${p.name}`));
    this.logitScale = tf.variable(tf.scalar(scale), true, `clip${id}/logitScale`);
    this.vars = [...this.byName.values(), this.logitScale];
  }

  /** A model with weights drawn from `seed` (stream 3000 + seed). */
  static init(tf: Tf, tower: Tower, vocab: number, seed: number): TinyClip {
    const rng = mulberry32(3000 + seed);
    const values = new Map<string, Float32Array>();
    for (const p of paramSpecs(tower, vocab)) {
      const n = p.shape.reduce((a, b) => a * b, 1);
      const v = new Float32Array(n);
      if (p.std > 0) for (let i = 0; i < n; i++) v[i] = normal(rng) * p.std;
      values.set(p.name, v);
    }
    return new TinyClip(tf, tower, vocab, values, INIT_SCALE);
  }

  static load(tf: Tf, saved: SavedWeights): TinyClip {
    const values = new Map(saved.params.map((p) => [p.name, p.values]));
    const scale = values.get("logitScale")?.[0];
    if (scale === undefined) throw new Error("saved weights have no logitScale");
    return new TinyClip(tf, saved.tower, saved.vocab, values, scale);
  }

  private p(name: string): Tensor { return this.byName.get(name)!; }

  encodeImage(x: Tensor2D): Tensor2D {
    const { tf, ops } = this;
    if (this.tower === "mlp") {
      const h = tf.relu(tf.add(ops.mm(x, this.p("w1")), this.p("b1")));
      return tf.add(ops.mm(h, this.p("w2")), this.p("b2")) as Tensor2D;
    }
    const b = x.shape[0];
    const img = tf.reshape(x, [b, IMAGE_SIDE, IMAGE_SIDE, 1]) as Tensor4D;
    const h1 = tf.relu(tf.add(ops.conv3x3s2(img, this.p("c1") as Tensor4D, false), this.p("cb1"))) as Tensor4D;
    const h2 = tf.relu(tf.add(ops.conv3x3s2(h1, this.p("c2") as Tensor4D, true), this.p("cb2")));
    const flat = tf.reshape(h2, [b, 7 * 7 * 32]);
    const h3 = tf.relu(tf.add(ops.mm(flat, this.p("w3")), this.p("b3")));
    return tf.add(ops.mm(h3, this.p("w4")), this.p("b4")) as Tensor2D;
  }

  encodeText(bow: Tensor2D): Tensor2D {
    const { tf, ops } = this;
    return tf.add(ops.mm(ops.mm(bow, this.p("E")), this.p("Wt")), this.p("bt")) as Tensor2D;
  }

  /** Rows scaled to unit length (ε inside the square root). */
  normalise(z: Tensor2D): Tensor2D {
    const { tf } = this;
    return tf.div(z, tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-8))) as Tensor2D;
  }

  /** Symmetric InfoNCE over the batch: the i-th image goes with the i-th caption. */
  loss(x: Tensor2D, bow: Tensor2D): Scalar {
    const { tf, ops } = this;
    const zi = this.normalise(this.encodeImage(x));
    const zt = this.normalise(this.encodeText(bow));
    const logits = tf.mul(ops.mm(zi, tf.transpose(zt)), tf.exp(this.logitScale));
    const eye = tf.eye(x.shape[0]);
    const li = tf.sum(tf.mul(tf.logSoftmax(logits), eye));
    const lt = tf.sum(tf.mul(tf.logSoftmax(tf.transpose(logits)), eye));
    return tf.div(tf.add(li, lt), -2 * x.shape[0]) as Scalar;
  }

  /** After each step: the temperature's scale stays within [1, 100]. */
  clampTemperature(): void {
    const { tf } = this;
    tf.tidy(() => { this.logitScale.assign(tf.clipByValue(this.logitScale, 0, MAX_SCALE)); });
  }

  async save(): Promise<SavedWeights> {
    const params: SavedWeights["params"] = [];
    for (const p of paramSpecs(this.tower, this.vocab)) params.push({ name: p.name, shape: p.shape, values: (await this.byName.get(p.name)!.data()) as Float32Array });
    params.push({ name: "logitScale", shape: [], values: (await this.logitScale.data()) as Float32Array });
    return { tower: this.tower, vocab: this.vocab, params };
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}
