/**
 * Titles from Wikimedia pageview files (`pageviews-YYYYMMDD-HHMMSS.gz`, lines
 * `project title count bytes`): only the chosen project, titles without ":", "_" made a space,
 * views summed over all files, kept when the total reaches a threshold (or the top k).
 * Read by native DuckDB, so many files of millions of lines stream. Lines that do not have the
 * four fields with a numeric count are skipped and counted.
 */
import { stat } from "node:fs/promises";
import { InputError, firstLine } from "../errors";
import { sqlString, type DuckDBConnection } from "../pool/duckdb";

export interface TitleOptions {
  files: string[];
  project: string;
  minViews?: number;
  top?: number;
}

export async function titleEntries(con: DuckDBConnection, opts: TitleOptions): Promise<{ entries: string[]; skippedLines: number }> {
  for (const f of opts.files) {
    const s = await stat(f).catch(() => null);
    if (!s?.isFile()) throw new InputError(`pageviews file ${f} does not exist or is not a file`);
  }
  const files = "[" + opts.files.map(sqlString).join(", ") + "]";
  const source = `read_csv(${files}, columns = {'project': 'VARCHAR', 'title': 'VARCHAR', 'views': 'VARCHAR', 'bytes': 'VARCHAR'},
      header = false, auto_detect = false, delim = ' ', quote = '', escape = '', strict_mode = false, null_padding = true)`;
  try {
    const [skipped] = (await con.runAndReadAll(`SELECT count(*) FROM ${source}
      WHERE title IS NULL OR title = '' OR try_cast(views AS BIGINT) IS NULL OR try_cast(views AS BIGINT) < 0`)).getRows()[0] as [bigint];
    const having = opts.top !== undefined ? "" : `HAVING sum(try_cast(views AS BIGINT)) >= ${opts.minViews ?? 70}`;
    const limit = opts.top !== undefined ? `LIMIT ${opts.top}` : "";
    const r = await con.runAndReadAll(`SELECT to_json(list(t ORDER BY v DESC, t)) FROM (
        SELECT replace(title, '_', ' ') AS t, sum(try_cast(views AS BIGINT)) AS v FROM ${source}
        WHERE project = ${sqlString(opts.project)} AND title <> '' AND NOT contains(title, ':') AND try_cast(views AS BIGINT) >= 0
        GROUP BY t ${having} ORDER BY v DESC, t ${limit})`);
    return { entries: JSON.parse(String(r.getRows()[0][0] ?? "[]")) as string[], skippedLines: Number(skipped) };
  } catch (e) {
    throw new InputError(`cannot read the pageview files (${opts.files.join(", ")}): ${firstLine(e)}`);
  }
}

/**
 * MetaCLIP 2's titles of one language (metaclip/metadata/build_title.py): every project of the language
 * (its code before the first ".", "-" read as "_": de, de.m, de.b… are all de), lines with a zero count or a
 * title holding ":" dropped, "_" a space, views summed over every file; by views descending, ties in binary order.
 */
export async function languageTitles(con: DuckDBConnection, files: string[], lang: string): Promise<string[]> {
  for (const f of files) {
    const s = await stat(f).catch(() => null);
    if (!s?.isFile()) throw new InputError(`pageviews file ${f} does not exist or is not a file`);
  }
  const source = `read_csv([${files.map(sqlString).join(", ")}], columns = {'project': 'VARCHAR', 'title': 'VARCHAR', 'views': 'VARCHAR', 'bytes': 'VARCHAR'},
      header = false, auto_detect = false, delim = ' ', quote = '', escape = '', strict_mode = false, null_padding = true)`;
  try {
    const r = await con.runAndReadAll(`SELECT to_json(list(t ORDER BY v DESC, t)) FROM (
        SELECT trim(replace(title, '_', ' ')) AS t, sum(try_cast(views AS BIGINT)) AS v FROM ${source}
        WHERE replace(split_part(project, '.', 1), '-', '_') = ${sqlString(lang)} AND bytes IS NOT NULL AND title <> ''
          AND NOT contains(title, ':') AND try_cast(views AS BIGINT) > 0
        GROUP BY t)`);
    return JSON.parse(String(r.getRows()[0][0] ?? "[]")) as string[];
  } catch (e) {
    throw new InputError(`cannot read the pageview files (${files.join(", ")}): ${firstLine(e)}`);
  }
}
