/**
 * The tiny CLIP's ops whose tfjs gradients are slow or missing on the wasm backend
 * (training-notes §8), written with tf.customGrad over kernels wasm runs fast:
 * - mm: a matmul whose gradient transposes explicitly (wasm's transposed matmul is ~10× slower);
 * - conv3x3s2: a 3×3, stride-2, "same" conv on even sizes, whose filter gradient is a dilated conv
 *   with batch and channel axes swapped (wasm has no Conv2DBackpropFilter) and whose input gradient is
 *   a conv of the zero-upsampled gradient with the flipped kernel.
 * A test checks each against tfjs's own gradients on the cpu backend.
 */
import type { Tensor, Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";
import type { Tf } from "./tf";

export interface Ops {
  mm(a: Tensor, b: Tensor): Tensor2D;
  /** x [B,H,W,C] (H, W even) * w [3,3,C,O] → [B,H/2,W/2,O]; `inputGrad` false for a data input (its gradient is not needed). */
  conv3x3s2(x: Tensor4D, w: Tensor4D, inputGrad: boolean): Tensor4D;
}

export function makeOps(tf: Tf): Ops {
  const mmGrad = tf.customGrad(((a: Tensor2D, b: Tensor2D, save: (ts: Tensor[]) => void) => {
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: Tensor2D, [A, B]: Tensor2D[]) => [tf.matMul(dy, tf.transpose(B)), tf.matMul(tf.transpose(A), dy)],
    };
  }) as never) as unknown as (a: Tensor, b: Tensor) => Tensor2D;

  const filterGrad = (x: Tensor4D, dy: Tensor4D): Tensor4D => {
    const xp = tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]]); // TF "same" for k3 s2 on even sizes: 0 before, 1 after
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as Tensor4D; // [C, H+1, W+1, B]
    const ft = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D; // [Ho, Wo, B, O]
    const g = tf.conv2d(xt, ft, 1, "valid", "NHWC", 2); // dilation 2 → [C, 3, 3, O]
    return tf.transpose(g, [1, 2, 0, 3]);
  };
  const inputGrad = (dy: Tensor4D, w: Tensor4D): Tensor4D => {
    const [B, Ho, Wo, O] = dy.shape;
    const z = tf.reshape(tf.pad(tf.reshape(dy, [B, Ho, 1, Wo, 1, O]), [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]), [B, 2 * Ho, 2 * Wo, O]);
    const zp = tf.pad(z, [[0, 0], [2, 0], [2, 0], [0, 0]]) as Tensor4D;
    const wf = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
    return tf.conv2d(zp, wf, 1, "valid");
  };
  const make = (withInput: boolean) => tf.customGrad(((x: Tensor4D, w: Tensor4D, save: (ts: Tensor[]) => void) => {
    save([x, w]);
    return {
      value: tf.conv2d(x, w, 2, "same"),
      gradFunc: (dy: Tensor4D, [X, W]: Tensor4D[]) => [withInput ? inputGrad(dy, W) : tf.zerosLike(X), filterGrad(X, dy)],
    };
  }) as never) as unknown as (x: Tensor4D, w: Tensor4D) => Tensor4D;
  const convIn = make(true), convData = make(false);
  return {
    mm: (a, b) => mmGrad(a, b),
    conv3x3s2: (x, w, needInput) => {
      if (x.shape[1] % 2 !== 0 || x.shape[2] % 2 !== 0) throw new Error(`conv3x3s2 needs even sizes (got ${x.shape[1]}×${x.shape[2]})`);
      return (needInput ? convIn : convData)(x, w);
    },
  };
}
