/**
 * Each caption's language for a worldwide match, from a pool column (`--lang-col C`), optionally through
 * a map from the column's labels to metadata languages (`--lid-map FILE`, MetaCLIP 2's lid_to_wiki).
 *
 * Without a map, every value must be one of the metadata's languages or `other`; a null or any other
 * value is an error that names it. With a map, a label it does not map, or a null, goes to `other`
 * (MetaCLIP 2: unmapped languages go to `other`), and every language it maps to must have a list.
 * A caption in `other` (or in a language without a list) is read and counted but matches nothing.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError, quoted } from "../errors";
import { sha256Bytes } from "../util/files";
import { jsonErrorMessage, shownJsonValue, withoutBom } from "../util/jsonError";
import { queryRows, sqlIdent, sqlString, type DuckDBConnection } from "./duckdb";
import { fileOffsets, type Pool } from "./pool";
import { OTHER_LANGUAGE } from "../curation/worldwide";

const OTHER = OTHER_LANGUAGE;

export interface LanguageMap {
  file: string;
  sha256: string;
  labels: Record<string, string>;
}

/** Reads a --lid-map file: a JSON object from labels to metadata languages (or "other"). */
export async function readLanguageMap(file: string, languages: readonly string[]): Promise<LanguageMap> {
  const raw = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(`--lid-map ${file} cannot be read: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  });
  const text = raw.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(text));
  } catch (e) {
    throw new InputError(`--lid-map ${file} is not valid JSON: ${jsonErrorMessage(text, e)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`--lid-map ${file} must be a JSON object from labels to metadata languages, e.g. {"de": "de", "yue": "zh", "zh-Latn": "other"}`);
  }
  const labels: Record<string, string> = {};
  const known = new Set(languages);
  for (const [label, lang] of Object.entries(value)) {
    if (typeof lang !== "string") throw new InputError(`--lid-map ${file}: label ${quoted(label)} maps to ${shownJsonValue(lang)}, not a language code`);
    if (lang !== OTHER && !known.has(lang)) {
      throw new InputError(`--lid-map ${file}: label ${quoted(label)} maps to language ${quoted(lang)}, which the metadata folder has no {lang}.json for (languages: ${languages.join(", ")}; or map it to "other")`);
    }
    labels[label] = lang;
  }
  return { file: path.resolve(file), sha256: sha256Bytes(raw), labels };
}

export interface LanguageColumn {
  column: string;
  /** Rows per language over the rows read (`other` included when any). */
  rows: Map<string, number>;
  /** Rows per value of the column (null for nulls). */
  labels: Map<string | null, number>;
  /** SQL: the row's language index (position in `languages`), or `none` for `other`; over the pool's columns. */
  indexSql: string;
}

/**
 * Reads the language column over the rows a run reads (`range`), checks every value, counts rows per
 * language and gives the SQL that turns a row's value into its language's index.
 */
export async function languageColumn(con: DuckDBConnection, pool: Pool, column: string, languages: readonly string[], map: LanguageMap | null,
  none: number, range?: { from: number; to: number }): Promise<LanguageColumn> {
  const value = `CAST(${sqlIdent(column)} AS VARCHAR)`;
  const offsets = fileOffsets(pool);
  const counts = new Map<string | null, number>();
  const firstRow = new Map<string | null, number>();
  for (const [i, f] of pool.files.entries()) {
    const first = range ? Math.max(0, range.from - offsets[i]) : 0, end = range ? Math.min(f.rows, range.to - offsets[i]) : f.rows;
    if (first >= end) continue;
    const rows = await queryRows(con, `SELECT ${value} AS v, count(*) AS n, min(file_row_number) AS r
      FROM read_parquet(${sqlString(f.path)}, file_row_number = true) WHERE file_row_number >= ${first} AND file_row_number < ${end} GROUP BY v`);
    for (const r of rows) {
      const v = r.v === null ? null : String(r.v);
      counts.set(v, (counts.get(v) ?? 0) + Number(r.n));
      if (!firstRow.has(v)) firstRow.set(v, offsets[i] + Number(r.r));
    }
  }
  const known = new Set(languages);
  if (!map && counts.has(null)) {
    throw new InputError(`language column "${column}" has ${counts.get(null)!.toLocaleString("en")} null values (first at pool row ${firstRow.get(null)}); fill them, or give --lid-map FILE, with which a null or unmapped label is "${OTHER}"`);
  }
  if (!map) {
    const unknown = [...counts.keys()].filter((x): x is string => x !== null && x !== OTHER && !known.has(x)).sort((a, b) => counts.get(b)! - counts.get(a)!);
    if (unknown.length > 0) {
      throw new InputError(`language column "${column}" holds ${unknown.length} value(s) with no {lang}.json in the metadata folder: ${unknown.slice(0, 5).map((x) => `${quoted(x)} (${counts.get(x)!.toLocaleString("en")} row${counts.get(x) === 1 ? "" : "s"})`).join(", ")}${unknown.length > 5 ? ", …" : ""}; add their lists, or map them with --lid-map FILE (languages: ${languages.join(", ")})`);
    }
  }
  // checked above: without a map every value is a language or other, and none is null
  const resolve = (v: string | null): string => (map ? (v === null ? OTHER : (map.labels[v] ?? OTHER)) : v!);
  const rows = new Map<string, number>();
  const cases: string[] = [];
  for (const [v, n] of [...counts].sort(([a], [b]) => String(a).localeCompare(String(b)))) {
    const lang = resolve(v);
    rows.set(lang, (rows.get(lang) ?? 0) + n);
    const index = languages.indexOf(lang);
    if (v !== null && index >= 0) cases.push(`WHEN ${sqlString(v)} THEN ${index}`);
  }
  return { column, rows, labels: counts, indexSql: cases.length > 0 ? `CASE ${value} ${cases.join(" ")} ELSE ${none} END` : `${none}` };
}

/**
 * A language-ID model's labels → language index: the map's (a label it does not hold is `other`), or
 * without a map each metadata language's own code (fastText's and CLD3's labels are ISO codes: en, de, zh…).
 */
export function lidLanguages(languages: readonly string[], map: LanguageMap | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (map) {
    for (const [label, lang] of Object.entries(map.labels)) { const i = languages.indexOf(lang); if (i >= 0) out[label] = i; }
  } else {
    languages.forEach((lang, i) => { out[lang] = i; });
  }
  return out;
}
