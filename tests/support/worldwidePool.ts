/**
 * A small mixed-language pool and MetaCLIP 2 metadata folder for tests: Latin, CJK, Thai and kana
 * entries, captions built from fragments of every script (seeded), a `lang` column with values that
 * are metadata languages, `other`, labels a map must translate (`__label__de`) and, optionally, nulls.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mulberry32 } from "../../lib/util/rng";
import { writeParquet, type Row } from "./fixtures";

export const WORLDWIDE_LISTS: Record<string, string[]> = {
  de: ["Hund", "Katze", "rote Katze", "Haus", "dog", "(Band)", "猫", "rot"],
  en: ["dog", "cat", "hot dog", "Inc.", "red", "house", "(band)", "U.S.", "Tokyo東京", "東京tower", "blue", "never seen"],
  ja: ["猫", "ねこ", "東京", "東京タワー", "タワー", "かわいい猫", "猫です", "犬"],
  th: ["แมว", "สุนัข", "แมวดำ", "น่ารัก", "ดำ", "บ้าน"],
  zh: ["猫", "可爱", "东京", "东京tower", "可爱的猫", "猫猫", "（猫）", "狗", "红色"],
};

const FRAGMENTS: Record<string, string[]> = {
  de: ["Hund", "Katze", "rote", "Haus", "und", "(Band)", "rot", "dog", "猫"],
  en: ["dog", "cat", "hot", "red", "house", "Inc.", "(band)", "U.S.", "blue", "a", "the", "Tokyo東京", "東京tower", "猫"],
  ja: ["猫", "ねこ", "東京", "タワー", "かわいい", "です", "犬", " ", "。"],
  th: ["แมว", "สุนัข", "ดำ", "น่ารัก", "บ้าน", " "],
  zh: ["猫", "可爱", "的", "东京", "tower", "（", "）", "狗", "红色", "。"],
};
const SEPARATORS = [" ", " ", " ", "", ", ", ". ", "\t", "!"];

/** A seeded generator: the project's mulberry32. */
export const rng = mulberry32;

export interface WorldwideRow { uid: string; url: string; text: string; lang: string | null }

/**
 * `rows` captions; each row's `lang` is its language's code, except: every 13th row is "fr" (no list),
 * every 17th is written as fastText's label ("__label__de" for German) when `labels`, and every 19th
 * is null when `nulls`.
 */
export function worldwideRows(rows: number, seed: number, opts: { labels?: boolean; nulls?: boolean } = {}): WorldwideRow[] {
  const next = rng(seed);
  const langs = Object.keys(FRAGMENTS);
  const out: WorldwideRow[] = [];
  for (let i = 0; i < rows; i++) {
    const lang = langs[Math.floor(next() * langs.length)];
    const n = 1 + Math.floor(next() * 6);
    let text = "";
    for (let k = 0; k < n; k++) text += (k > 0 ? SEPARATORS[Math.floor(next() * SEPARATORS.length)] : "") + FRAGMENTS[lang][Math.floor(next() * FRAGMENTS[lang].length)];
    let value: string | null = lang;
    if (i % 13 === 5) value = "fr";
    else if (opts.labels && i % 17 === 3) value = `__label__${lang}`;
    else if (opts.nulls && i % 19 === 7) value = null;
    out.push({ uid: createHash("md5").update(`${seed}/${i}`).digest("hex"), url: `https://example.org/${i}.jpg`, text, lang: value });
  }
  return out;
}

/** Writes the lists as {lang}.json into `dir`/meta and the rows as `dir`/pool.parquet (or `files` files pool-0.parquet, …). */
export async function writeWorldwide(dir: string, rows: WorldwideRow[], lists = WORLDWIDE_LISTS): Promise<{ meta: string; pool: string }> {
  const { meta, pools } = await writeWorldwideFiles(dir, rows, 1, lists);
  return { meta, pool: pools[0] };
}

export async function writeWorldwideFiles(dir: string, rows: WorldwideRow[], files: number, lists = WORLDWIDE_LISTS): Promise<{ meta: string; pools: string[] }> {
  const meta = path.join(dir, "meta");
  mkdirSync(meta, { recursive: true });
  for (const [lang, entries] of Object.entries(lists)) writeFileSync(path.join(meta, `${lang}.json`), JSON.stringify(entries));
  const pools: string[] = [];
  const per = Math.ceil(rows.length / files);
  for (let f = 0; f < files; f++) {
    const pool = path.join(dir, files === 1 ? "pool.parquet" : `pool-${f}.parquet`);
    await writeParquet(pool, rows.slice(f * per, (f + 1) * per) as unknown as Row[]);
    pools.push(pool);
  }
  return { meta, pools };
}
