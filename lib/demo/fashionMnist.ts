/** Debian's dataset-fashion-mnist: gzip-compressed IDX files of 28×28 grayscale images and labels. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { InputError } from "../errors";

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

function readIdx(file: string): Buffer {
  if (!existsSync(file)) {
    throw new InputError(`${file} not found: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or set METACURATE_FASHION_MNIST_DIR`);
  }
  const raw = readFileSync(file);
  return file.endsWith(".gz") ? gunzipSync(raw) : raw;
}

export function loadFashionSplit(which: "train" | "t10k", dir = fashionMnistDir()): FashionSplit {
  const img = readIdx(path.join(dir, `${which}-images-idx3-ubyte.gz`));
  const lab = readIdx(path.join(dir, `${which}-labels-idx1-ubyte.gz`));
  if (img.readUInt32BE(0) !== 2051 || lab.readUInt32BE(0) !== 2049) throw new InputError(`${dir}: not Fashion-MNIST IDX files (bad magic)`);
  const n = img.readUInt32BE(4);
  if (img.readUInt32BE(8) !== 28 || img.readUInt32BE(12) !== 28 || lab.readUInt32BE(4) !== n || img.length < 16 + n * 784) {
    throw new InputError(`${dir}: bad Fashion-MNIST IDX header`);
  }
  return { n, pixels: new Uint8Array(img.subarray(16, 16 + n * 784)), labels: new Uint8Array(lab.subarray(8, 8 + n)) };
}
