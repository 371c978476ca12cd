/** Debian's dataset-fashion-mnist: gzip-compressed IDX files of 28×28 grayscale images and labels. */
import path from "node:path";
import { InputError } from "../errors";
import { readIdxImages } from "../util/idx";

/** The side of a Fashion-MNIST image, in pixels. */
export const FASHION_SIDE = 28;

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
export const CLASS_NAMES = ["t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

export interface FashionSplit {
  n: number;
  /** n × 784 bytes, row-major. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

export function fashionMnistDir(): string {
  return process.env.METACURATE_FASHION_MNIST_DIR || FASHION_MNIST_DIR;
}

export function loadFashionSplit(which: "train" | "t10k", dir = fashionMnistDir()): FashionSplit {
  const hint = ": install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or set METACURATE_FASHION_MNIST_DIR";
  const { n, rows, cols, pixels, labels } = readIdxImages(path.join(dir, `${which}-images-idx3-ubyte.gz`), path.join(dir, `${which}-labels-idx1-ubyte.gz`), hint);
  if (rows !== FASHION_SIDE || cols !== FASHION_SIDE) throw new InputError(`${dir}: bad Fashion-MNIST IDX header (${rows}×${cols} images)`);
  return { n, pixels, labels };
}
