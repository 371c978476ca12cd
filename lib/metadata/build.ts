/**
 * Building metadata from its sources as MetaCLIP did (spec §1.1): the strings "0".."99", WordNet
 * synset names, unigrams with a minimum count, bigrams by PMI, Wikipedia titles by pageviews.
 *
 * Union: empty strings and single punctuation characters are dropped, case is kept, duplicates are
 * merged and each entry records all its sources. Order (deterministic): "0".."99", then WordNet in
 * data-file order (noun, verb, adj, adv), unigrams by count descending, bigrams by PMI descending,
 * titles by views descending (ties by the string, binary order); an entry sits where it first came.
 */
import { writeFileSync } from "node:fs";
import { UsageError } from "../errors";
import { PARQUET_OPTIONS, openDuckDB, sqlString } from "../pool/duckdb";
import { StagedOutput } from "../util/stagedOutput";
import { builtOutputs } from "./folder";
import { bigramEntries, countCorpus, unigramEntries } from "./ngrams";
import { titleEntries } from "./titles";
import { synsetNames } from "./wordnet";

export interface BuildOptions {
  wordnet?: string;
  unigrams?: string[];
  corpus?: string[];
  minCount?: number;
  bigramPmi?: number;
  maxBigrams?: number;
  pageviews?: string[];
  project?: string;
  minViews?: number;
  topTitles?: number;
  onStage?: (stage: string) => void;
}

export const SOURCES = ["number", "wordnet", "unigram", "bigram", "title"] as const;
export type Source = (typeof SOURCES)[number];

/** Python's string.punctuation. */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

export interface BuildSummary {
  entries: number;
  per_source: Record<Source, number>;
  /** Entries shared by each pair of sources. */
  overlaps: Record<string, number>;
  dropped: { empty: number; punctuation: number };
  inputs: Record<string, unknown>;
}

function checkInteger(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new UsageError(`--${name} must be an integer >= ${min} (got ${v})`);
}

export function validateBuildOptions(o: BuildOptions): void {
  const corpus = (o.unigrams?.length ?? 0) + (o.corpus?.length ?? 0) > 0;
  if (!o.wordnet && !corpus && !o.pageviews?.length) throw new UsageError("give at least one source: --wordnet DIR, --unigrams FILE..., --corpus FILE... or --pageviews FILE...");
  checkInteger("min-count", o.minCount, 1);
  checkInteger("max-bigrams", o.maxBigrams, 1);
  checkInteger("min-views", o.minViews, 0);
  checkInteger("top-titles", o.topTitles, 1);
  if (o.bigramPmi !== undefined && !Number.isFinite(o.bigramPmi)) throw new UsageError(`--bigram-pmi must be a number (got ${o.bigramPmi})`);
  if ((o.bigramPmi !== undefined || o.maxBigrams !== undefined) && !corpus) throw new UsageError("--bigram-pmi needs a corpus: --unigrams FILE... or --corpus FILE...");
  if (o.minCount !== undefined && !corpus) throw new UsageError("--min-count needs --unigrams FILE... or --corpus FILE...");
  if ((o.minViews !== undefined || o.topTitles !== undefined || o.project !== undefined) && !o.pageviews?.length) throw new UsageError("--min-views, --top-titles and --project need --pageviews FILE...");
  if (o.minViews !== undefined && o.topTitles !== undefined) throw new UsageError("give either --min-views N or --top-titles K, not both");
}

/** Builds metadata.json, metadata.parquet and summary.json into `outDir` (written atomically). */
export async function buildMetadata(outDir: string, o: BuildOptions): Promise<BuildSummary> {
  validateBuildOptions(o);
  // what earlier builds wrote into the folder ({lang}.json lists of metadata build --lang) stays beside MetaCLIP 1's files
  const own = ["metadata.json", "metadata.parquet", "summary.json"];
  const out = await StagedOutput.open(outDir, { carry: { from: outDir, names: await builtOutputs(outDir, own) } });
  const con = await openDuckDB();
  try {
    const lists: [Source, string[]][] = [["number", Array.from({ length: 100 }, (_, i) => String(i))]];
    const inputs: Record<string, unknown> = {};
    if (o.wordnet) {
      o.onStage?.("wordnet");
      lists.push(["wordnet", await synsetNames(o.wordnet)]);
      inputs.wordnet = o.wordnet;
    }
    if ((o.unigrams?.length ?? 0) + (o.corpus?.length ?? 0) > 0) {
      o.onStage?.("counting the corpus");
      const n = await countCorpus(con, { countFiles: o.unigrams ?? [], textFiles: o.corpus ?? [] }, out.file("counts.tsv.tmp"));
      const minCount = o.minCount ?? 100;
      lists.push(["unigram", await unigramEntries(con, minCount)]);
      inputs.corpus = { count_files: o.unigrams ?? [], text_files: o.corpus ?? [], total_unigrams: n, min_count: minCount };
      if (o.bigramPmi !== undefined || o.maxBigrams !== undefined) {
        const threshold = o.bigramPmi ?? 30;
        lists.push(["bigram", (await bigramEntries(con, n, threshold, o.maxBigrams)).map((b) => b.entry)]);
        inputs.bigrams = { pmi: threshold, max: o.maxBigrams ?? null };
      }
    }
    if (o.pageviews?.length) {
      o.onStage?.("pageviews");
      const project = o.project ?? "en";
      const t = await titleEntries(con, { files: o.pageviews, project, minViews: o.minViews, top: o.topTitles });
      lists.push(["title", t.entries]);
      inputs.titles = { files: o.pageviews, project, min_views: o.topTitles === undefined ? (o.minViews ?? 70) : null, top: o.topTitles ?? null, skipped_lines: t.skippedLines };
    }

    const index = new Map<string, number>();
    const entries: string[] = [];
    const sources: Source[][] = [];
    const dropped = { empty: 0, punctuation: 0 };
    for (const [source, list] of lists) {
      for (const e of list) {
        if (e === "") { dropped.empty++; continue; }
        if (e.length === 1 && PUNCTUATION.has(e)) { dropped.punctuation++; continue; }
        const at = index.get(e);
        if (at === undefined) { index.set(e, entries.length); entries.push(e); sources.push([source]); }
        else if (!sources[at].includes(source)) sources[at].push(source);
      }
    }
    const perSource = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>;
    const overlaps: Record<string, number> = {};
    for (const s of sources) {
      for (const x of s) perSource[x]++;
      for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) {
        const key = [s[i], s[j]].sort((a, b) => SOURCES.indexOf(a) - SOURCES.indexOf(b)).join("+");
        overlaps[key] = (overlaps[key] ?? 0) + 1;
      }
    }
    const summary: BuildSummary = { entries: entries.length, per_source: perSource, overlaps, dropped, inputs };

    o.onStage?.("writing");
    writeFileSync(out.file("metadata.json"), JSON.stringify(entries));
    const ndjson = out.file("entries.ndjson.tmp");
    writeFileSync(ndjson, entries.map((e, i) => JSON.stringify({ entry_id: i, entry: e.toWellFormed(), sources: sources[i] })).join("\n") + "\n");
    await con.run(`COPY (SELECT entry_id, entry, sources[1] AS source, sources FROM read_json(${sqlString(ndjson)}, format = 'newline_delimited',
        columns = {'entry_id': 'INTEGER', 'entry': 'VARCHAR', 'sources': 'VARCHAR[]'}) ORDER BY entry_id)
      TO ${sqlString(out.file("metadata.parquet"))} (${PARQUET_OPTIONS})`);
    await out.writeJson("summary.json", summary);
    await out.commit(own);
    return summary;
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    con.closeSync();
  }
}
