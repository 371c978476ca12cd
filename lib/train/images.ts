/**
 * Images for the tiny CLIP: PNG or JPEG bytes → grey → 28×28 (area average when larger) →
 * standardised with Fashion-MNIST's mean and std (training-notes §4).
 */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { IMAGE_SIDE } from "./model";

export const PIXEL_MEAN = 0.286;
export const PIXEL_STD = 0.353;

/** bytes (0–255) → (x/255 − mean)/std into out. */
export function standardise(pixels: Uint8Array, out: Float32Array, at = 0): void {
  for (let i = 0; i < pixels.length; i++) out[at + i] = (pixels[i] / 255 - PIXEL_MEAN) / PIXEL_STD;
}

/** The image's 28×28 grey bytes, or null when it is neither PNG nor JPEG (or will not decode). */
export function decodeGrey(bytes: Uint8Array): Uint8Array | null {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) rgba = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    else if (bytes[0] === 0xff && bytes[1] === 0xd8) rgba = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 256 });
    else return null;
  } catch {
    return null;
  }
  const { width, height, data } = rgba;
  if (width < 1 || height < 1) return null;
  const grey = new Float64Array(width * height);
  for (let i = 0; i < width * height; i++) grey[i] = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
  const out = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  // each output pixel: the mean of the source pixels its cell covers (nearest when the source is smaller)
  for (let y = 0; y < IMAGE_SIDE; y++) {
    const y0 = Math.floor((y * height) / IMAGE_SIDE), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / IMAGE_SIDE));
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const x0 = Math.floor((x * width) / IMAGE_SIDE), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / IMAGE_SIDE));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += grey[yy * width + xx];
      out[y * IMAGE_SIDE + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}
