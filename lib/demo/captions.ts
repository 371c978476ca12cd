/**
 * Alt-text-like captions for Fashion-MNIST images (training-notes §5): 70% name the class with one
 * of five weighted surface forms in a web-style template, 30% are noise that never names it.
 */
import { mulberry32, type Rng } from "../util/rng";

export { mulberry32, type Rng };

export const SURFACE_FORMS: readonly string[][] = [
  ["t-shirt", "tee", "tank top", "crop top", "graphic tee"],
  ["trouser", "trousers", "pants", "jeans", "chinos"],
  ["pullover", "sweater", "jumper", "sweatshirt", "cardigan"],
  ["dress", "gown", "sundress", "maxi dress", "frock"],
  ["coat", "jacket", "parka", "overcoat", "blazer"],
  ["sandal", "sandals", "flip flops", "slides", "espadrilles"],
  ["shirt", "button-down", "blouse", "flannel", "oxford shirt"],
  ["sneaker", "trainers", "running shoe", "sneakers", "kicks"],
  ["bag", "handbag", "purse", "tote", "backpack"],
  ["ankle boot", "boots", "chelsea boot", "booties", "combat boots"],
];
const FORM_WEIGHTS = [0.3, 0.25, 0.2, 0.15, 0.1];

const ADJ = ["casual", "classic", "vintage", "slim", "oversized", "cotton", "leather", "wool", "cozy", "stylish", "lightweight", "comfortable"];
const COLOR = ["black", "white", "red", "blue", "green", "grey", "beige", "navy", "pink", "brown"];
const SEASON = ["spring", "summer", "autumn", "winter"];
const BRAND = ["acme", "nordik", "urbanco", "lumo", "zeta"];
const SIZE = ["s", "m", "l", "xl", "38", "42"];
const GENDER = ["men's", "women's", "kids", "unisex"];
const NAME = ["anna", "ben", "chloe", "david", "emma", "felix"];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

const CLEAN: ((x: string, r: Rng) => string)[] = [
  (x) => `a photo of a ${x}`,
  (x) => x,
  (x, r) => `${pick(r, ADJ)} ${x}`,
  (x, r) => `${pick(r, COLOR)} ${x} on sale`,
  (x, r) => `${pick(r, GENDER)} ${x}`,
  (x, r) => `${pick(r, GENDER)} ${pick(r, ADJ)} ${x}`,
  (x, r) => `new ${x} for ${pick(r, SEASON)}`,
  (x, r) => `buy ${pick(r, ADJ)} ${x} online`,
  (x, r) => `${x} size ${pick(r, SIZE)}`,
  (x, r) => `${pick(r, BRAND)} ${x}`,
  (x) => `cheap ${x} free shipping`,
  (x, r) => `a ${pick(r, ADJ)} ${x} in ${pick(r, COLOR)}`,
  (x) => `my favorite ${x}`,
  (x, r) => `${pick(r, BRAND)} ${pick(r, COLOR)} ${x} ${pick(r, GENDER)} size ${pick(r, SIZE)}`,
];

const NOISE: ((r: Rng) => string)[] = [
  (r) => `img_${int(r, 0, 9999)}.jpg`,
  (r) => `product ${int(r, 0, 999)}`,
  () => "new arrivals",
  (r) => `${pick(r, SEASON)} collection ${int(r, 2015, 2020)}`,
  () => "click here for more",
  () => "best deals of the week",
  () => "free shipping on all orders",
  (r) => `${pick(r, BRAND)} official store`,
  (r) => `photo by ${pick(r, NAME)}`,
  () => "untitled",
  (r) => `sale ${int(r, 10, 70)}% off`,
  () => "limited edition",
  (r) => `${pick(r, COLOR)} and ${pick(r, COLOR)}`,
  (r) => `gift idea for ${pick(r, GENDER)}`,
];

function weighted(rng: Rng, weights: readonly number[]): number {
  let u = rng();
  for (let i = 0; i < weights.length; i++) { if (u < weights[i]) return i; u -= weights[i]; }
  return weights.length - 1;
}

export function makeCaption(label: number, noiseFrac: number, rng: Rng): { text: string; noisy: boolean } {
  if (rng() < noiseFrac) return { text: pick(rng, NOISE)(rng), noisy: true };
  const form = SURFACE_FORMS[label][weighted(rng, FORM_WEIGHTS)];
  return { text: pick(rng, CLEAN)(form, rng), noisy: false };
}
