/**
 * The built-in demo: a small, self-contained pool of alt-text-like captions with a long-tailed
 * distribution of subjects (Zipf over WordNet nouns), synonyms, and ~30% noise captions that match
 * nothing useful, plus WordNet metadata. Deterministic: the same seed gives the same pool.
 */
import { createHash } from "node:crypto";
import { writeFileSync, rmSync } from "node:fs";
import { openDuckDB, sqlString } from "../pool/duckdb";
import { readSynsets, wordnetDbDir } from "../metadata/wordnet";

export interface DemoPool {
  rows: number;
  subjects: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TEMPLATES = [
  "a photo of a {}", "{} on a white background", "Black {} isolated", "close-up of the {} in the garden",
  "vintage {} for sale", "{} stock photo", "a {} and a {2}", "watercolor painting of a {}", "the {} at night",
  "cute {} illustration vector", "{}, detail", "my new {}!",
];
const ADJECTIVES = ["red", "small", "old", "beautiful", "wooden", "blue", "large", "modern", "happy", "green"];

/** Writes pool.parquet and metadata.json for the demo into `dir`. */
export async function writeDemoPool(dir: string, rows = 20_000, seed = 1): Promise<DemoPool> {
  const next = rng(seed);
  const synsets = (await readSynsets(wordnetDbDir())).filter((s) => s.pos === "n" && s.lemmas.length > 1);
  const subjects = synsets.filter((_, i) => i % 37 === 0).slice(0, 3000);
  const zipf = subjects.map((_, k) => 1 / (k + 1));
  const total = zipf.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  zipf.reduce((acc, w) => { cdf.push((acc + w) / total); return acc + w; }, 0);
  const pickSubject = () => {
    const u = next();
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
    const lemmas = subjects[lo].lemmas; // synonyms: any lemma of the synset
    return lemmas[Math.floor(next() * lemmas.length)].replaceAll("_", " ");
  };
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    let text: string;
    if (next() < 0.3) {
      text = next() < 0.5 ? `IMG_${Math.floor(next() * 1e6)}.JPG` : `${Math.floor(next() * 1e8).toString(36)} ${Math.floor(next() * 1e8).toString(36)}`;
    } else {
      const template = TEMPLATES[Math.floor(next() * TEMPLATES.length)];
      text = template.replace("{}", (next() < 0.3 ? ADJECTIVES[Math.floor(next() * ADJECTIVES.length)] + " " : "") + pickSubject()).replace("{2}", pickSubject());
    }
    const uid = createHash("md5").update(`demo:${seed}:${i}`).digest("hex");
    lines.push(JSON.stringify({ uid, url: `demo://${uid}.jpg`, text }));
  }
  const json = `${dir}/pool.ndjson`;
  writeFileSync(json, lines.join("\n") + "\n");
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT * FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {'uid': 'VARCHAR', 'url': 'VARCHAR', 'text': 'VARCHAR'}))
      TO ${sqlString(`${dir}/pool.parquet`)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
    rmSync(json);
  }
  const metadata = [...new Set(synsets.concat((await readSynsets(wordnetDbDir())).filter((s) => s.pos !== "n")).flatMap((s) => s.lemmas.map((l) => l.replaceAll("_", " "))))];
  writeFileSync(`${dir}/metadata.json`, JSON.stringify(metadata));
  return { rows, subjects: subjects.length };
}
