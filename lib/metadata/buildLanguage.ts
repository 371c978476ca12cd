/**
 * One language's metadata list as MetaCLIP 2 builds it (metaclip/metadata/build_metadata.py): the
 * strings "0".."99"; the language's WordNet lemmas (a lemma list file stands in for NLTK's omw-1.4:
 * one lemma per line, "_" a space, "+" removed for zh, ja and fr); corpus unigrams by count, the first
 * min(251,465, int(10% of the distinct unigrams)) new ones; bigrams with PMI > 30 by PMI, the first
 * min(100,646, distinct bigrams) new ones, joined without a space in languages written without spaces;
 * Wikipedia titles by views summed over every project of the language, the first min(61,235, int(76%
 * of the titles)) new ones. Each candidate is stripped and skipped when empty, longer than 256
 * characters (unigrams, bigrams, titles) or only punctuation; an entry sits where it first came.
 *
 * As in MetaCLIP 2's code, a source's cap counts entries it adds, checked after adding: a cap of 0 still
 * adds one entry. Ties (equal counts or views) go in binary string order. A language written without
 * spaces needs its corpus segmented into space-separated words beforehand (MetaCLIP 2 uses MeCab, CKIP,
 * …); captions are never segmented.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { OTHER_LANGUAGE } from "../curation/worldwide";
import { InputError, UsageError, quoted } from "../errors";
import { openDuckDB, queryRows } from "../pool/duckdb";
import { StagedOutput } from "../util/stagedOutput";
import { builtOutputs, LANGUAGE_CODE, refuseReplacingOwnFile } from "./folder";
import { bigramEntries, countCorpus, unigramEntries } from "./ngrams";
import { languageTitles } from "./titles";

export interface LanguageBuildOptions {
  lang: string;
  /** One lemma per line: the language's multilingual WordNet lemmas. */
  lemmas?: string;
  unigrams?: string[];
  corpus?: string[];
  pageviews?: string[];
  onStage?: (stage: string) => void;
}

export const NO_SPACE_LANGUAGES = new Set(["bo", "dz", "ja", "km", "lo", "my", "ryu", "th", "zh", "zh_classical", "zh_yue"]);
const PLUS_REMOVED = new Set(["zh", "ja", "fr"]);
const MAX_LEN = 256;
export const CAPS = { unigramShare: 0.1, unigrams: 251_465, bigramPmi: 30, bigrams: 100_646, titleShare: 0.76, titles: 61_235 } as const;
/** is_punctuation: Python's string.punctuation and MetaCLIP 2's additional marks (here with "¿"). */
const PUNCTUATION = new Set([..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", ..."，。、；：？¿！“”‘’（）【】《》〈〉「」『』～—"]);
const purePunctuation = (s: string) => [...s].every((c) => PUNCTUATION.has(c));

export type LanguageSource = "number" | "wordnet" | "unigram" | "bigram" | "title";

export interface LanguageBuildSummary {
  lang: string;
  entries: number;
  added: Record<LanguageSource, number>;
  caps: { unigrams: number | null; bigrams: number | null; titles: number | null };
  candidates: { lemmas: number; unigrams: number; bigrams: number; bigrams_above_pmi: number; titles: number };
}

export async function buildLanguageMetadata(outDir: string, o: LanguageBuildOptions): Promise<LanguageBuildSummary> {
  if (!LANGUAGE_CODE.test(o.lang)) throw new UsageError(`--lang must be a language code (letters, digits, _ and -, at most 32), got ${quoted(o.lang)}`);
  if (["metadata", "summary"].includes(o.lang)) throw new UsageError(`--lang ${o.lang}: ${o.lang}.json is MetaCLIP 1's build output's name, not a language's list`);
  if (o.lang.toLowerCase() === OTHER_LANGUAGE) throw new UsageError(`--lang ${OTHER_LANGUAGE} is no language: "${OTHER_LANGUAGE}" is where captions of no list go, and matches nothing`);
  const corpus = (o.unigrams?.length ?? 0) + (o.corpus?.length ?? 0) > 0;
  if (!o.lemmas && !corpus && !o.pageviews?.length) throw new UsageError("give at least one source: --lemmas FILE, --unigrams FILE..., --corpus FILE... or --pageviews FILE...");
  const own = `${o.lang}.json`;
  await refuseReplacingOwnFile(path.join(outDir, own), path.join(outDir, own));
  // the folder's other lists, built before, stay beside this one
  const out = await StagedOutput.open(outDir, { carry: { from: outDir, names: await builtOutputs(outDir, [own]) } });
  const con = await openDuckDB();
  try {
    const entries: string[] = [];
    const seen = new Set<string>();
    const added: Record<LanguageSource, number> = { number: 0, wordnet: 0, unigram: 0, bigram: 0, title: 0 };
    const add = (e: string, source: LanguageSource) => { if (seen.has(e)) return false; seen.add(e); entries.push(e); added[source]++; return true; };
    /** Adds the first `cap` new candidates that pass the checks (the cap checked after each one added, as the code does). */
    const addCapped = (candidates: Iterable<string>, source: LanguageSource, cap: number) => {
      let n = 0;
      for (const raw of candidates) {
        const e = raw.trim();
        if (e.length === 0 || [...e].length > MAX_LEN || purePunctuation(e)) continue;
        if (add(e, source) && ++n >= cap) break;
      }
    };
    for (let i = 0; i < 100; i++) add(String(i), "number");
    const summary: LanguageBuildSummary = { lang: o.lang, entries: 0, added, caps: { unigrams: null, bigrams: null, titles: null },
      candidates: { lemmas: 0, unigrams: 0, bigrams: 0, bigrams_above_pmi: 0, titles: 0 } };
    if (o.lemmas) {
      o.onStage?.("lemmas");
      const text = await readFile(o.lemmas, "utf8").catch((e: NodeJS.ErrnoException) => { throw new InputError(`--lemmas ${o.lemmas} cannot be read: ${e.code === "ENOENT" ? "no such file" : e.message}`); });
      const lemmas = text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l !== "");
      summary.candidates.lemmas = lemmas.length;
      for (let m of lemmas) {
        m = m.replaceAll("_", " ");
        if (PLUS_REMOVED.has(o.lang)) m = m.replaceAll("+", "");
        m = m.trim();
        if (m.length === 0 || purePunctuation(m)) continue;
        add(m, "wordnet");
      }
    }
    if (corpus) {
      o.onStage?.("counting the corpus");
      const n = await countCorpus(con, { countFiles: o.unigrams ?? [], textFiles: o.corpus ?? [] }, out.file("counts.tsv.tmp"));
      const unigrams = await unigramEntries(con, 1);
      summary.candidates.unigrams = unigrams.length;
      summary.caps.unigrams = Math.min(CAPS.unigrams, Math.floor(unigrams.length * CAPS.unigramShare));
      addCapped(unigrams, "unigram", summary.caps.unigrams);
      const distinctBigrams = Number((await queryRows(con, "SELECT count(*) AS n FROM bigrams"))[0].n);
      // MetaCLIP 2 keeps PMI > 30 (strictly); bigramEntries gives >= and the exact order
      const bigrams = (await bigramEntries(con, n, CAPS.bigramPmi)).filter((b) => b.pmi > CAPS.bigramPmi);
      summary.candidates.bigrams = distinctBigrams;
      summary.candidates.bigrams_above_pmi = bigrams.length;
      summary.caps.bigrams = Math.min(CAPS.bigrams, distinctBigrams);
      const noSpace = NO_SPACE_LANGUAGES.has(o.lang);
      addCapped(bigrams.map((b) => (noSpace ? b.entry.replaceAll(" ", "") : b.entry)), "bigram", summary.caps.bigrams);
    }
    if (o.pageviews?.length) {
      o.onStage?.("pageviews");
      const titles = await languageTitles(con, o.pageviews, o.lang);
      summary.candidates.titles = titles.length;
      summary.caps.titles = Math.min(CAPS.titles, Math.floor(titles.length * CAPS.titleShare));
      addCapped(titles, "title", summary.caps.titles);
    }
    summary.entries = entries.length;
    o.onStage?.("writing");
    await out.writeJson(own, entries);
    await out.commit([own]);
    return summary;
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    con.closeSync();
  }
}
