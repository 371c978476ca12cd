/** IDX files (MNIST's format, gzip-compressed or not): 28×28-style image arrays and their labels. */
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../errors";

function readIdx(file: string, hint: string): Buffer {
  if (!existsSync(file)) throw new InputError(`${file} not found${hint}`);
  const raw = readFileSync(file);
  try {
    return file.endsWith(".gz") ? gunzipSync(raw) : raw;
  } catch (e) {
    throw new InputError(`${file}: not gzip-compressed IDX (${(e as Error).message})`);
  }
}

export interface IdxImages {
  n: number;
  rows: number;
  cols: number;
  /** n × rows × cols bytes, row-major. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** An IDX image file (magic 2051) and its label file (magic 2049), checked to agree. */
export function readIdxImages(imagesFile: string, labelsFile: string, hint = ""): IdxImages {
  const img = readIdx(imagesFile, hint), lab = readIdx(labelsFile, hint);
  if (img.length < 16 || lab.length < 8 || img.readUInt32BE(0) !== 2051 || lab.readUInt32BE(0) !== 2049) throw new InputError(`${imagesFile}, ${labelsFile}: not IDX image and label files (bad magic)`);
  const n = img.readUInt32BE(4), rows = img.readUInt32BE(8), cols = img.readUInt32BE(12);
  if (lab.readUInt32BE(4) !== n || img.length < 16 + n * rows * cols || lab.length < 8 + n) throw new InputError(`${imagesFile}: bad IDX header (${n} images of ${rows}×${cols}, ${lab.readUInt32BE(4)} labels)`);
  return { n, rows, cols, pixels: new Uint8Array(img.subarray(16, 16 + n * rows * cols)), labels: new Uint8Array(lab.subarray(8, 8 + n)) };
}
