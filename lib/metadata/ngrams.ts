/**
 * Unigram and bigram counts from a corpus, and bigram PMI as NLTK's BigramAssocMeasures.pmi.
 *
 * Corpus inputs:
 * - counts files (`word<TAB>count` per line; a word holding one space is a bigram count);
 * - raw text files (plain or .gz), counted by native DuckDB so a Wikipedia-sized corpus streams
 *   (aggregation spills to disk). Tokenisation: each line is split on whitespace; leading and
 *   trailing punctuation and symbols (Unicode P and S) are stripped from each token; empty tokens
 *   are dropped; case is kept. Bigrams are consecutive tokens of one line. A line is cut at a
 *   \x01 byte (text corpora hold none).
 */
import { appendFileSync, createReadStream, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { InputError, firstLine } from "../errors";
import { sqlString, type DuckDBConnection } from "../pool/duckdb";

export interface CorpusInputs {
  countFiles: string[];
  textFiles: string[];
}

async function requireFile(file: string, what: string): Promise<void> {
  const s = await stat(file).catch(() => null);
  if (!s?.isFile()) throw new InputError(`${what} ${file} does not exist or is not a file`);
}

/** Lines of a plain or .gz text file, with their numbers; a broken gzip is an error naming the file. */
export async function* fileLines(file: string): AsyncGenerator<[string, number]> {
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  let failure: Error | null = null;
  input.on("error", (e) => { failure = e; });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      yield [line, n];
    }
  } catch (e) {
    failure ??= e as Error;
  }
  if (failure) throw new InputError(`${file}: cannot read${file.endsWith(".gz") ? " (not a valid gzip file?)" : ""}: ${firstLine(failure)}`);
}

/**
 * Loads all inputs into DuckDB tables `unigrams(w, c)` and `bigrams(w1, w2, c)` (counts summed
 * over inputs), and returns N, the total number of unigrams.
 */
export async function countCorpus(con: DuckDBConnection, inputs: CorpusInputs, tmpTsv: string): Promise<number> {
  await con.run("CREATE OR REPLACE TABLE unigrams (w VARCHAR, c BIGINT); CREATE OR REPLACE TABLE bigrams (w1 VARCHAR, w2 VARCHAR, c BIGINT)");
  for (const file of inputs.countFiles) {
    await requireFile(file, "counts file");
    writeFileSync(tmpTsv, "");
    let buffer: string[] = [];
    for await (const [line, n] of fileLines(file)) {
      if (line === "") continue;
      const tab = line.lastIndexOf("\t");
      const word = line.slice(0, tab);
      const count = line.slice(tab + 1);
      if (tab <= 0 || !/^\d+$/.test(count)) throw new InputError(`${file}:${n}: malformed count line (expected word<TAB>count): ${JSON.stringify(line.slice(0, 80))}`);
      const parts = word.split(" ");
      if (parts.length > 2 || parts.some((p) => p === "")) throw new InputError(`${file}:${n}: a counted word holds at most one single space (a bigram): ${JSON.stringify(word.slice(0, 80))}`);
      if (word.includes("\t")) throw new InputError(`${file}:${n}: malformed count line (two tabs)`);
      buffer.push(`${parts[0]}\t${parts[1] ?? ""}\t${count}`);
      if (buffer.length === 100_000) { appendFileSync(tmpTsv, buffer.join("\n") + "\n"); buffer = []; }
    }
    if (buffer.length) appendFileSync(tmpTsv, buffer.join("\n") + "\n");
    const src = `read_csv(${sqlString(tmpTsv)}, header = false, auto_detect = false, delim = '\t', quote = '', escape = '',
      columns = {'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'BIGINT'})`;
    await con.run(`INSERT INTO unigrams SELECT a, c FROM ${src} WHERE b IS NULL OR b = ''`);
    await con.run(`INSERT INTO bigrams SELECT a, b, c FROM ${src} WHERE b <> ''`);
  }
  if (inputs.textFiles.length > 0) {
    for (const file of inputs.textFiles) await requireFile(file, "corpus file");
    const files = "[" + inputs.textFiles.map(sqlString).join(", ") + "]";
    const lines = `SELECT list_filter(list_transform(regexp_split_to_array(line, '\\s+'),
        t -> regexp_replace(regexp_replace(t, '^[\\p{P}\\p{S}]+', ''), '[\\p{P}\\p{S}]+$', '')), t -> t <> '') AS ws
      FROM read_csv(${files}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = '\x01',
                    quote = '', escape = '', strict_mode = false, null_padding = true)
      WHERE line IS NOT NULL`;
    try {
      await con.run(`INSERT INTO unigrams SELECT w, count(*) FROM (SELECT unnest(ws) AS w FROM (${lines})) GROUP BY w`);
      await con.run(`INSERT INTO bigrams SELECT w1, w2, count(*) FROM (
          SELECT unnest(ws[1:len(ws) - 1]) AS w1, unnest(ws[2:len(ws)]) AS w2 FROM (${lines}) WHERE len(ws) >= 2) GROUP BY w1, w2`);
    } catch (e) {
      throw new InputError(`cannot read the corpus (${inputs.textFiles.join(", ")}): ${firstLine(e)}`);
    }
  }
  await con.run("CREATE OR REPLACE TABLE unigrams AS SELECT w, sum(c)::BIGINT AS c FROM unigrams GROUP BY w");
  await con.run("CREATE OR REPLACE TABLE bigrams AS SELECT w1, w2, sum(c)::BIGINT AS c FROM bigrams GROUP BY w1, w2");
  const reader = await con.runAndReadAll("SELECT coalesce(sum(c), 0)::DOUBLE FROM unigrams");
  return Number(reader.getRows()[0][0]);
}

/** Unigrams with count >= minCount: count descending, then the word (binary order). */
export async function unigramEntries(con: DuckDBConnection, minCount: number): Promise<string[]> {
  const r = await con.runAndReadAll(`SELECT to_json(list(w ORDER BY c DESC, w)) FROM unigrams WHERE c >= ${minCount}`);
  return JSON.parse(String(r.getRows()[0][0] ?? "[]")) as string[];
}

/**
 * NLTK's BigramAssocMeasures.pmi(n_ii, (n_ix, n_xi), n_xx) = log2(n_ii * n_xx) - log2(n_ix * n_xi),
 * with n_xx the total number of unigrams.
 */
export function pmi(nii: number, nix: number, nxi: number, nxx: number): number {
  return Math.log2(nii * nxx) - Math.log2(nix * nxi);
}

/** Bigrams "w1 w2" with PMI >= threshold: PMI descending, then the words; at most `max`. */
export async function bigramEntries(con: DuckDBConnection, n: number, threshold: number, max?: number): Promise<{ entry: string; pmi: number }[]> {
  // DuckDB filters (with a margin for its own rounding); the exact value and order come from pmi()
  const r = await con.runAndReadAll(`SELECT b.w1, b.w2, b.c::DOUBLE AS nii, u1.c::DOUBLE AS nix, u2.c::DOUBLE AS nxi
    FROM bigrams b JOIN unigrams u1 ON u1.w = b.w1 JOIN unigrams u2 ON u2.w = b.w2
    WHERE log2(b.c::DOUBLE * ${n}) - log2(u1.c::DOUBLE * u2.c::DOUBLE) >= ${threshold - 1e-6}`);
  const out: { entry: string; pmi: number }[] = [];
  for (const [w1, w2, nii, nix, nxi] of r.getRows() as [string, string, number, number, number][]) {
    const p = pmi(nii, nix, nxi, n);
    if (p >= threshold) out.push({ entry: `${w1} ${w2}`, pmi: p });
  }
  out.sort((a, b) => b.pmi - a.pmi || (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  return max !== undefined ? out.slice(0, max) : out;
}
