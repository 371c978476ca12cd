/**
 * The built-in demo: Fashion-MNIST images (Debian's dataset-fashion-mnist) with alt-text-like
 * captions, a long-tailed class distribution, five synonyms per class and ~30% noise captions, plus
 * metadata from WordNet synset names and the synonyms. Deterministic: the same seed, the same pool.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDuckDB, sqlString } from "../pool/duckdb";
import { synsetNames, wordnetDbDir } from "../metadata/wordnet";
import { makeCaption, mulberry32, SURFACE_FORMS } from "./captions";
import { classNames, DEMO_LANGUAGES, languageList, makeWorldwideCaption, pickLanguage, PROMPTS } from "./worldwideCaptions";
import { CLASS_NAMES, FASHION_SIDE, fashionMnistDir, loadFashionSplit } from "./fashionMnist";
import { encodeGrayPng } from "./png";
import { tarArchive } from "./tarWriter";

export interface DemoPool {
  rows: number;
  /** Images per class, by class id. */
  classSizes: number[];
  metadataEntries: number;
}

export const NOISE_FRACTION = 0.3;
/** Class k (in a seeded order) gets a share proportional to TAIL_RATIO^k. */
const TAIL_RATIO = 0.6;

function classSizes(rows: number, rng: () => number): number[] {
  const order = [...CLASS_NAMES.keys()];
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const weights = order.map((_, k) => TAIL_RATIO ** k);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = new Array<number>(order.length).fill(0);
  order.forEach((cls, k) => { sizes[cls] = Math.max(1, Math.round((rows * weights[k]) / sum)); });
  return sizes;
}

/** Samples per webdataset shard, as img2dataset's default. */
export const SAMPLES_PER_SHARD = 10_000;
/** The demo's stand-in for a crawl's image host when its images live in tar shards (never fetched). */
export const DEMO_IMAGE_HOST = "https://fashion-mnist.invalid/";

/**
 * Writes into `dir`: pool.parquet (uid, url, text, label, and DataComp's original_width and
 * original_height: the images' own 28 × 28, all the DataComp columns the demo can honestly have; a
 * CLIP score comes from `metacurate score`), the images and metadata.parquet (entry,
 * source). Images are files `images/N.png`, each url `urlPrefix + "images/N.png"` (a path relative to
 * the workspace); or, with `webdataset`, tar shards `shards/SSSSS.tar` as img2dataset writes them
 * (KEY.png, KEY.txt, KEY.json with uid, url and caption), each url then on DEMO_IMAGE_HOST.
 */
export async function writeDemoPool(dir: string, opts: { rows?: number; seed?: number; urlPrefix?: string; webdataset?: boolean; worldwide?: boolean } = {}): Promise<DemoPool> {
  const rows = opts.rows ?? 15_000;
  const seed = opts.seed ?? 0;
  const rng = mulberry32(1000 + seed);
  const train = loadFashionSplit("train");
  const sizes = classSizes(rows, rng);
  const byClass: number[][] = CLASS_NAMES.map(() => []);
  for (let i = 0; i < train.n; i++) byClass[train.labels[i]].push(i);
  const picked: { image: number; label: number }[] = [];
  sizes.forEach((size, label) => {
    for (let k = 0; k < Math.min(size, byClass[label].length); k++) picked.push({ image: byClass[label][k], label });
  });
  for (let i = picked.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [picked[i], picked[j]] = [picked[j], picked[i]]; }

  const images = path.join(dir, opts.webdataset ? "shards" : "images");
  mkdirSync(images, { recursive: true });
  const lines: string[] = [];
  let shard: { name: string; data: Uint8Array }[] = [];
  const flush = (n: number) => { writeFileSync(path.join(images, `${String(n).padStart(5, "0")}.tar`), tarArchive(shard)); shard = []; };
  picked.forEach(({ image, label }, i) => {
    const name = `${String(i).padStart(6, "0")}.png`;
    const png = encodeGrayPng(train.pixels.subarray(image * 784, (image + 1) * 784), 28, 28);
    const uid = createHash("md5").update(`fashion-demo:${seed}:${i}`).digest("hex");
    // worldwide: each caption in a language of its own (lib/demo/worldwideCaptions), recorded in a `lang` column
    const lang = opts.worldwide ? pickLanguage(rng) : null;
    const { text } = lang ? makeWorldwideCaption(lang, label, NOISE_FRACTION, rng) : makeCaption(label, NOISE_FRACTION, rng);
    const url = opts.webdataset ? `${DEMO_IMAGE_HOST}${name}` : `${opts.urlPrefix ?? ""}images/${name}`;
    lines.push(JSON.stringify({ uid, url, text, label, original_width: FASHION_SIDE, original_height: FASHION_SIDE, ...(lang ? { lang } : {}) }));
    if (!opts.webdataset) { writeFileSync(path.join(images, name), png); return; }
    const key = String(i).padStart(9, "0");
    shard.push({ name: `${key}.png`, data: png }, { name: `${key}.txt`, data: Buffer.from(text) },
      { name: `${key}.json`, data: Buffer.from(JSON.stringify({ key, uid, url, caption: text, status: "success", width: 28, height: 28 })) });
    if ((i + 1) % SAMPLES_PER_SHARD === 0) flush(i / SAMPLES_PER_SHARD | 0);
  });
  if (shard.length) flush(Math.floor(picked.length / SAMPLES_PER_SHARD));

  const synonyms = [...new Set(SURFACE_FORMS.flat())];
  const wordnet = await synsetNames(wordnetDbDir());
  const seen = new Set<string>();
  const metadata: string[] = [];
  for (const [entries, source] of [[wordnet, "wordnet"], [synonyms, "synonyms"]] as const) {
    for (const entry of entries) if (entry !== "" && !seen.has(entry)) { seen.add(entry); metadata.push(JSON.stringify({ entry, source })); }
  }

  if (opts.worldwide) {
    // MetaCLIP 2's layout: metadata/{lang}.json; English's is the English demo's list
    const folder = path.join(dir, "metadata");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "en.json"), JSON.stringify(metadata.map((m) => (JSON.parse(m) as { entry: string }).entry)));
    for (const lang of DEMO_LANGUAGES) if (lang !== "en") writeFileSync(path.join(folder, `${lang}.json`), JSON.stringify(languageList(lang)));
  }
  const poolJson = path.join(dir, "pool.ndjson.tmp");
  const metaJson = path.join(dir, "metadata.ndjson.tmp");
  writeFileSync(poolJson, lines.join("\n") + "\n");
  writeFileSync(metaJson, metadata.join("\n") + "\n");
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT * FROM read_json(${sqlString(poolJson)}, format = 'newline_delimited',
        columns = {'uid': 'VARCHAR', 'url': 'VARCHAR', 'text': 'VARCHAR', 'label': 'INTEGER', 'original_width': 'INTEGER', 'original_height': 'INTEGER'${opts.worldwide ? ", 'lang': 'VARCHAR'" : ""}}))
      TO ${sqlString(path.join(dir, "pool.parquet"))} (FORMAT parquet)`);
    await con.run(`COPY (SELECT * FROM read_json(${sqlString(metaJson)}, format = 'newline_delimited',
        columns = {'entry': 'VARCHAR', 'source': 'VARCHAR'}))
      TO ${sqlString(path.join(dir, "metadata.parquet"))} (FORMAT parquet)`);
  } finally {
    con.closeSync();
    rmSync(poolJson, { force: true });
    rmSync(metaJson, { force: true });
  }
  return { rows: picked.length, classSizes: sizes, metadataEntries: metadata.length };
}

/**
 * source/eval.json: the demo's labelled test set for zero-shot evaluation (lib/train/evalTask):
 * Fashion-MNIST's 10,000 test images, prompts "a photo of a {class}" with each class's canonical name,
 * head and tail classes by the pool's `label` column, class-level retrieval on the demo's captions.
 */
export function writeDemoEvalTask(sourceDir: string, mnistDir = fashionMnistDir(), worldwide = false): void {
  const task = {
    key: "fashion_mnist", dataset: "Fashion-MNIST", format: "idx",
    images: path.join(mnistDir, "t10k-images-idx3-ubyte.gz"), labels: path.join(mnistDir, "t10k-labels-idx1-ubyte.gz"),
    classes: SURFACE_FORMS.map((forms) => forms[0]), prompt: "a photo of a {class}", class_column: "label", retrieval_captions: "fashion-demo",
    // the worldwide demo: zero-shot with each language's class names and prompt too (metrics acc1:LANG)
    ...(worldwide ? { languages: DEMO_LANGUAGES.filter((l) => l !== "en").map((lang) => ({ lang, classes: classNames(lang), prompt: PROMPTS[lang] })) } : {}),
  };
  writeFileSync(path.join(sourceDir, "eval.json"), JSON.stringify(task, null, 2) + "\n");
}
