/**
 * `metacurate columns`: a workspace's per-row filter columns (filter_columns.parquet), so the
 * dashboard's filter panel previews DataComp's filters in the browser without reading the pool or
 * running a model: for every pool row, in pool order, the caption's len(text.split()) and len(text)
 * (Python's), the image's original_width / original_height, the pool's score columns, and the top
 * language and its confidence by each language identifier asked for. The workspace gets a new
 * generation holding its files and this one (committed in one step, like a re-balance). Node only.
 */
import { BIGINT, DOUBLE, INTEGER, VARCHAR } from "@duckdb/node-api";
import { InputError } from "../errors";
import { loadLanguageId, type LanguageId } from "../filters/languageId";
import { pythonLength, pythonWordCount } from "../filters/pythonText";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../pool/bulkAppend";
import { isNumericType, PARQUET_ROW_OPTIONS, queryRows, sqlIdent, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { fileOffsets, inspectPool, uidSql, type Pool } from "../pool/pool";
import { sha256File } from "../util/files";
import { OUTPUT_NAMES } from "../util/stagedOutput";
import { readManifest, requireArtifact } from "../workspace/artifacts";
import type { FilterColumnsSection, Manifest } from "../workspace/manifest";
import { runStaged } from "./stagedRun";

export const FILTER_COLUMNS_FILE = "filter_columns.parquet";
export const COLUMN_LID_ENGINES = ["fasttext", "cld3"] as const;
export type ColumnLid = (typeof COLUMN_LID_ENGINES)[number];

export interface ColumnsOptions {
  /** The pool to read instead of the one the workspace records (the same rows: e.g. the pool with a score added). */
  pool?: string[];
  lid: ColumnLid[];
  /** More score columns (beside every numeric column whose name ends in _score). */
  scoreCols?: string[];
  columns?: { width?: string; height?: string };
  memoryLimitGb?: number;
  windowRows?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  onStage?: (stage: string) => void;
}


/** Numeric columns present in every file of the pool, by name. */
async function numericColumns(con: DuckDBConnection, pool: Pool): Promise<Map<string, boolean>> {
  const seen = new Map<string, number>(), numeric = new Map<string, boolean>();
  for (const f of pool.files) {
    for (const c of await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(f.path)})`)) {
      const name = String(c.column_name);
      seen.set(name, (seen.get(name) ?? 0) + 1);
      numeric.set(name, (numeric.get(name) ?? true) && isNumericType(String(c.column_type)));
    }
  }
  for (const [name, n] of seen) if (n < pool.files.length) numeric.delete(name);
  return numeric;
}

/** The workspace's own pool files, as its manifest records them, unchanged since. */
async function recordedPool(dir: string, m: Manifest): Promise<string[]> {
  const files = m.match.pool.files;
  for (const f of files) {
    const sha = await sha256File(f.path).catch(() => null);
    if (sha === null) throw new InputError(`the pool file ${f.path} that ${dir} was matched from is not there; give the pool with --pool FILE…`);
    if (f.sha256 && sha !== f.sha256) throw new InputError(`the pool file ${f.path} changed since ${dir} was matched from it (sha256 ${sha.slice(0, 12)}…, recorded ${f.sha256.slice(0, 12)}…)`);
  }
  return files.map((f) => f.path);
}

/** A pool given instead: the workspace's rows, in its order — every matched row's uid at its pool_row. */
async function checkSameRows(con: DuckDBConnection, dir: string, m: Manifest, pool: Pool): Promise<void> {
  if (pool.rows !== m.match.rows_read) throw new InputError(`--pool has ${pool.rows.toLocaleString("en-US")} rows; ${dir} was matched from ${m.match.rows_read.toLocaleString("en-US")}`);
  const offsets = fileOffsets(pool);
  const uids = pool.files.map((f, i) => `SELECT ${offsets[i]} + file_row_number AS pool_row, ${uidSql(pool)} AS uid FROM read_parquet(${sqlString(f.path)}, file_row_number = true)`).join(" UNION ALL ");
  const matches = await requireArtifact(dir, "matches.parquet");
  const [r] = await queryRows(con, `SELECT count(*) AS n, count(*) FILTER (WHERE p.uid IS DISTINCT FROM m.uid) AS bad, min(m.pool_row) FILTER (WHERE p.uid IS DISTINCT FROM m.uid) AS first
    FROM read_parquet(${sqlString(matches)}) m LEFT JOIN (${uids}) p USING (pool_row)`);
  if (Number(r.bad) > 0) throw new InputError(`--pool is not the pool ${dir} was matched from: ${Number(r.bad).toLocaleString("en-US")} of its ${Number(r.n).toLocaleString("en-US")} matched rows have another uid there (the first at pool row ${r.first})`);
}

/** Writes filter_columns.parquet into the workspace `dir` (a new generation carrying its other files). */
export async function runColumns(dir: string, opts: ColumnsOptions): Promise<Manifest> {
  const manifest = await readManifest(dir);
  if (manifest.match.shard) throw new InputError(`${dir} is one shard of a sharded job; add filter columns to the merged workspace`);
  const lidEngines = [...new Set(opts.lid)];
  return runStaged(dir, opts.memoryLimitGb, async (out, con) => {
    const timings: Record<string, number> = {};
    const started = performance.now();
    opts.onStage?.("inspect");
    const given = opts.pool !== undefined;
    const paths = given ? opts.pool! : await recordedPool(dir, manifest);
    const cols = manifest.match.pool.columns;
    const pool = await inspectPool(con, paths, { text: cols.text, url: cols.url ?? undefined, uid: cols.uid ?? undefined }, { skipNullText: true });
    if (given) await checkSameRows(con, dir, manifest, pool);
    else if (pool.rows !== manifest.match.rows_read) throw new InputError(`the pool has ${pool.rows} rows; ${dir} records ${manifest.match.rows_read}`);
    const numeric = await numericColumns(con, pool);
    const sizeCol = (flag: string | undefined, fallback: string, what: string) => {
      const name = flag ?? fallback;
      if (!numeric.has(name)) {
        if (flag === undefined) return null;
        throw new InputError(`the pool has no column "${name}" (${what}) in every file`);
      }
      if (!numeric.get(name)) throw new InputError(`the pool's column "${name}" (${what}) does not hold numbers`);
      return name;
    };
    const widthCol = sizeCol(opts.columns?.width, "original_width", "image width"), heightCol = sizeCol(opts.columns?.height, "original_height", "image height");
    if ((widthCol === null) !== (heightCol === null)) throw new InputError(`the pool has ${widthCol ? `a width column "${widthCol}" but no height column` : `a height column "${heightCol}" but no width column`}`);
    for (const c of opts.scoreCols ?? []) {
      if (!numeric.has(c)) throw new InputError(`the pool has no column "${c}" (--score-col) in every file`);
      if (!numeric.get(c)) throw new InputError(`the pool's column "${c}" (--score-col) does not hold numbers`);
    }
    const scoreCols = [...new Set([...[...numeric].filter(([name, isNum]) => isNum && name.endsWith("_score")).map(([name]) => name), ...(opts.scoreCols ?? [])])].sort();
    const lids: LanguageId[] = [];
    for (const e of lidEngines) lids.push(await loadLanguageId(e));
    timings.inspect_ms = Math.round(performance.now() - started);

    opts.onStage?.("columns");
    let t0 = performance.now();
    const types = [BIGINT, INTEGER, INTEGER, ...lids.flatMap(() => [VARCHAR, DOUBLE])];
    await con.run(`CREATE OR REPLACE TABLE caption_columns (pool_row BIGINT, caption_words INTEGER, caption_chars INTEGER${lids.map((l) => `, language_${l.engine} VARCHAR, confidence_${l.engine} DOUBLE`).join("")})`);
    const appender = await con.createAppender("caption_columns");
    const writer = new ChunkWriter(appender, types);
    const poolRows = new BigInt64Array(CHUNK_ROWS), poolRowWords = new Uint32Array(poolRows.buffer);
    const words = new Int32Array(CHUNK_ROWS), chars = new Int32Array(CHUNK_ROWS);
    const conf = lids.map(() => new Float64Array(CHUNK_ROWS)), lang = lids.map(() => [] as string[]);
    let nullRows: number[] = [];
    let n = 0, done = 0, next = 0;
    const flush = () => {
      if (!n) return;
      writer.begin();
      writer.fixed(0, poolRows, 0, n);
      writer.fixed(1, words, 0, n); writer.fixed(2, chars, 0, n);
      writer.validity(1, n, nullRows); writer.validity(2, n, nullRows);
      lids.forEach((_l, k) => {
        for (let i = 0; i < n; i++) writer.text(3 + 2 * k, i, lang[k][i]);
        writer.fixed(4 + 2 * k, conf[k], 0, n);
        writer.validity(3 + 2 * k, n, nullRows); writer.validity(4 + 2 * k, n, nullRows);
      });
      writer.append(n);
      n = 0;
      nullRows = [];
    };
    const windowRows = opts.windowRows ?? 65_536;
    try {
      for (const f of pool.files) {
        for (let start = 0; start < f.rows; start += windowRows) {
          const reader = await con.runAndReadAll(`SELECT list(CAST(${sqlIdent(pool.textColumn)} AS VARCHAR) ORDER BY file_row_number) AS t
            FROM read_parquet(${sqlString(f.path)}, file_row_number = true) WHERE file_row_number >= ${start} AND file_row_number < ${start + windowRows}`);
          const texts = (reader.getRowObjects()[0] as { t: { items: (string | null)[] } | null }).t?.items ?? [];
          for (const text of texts) {
            setInt64(poolRowWords, n, next++);
            if (text === null) {
              nullRows.push(n);
              words[n] = chars[n] = 0;
              lids.forEach((_l, k) => { lang[k][n] = ""; conf[k][n] = 0; });
            } else {
              words[n] = pythonWordCount(text);
              chars[n] = pythonLength(text);
              lids.forEach((l, k) => { const g = l.guess(text); lang[k][n] = g.language; conf[k][n] = g.confidence; });
            }
            if (++n === CHUNK_ROWS) flush();
          }
          done += texts.length;
          opts.onProgress?.(done, pool.rows);
        }
      }
      flush();
    } finally {
      appender.closeSync();
    }
    timings.columns_ms = Math.round(performance.now() - t0);

    opts.onStage?.("write");
    t0 = performance.now();
    const num = (c: string) => `CAST(${sqlIdent(c)} AS DOUBLE)`;
    const poolCols = [...(widthCol ? [`${num(widthCol)} AS original_width`, `${num(heightCol!)} AS original_height`] : []), ...scoreCols.map((c) => `${num(c)} AS ${sqlIdent(c)}`)];
    const offsets = fileOffsets(pool);
    const fromPool = pool.files.map((f, i) => `SELECT ${[`${offsets[i]} + file_row_number AS pool_row`, ...poolCols].join(", ")} FROM read_parquet(${sqlString(f.path)}, file_row_number = true)`).join(" UNION ALL ");
    // the caption columns (appended in pool order) beside the pool's own, by pool row
    await con.run(`COPY (SELECT * EXCLUDE (pool_row) FROM caption_columns${poolCols.length ? ` LEFT JOIN (${fromPool}) p USING (pool_row)` : ""} ORDER BY pool_row)
      TO ${sqlString(out.file(FILTER_COLUMNS_FILE))} (${PARQUET_ROW_OPTIONS})`);
    timings.write_ms = Math.round(performance.now() - t0);
    timings.total_ms = Math.round(performance.now() - started);
    const section: FilterColumnsSection = {
      rows: pool.rows,
      pool: given ? await Promise.all(pool.files.map(async (f) => ({ path: f.path, bytes: f.bytes, sha256: await sha256File(f.path), rows: f.rows }))) : manifest.match.pool.files,
      size_columns: widthCol ? { width: widthCol, height: heightCol! } : null,
      score_columns: scoreCols,
      language_ids: lids.map((l) => ({ engine: l.engine, model: l.model })),
      timings_ms: timings,
    };
    return { manifest: { ...manifest, filter_columns: section }, files: [FILTER_COLUMNS_FILE] };
  }, {
    inputs: (opts.pool ?? []).map((p) => ({ flag: "pool", path: p })),
    carry: { from: dir, names: OUTPUT_NAMES.filter((n) => n !== "manifest.json" && n !== FILTER_COLUMNS_FILE).map((n) => n) },
  });
}
