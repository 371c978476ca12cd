/**
 * `metacurate filter`: one of DataComp's baseline filters (lib/filters/rules.ts) over a pool →
 * subset.npy (DataComp's format, when the uids are 32 hex digits), filtered.parquet (the kept rows
 * with every pool column, in pool order), language.parquet (each row's language and confidence, when
 * the filter identifies languages, so the dashboard never runs a model) and a manifest counting how
 * many rows each condition removes, alone and in order. Node only.
 */
import { BIGINT, DOUBLE, VARCHAR } from "@duckdb/node-api";
import { InputError } from "../errors";
import { filterParams, type FilterChoice } from "../filters/params";
import { conditionsOf, fractionIndex, keepsRow, type Condition, type FilterName, type FilterParams, type FilterRow, type LidEngine } from "../filters/rules";
import { pythonLength, pythonWordCount } from "../filters/pythonText";
import { loadLanguageId, type LanguageId } from "../filters/languageId";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../pool/bulkAppend";
import { isNumericType, PARQUET_ROW_OPTIONS, queryRows, sqlIdent, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { isHexUid } from "../pool/npy";
import { fileOffsets, inspectPool, poolAllColumns, uidSql, type Pool } from "../pool/pool";
import { sha256File } from "../util/files";
import { TOOL_VERSION } from "../workspace/manifest";
import { memoryLimitGb, peakRssMb, runStaged } from "./stagedRun";
import { SubsetNpyWriter } from "./subsetNpy";

export interface FilterOptions extends FilterChoice {
  pool: string[];
  columns?: { text?: string; uid?: string; url?: string; width?: string; height?: string };
  memoryLimitGb?: number;
  /** Rows read from DuckDB at a time (smaller in tests). */
  windowRows?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  onStage?: (stage: string) => void;
}

export interface ConditionCount {
  condition: Condition;
  rule: string;
  /** Rows that fail this condition, whatever the others say. */
  removed_alone: number;
  /** Rows that fail it having met every condition before it (in DataComp's order): they sum to the rows removed. */
  removed_in_order: number;
}

export interface FilterSection {
  name: FilterName;
  params: { lid: LidEngine; min_words: number; min_chars: number; min_side: number; max_aspect: number };
  lid_model: string | null;
  score_column: string | null;
  threshold: number | null;
  fraction: number | null;
  threshold_rule: string | null;
  pool: { files: { path: string; bytes: number; sha256: string; rows: number }[]; columns: { text: string; uid: string | null; width: string | null; height: string | null } };
  rows_read: number;
  rows_kept: number;
  /** Null captions (null when no condition reads the captions). */
  rows_null_text: number | null;
  /** Rows whose score is null or NaN (null when the filter reads no score). */
  rows_without_score: number | null;
  conditions: ConditionCount[];
  subset_npy: boolean;
  language_parquet: boolean;
  duckdb_memory_limit_gb: number;
  peak_rss_mb: number;
  timings_ms: Record<string, number>;
}

export interface FilterManifest {
  tool: "metacurate";
  version: string;
  filter: FilterSection;
}

const RULES: Record<Condition, (p: FilterParams) => string> = {
  language: (p) => `${p.lid === "cld3" ? "CLD3" : "fastText"} top-1 language is en ("\\n" as " ", no confidence cut)`,
  words: (p) => `len(text.split()) > ${p.minWords}`,
  chars: (p) => `len(text) > ${p.minChars}`,
  min_side: (p) => `min(width, height) >= ${p.minSide}`,
  aspect: (p) => `max(width, height) / min(width, height) <= ${p.maxAspect}`,
  score: (p) => `${p.scoreColumn} >= ${p.threshold}`,
};


/** A column of every pool file, numeric: its name, or an error naming the file and what it holds. */
async function numericColumn(con: DuckDBConnection, pool: Pool, column: string, what: string): Promise<void> {
  for (const f of pool.files) {
    const cols = await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${sqlString(f.path)})`);
    const c = cols.find((x) => x.column_name === column);
    if (!c) throw new InputError(`pool file ${f.path} has no column "${column}" (${what}); columns: ${cols.map((x) => x.column_name).join(", ")}`);
    if (!isNumericType(String(c.column_type))) throw new InputError(`pool file ${f.path}: column "${column}" (${what}) holds ${c.column_type}, not numbers`);
  }
}

/** --fraction: the score at position ⌊N·f⌋ of the pool's scores sorted descending (NaN and null last), over every file. */
async function fractionThreshold(con: DuckDBConnection, pool: Pool, column: string, fraction: number): Promise<number> {
  const n = fractionIndex(pool.rows, fraction);
  const scores = pool.files.map((f) => `SELECT CAST(${sqlIdent(column)} AS DOUBLE) AS s FROM read_parquet(${sqlString(f.path)})`).join(" UNION ALL ");
  const [r] = await queryRows(con, `SELECT s, (SELECT count(*) FROM (${scores}) WHERE s IS NOT NULL AND NOT isnan(s)) AS scored FROM (${scores})
    ORDER BY (s IS NULL OR isnan(s)), s DESC LIMIT 1 OFFSET ${n}`);
  const scored = Number(r?.scored ?? 0);
  if (!r || r.s === null || Number.isNaN(Number(r.s))) {
    throw new InputError(`--fraction ${fraction} keeps the top ${n.toLocaleString("en-US")} of ${pool.rows.toLocaleString("en-US")} rows by "${column}", but only ${scored.toLocaleString("en-US")} rows have a score (the others are null or NaN); choose a fraction below ${(scored / pool.rows).toFixed(4)}`);
  }
  return Number(r.s);
}

/** Filters the pool into `outDir` (written atomically). */
export async function runFilter(outDir: string, opts: FilterOptions): Promise<FilterManifest> {
  const params = filterParams(opts);
  memoryLimitGb(opts.memoryLimitGb);
  const conditions = conditionsOf(params);
  return runStaged<FilterManifest>(outDir, opts.memoryLimitGb, async (out, con) => {
    const timings: Record<string, number> = {};
    const started = performance.now();
    opts.onStage?.("inspect");
    const pool = await inspectPool(con, opts.pool, { text: opts.columns?.text, uid: opts.columns?.uid, url: opts.columns?.url }, { skipNullText: true });
    const widthCol = conditions.includes("min_side") ? (opts.columns?.width ?? "original_width") : null;
    const heightCol = conditions.includes("min_side") ? (opts.columns?.height ?? "original_height") : null;
    if (widthCol) await numericColumn(con, pool, widthCol, "image width");
    if (heightCol) await numericColumn(con, pool, heightCol, "image height");
    let fraction: number | null = null;
    if (params.scoreColumn) {
      await numericColumn(con, pool, params.scoreColumn, "the score");
      if (opts.fraction !== undefined) {
        fraction = opts.fraction;
        params.threshold = await fractionThreshold(con, pool, params.scoreColumn, opts.fraction);
      }
    }
    const lid: LanguageId | null = conditions.includes("language") ? await loadLanguageId(params.lid as Exclude<LidEngine, "none">) : null;
    timings.inspect_ms = Math.round(performance.now() - started);

    opts.onStage?.("filter");
    let t0 = performance.now();
    const counts = conditions.map(() => ({ alone: 0, inOrder: 0 }));
    await con.run("CREATE OR REPLACE TABLE kept (pool_row BIGINT)");
    await con.run("CREATE OR REPLACE TABLE languages (pool_row BIGINT, language VARCHAR, confidence DOUBLE)");
    const keptAppender = await con.createAppender("kept"), langAppender = await con.createAppender("languages");
    const keptWriter = new ChunkWriter(keptAppender, [BIGINT]), langWriter = new ChunkWriter(langAppender, [BIGINT, VARCHAR, DOUBLE]);
    const keptRows = new BigInt64Array(CHUNK_ROWS), keptWords = new Uint32Array(keptRows.buffer);
    const langRows = new BigInt64Array(CHUNK_ROWS), langWords = new Uint32Array(langRows.buffer), langConf = new Float64Array(CHUNK_ROWS);
    const langText: string[] = [];
    let nKept = 0, nLang = 0;
    const flushKept = () => { if (!nKept) return; keptWriter.begin(); keptWriter.fixed(0, keptRows, 0, nKept); keptWriter.append(nKept); nKept = 0; };
    const flushLang = () => {
      if (!nLang) return;
      langWriter.begin(); langWriter.fixed(0, langRows, 0, nLang);
      for (let i = 0; i < nLang; i++) langWriter.text(1, i, langText[i]);
      langWriter.fixed(2, langConf, 0, nLang); langWriter.append(nLang); nLang = 0;
    };
    const subsetNpy = new SubsetNpyWriter((i) => out.file(`subset-run-${i}.bin`));
    let hexUids = true, rowsKept = 0, nullText = 0, noScore = 0, done = 0;
    const windowRows = opts.windowRows ?? 65_536;
    const offsets = fileOffsets(pool);
    // the captions are read only when a condition looks at them (no_filter and clip_score never do)
    const readsText = conditions.some((c) => c === "language" || c === "words" || c === "chars");
    const countsWords = conditions.includes("words") || conditions.includes("chars");
    const num = (col: string | null) => (col ? `CAST(${sqlIdent(col)} AS DOUBLE)` : "CAST(NULL AS DOUBLE)");
    try {
      for (let i = 0; i < pool.files.length; i++) {
        const f = pool.files[i];
        for (let start = 0; start < f.rows; start += windowRows) {
          // uids as one "\n"-joined blob (a uid never holds one: inspectPool checks), columns only where a condition reads them:
          // 1M uids read as JS strings cost 1.7 s, as a blob 0.5 s
          const reader = await con.runAndReadAll(`SELECT count(*) AS n, encode(string_agg(${uidSql(pool)}, chr(10) ORDER BY file_row_number)) AS u
              ${readsText ? `, list(CAST(${sqlIdent(pool.textColumn)} AS VARCHAR) ORDER BY file_row_number) AS t` : ""}
              ${widthCol ? `, list(${num(widthCol)} ORDER BY file_row_number) AS w, list(${num(heightCol)} ORDER BY file_row_number) AS h` : ""}
              ${params.scoreColumn ? `, list(${num(params.scoreColumn)} ORDER BY file_row_number) AS s` : ""}
            FROM read_parquet(${sqlString(f.path)}, file_row_number = true)
            WHERE file_row_number >= ${start} AND file_row_number < ${start + windowRows}`);
          const [got] = reader.getRowObjects() as { n: bigint; u: { bytes: Uint8Array }; t?: { items: (string | null)[] }; w?: { items: (number | null)[] }; h?: { items: (number | null)[] }; s?: { items: (number | null)[] } }[];
          const n = Number(got.n), uidBytes = got.u.bytes;
          const texts = got.t?.items, ws = got.w?.items, hs = got.h?.items, ss = got.s?.items;
          let uidStart = 0;
          for (let r = 0; r < n; r++) {
            const poolRow = offsets[i] + start + r;
            let uidEnd = uidBytes.indexOf(10, uidStart);
            if (uidEnd < 0) uidEnd = uidBytes.length;
            const uidAt = uidStart;
            uidStart = uidEnd + 1;
            const text = texts ? texts[r] : null;
            if (readsText && text === null) nullText++;
            const score = !ss || ss[r] === null || Number.isNaN(ss[r]) ? null : ss[r];
            if (params.scoreColumn && score === null) noScore++;
            let language: string | null = null;
            if (lid && text !== null) {
              const g = lid.guess(text);
              language = g.language;
              setInt64(langWords, nLang, poolRow);
              langText[nLang] = g.language;
              langConf[nLang++] = g.confidence;
              if (nLang === CHUNK_ROWS) flushLang();
            }
            const row: FilterRow = { words: text === null || !countsWords ? null : pythonWordCount(text), chars: text === null || !countsWords ? null : pythonLength(text), width: ws ? ws[r] : null, height: hs ? hs[r] : null, score, language };
            if (!keepsRow(conditions, row, params, counts)) continue;
            rowsKept++;
            setInt64(keptWords, nKept++, poolRow);
            if (nKept === CHUNK_ROWS) flushKept();
            if (hexUids) {
              if (!isHexUid(uidBytes, uidAt, uidEnd)) { hexUids = false; subsetNpy.discard(); } else subsetNpy.add(uidBytes, uidAt);
            }
          }
          done += n;
          opts.onProgress?.(done, pool.rows);
        }
      }
      flushKept();
      flushLang();
    } finally {
      keptAppender.closeSync();
      langAppender.closeSync();
    }
    timings.filter_ms = Math.round(performance.now() - t0);

    opts.onStage?.("write");
    t0 = performance.now();
    const files: string[] = ["filtered.parquet"];
    // every pool column of the kept rows, in pool order
    const written = await con.runAndReadAll(`COPY (SELECT * EXCLUDE (__pool_row) FROM (${poolAllColumns(pool, "__pool_row IN (SELECT pool_row FROM kept)")}) ORDER BY __pool_row) TO ${sqlString(out.file("filtered.parquet"))} (${PARQUET_ROW_OPTIONS})`);
    if (Number(written.getRows()[0]?.[0] ?? -1) !== rowsKept) throw new Error(`filtered.parquet got ${String(written.getRows()[0]?.[0])} rows for ${rowsKept} kept`);
    if (hexUids) {
      subsetNpy.write(out.file("subset.npy"));
      files.push("subset.npy");
    }
    if (lid) {
      await con.run(`COPY (SELECT * FROM languages ORDER BY pool_row) TO ${sqlString(out.file("language.parquet"))} (${PARQUET_ROW_OPTIONS})`);
      files.push("language.parquet");
    }
    timings.write_ms = Math.round(performance.now() - t0);
    t0 = performance.now();
    const hashed = await Promise.all(pool.files.map(async (f) => ({ path: f.path, bytes: f.bytes, sha256: await sha256File(f.path), rows: f.rows })));
    timings.hash_ms = Math.round(performance.now() - t0);
    timings.total_ms = Math.round(performance.now() - started);
    const filter: FilterSection = {
      name: params.name,
      params: { lid: params.lid, min_words: params.minWords, min_chars: params.minChars, min_side: params.minSide, max_aspect: params.maxAspect },
      lid_model: lid?.model ?? null,
      score_column: params.scoreColumn, threshold: params.threshold, fraction,
      threshold_rule: fraction !== null ? `the score at position floor(${pool.rows} * ${fraction}) = ${fractionIndex(pool.rows, fraction)} of all rows' scores sorted descending (NaN and null last); keep score >= it (ties kept)` : null,
      pool: { files: hashed, columns: { text: pool.textColumn, uid: pool.uidColumn, width: widthCol, height: heightCol } },
      rows_read: pool.rows, rows_kept: rowsKept, rows_null_text: readsText ? nullText : null, rows_without_score: params.scoreColumn ? noScore : null,
      conditions: conditions.map((c, i) => ({ condition: c, rule: RULES[c](params), removed_alone: counts[i].alone, removed_in_order: counts[i].inOrder })),
      subset_npy: hexUids, language_parquet: lid !== null,
      duckdb_memory_limit_gb: memoryLimitGb(opts.memoryLimitGb), peak_rss_mb: peakRssMb(), timings_ms: timings,
    };
    return { manifest: { tool: "metacurate", version: TOOL_VERSION, filter }, files };
  }, { inputs: opts.pool.map((p) => ({ flag: "pool", path: p })) });
}
