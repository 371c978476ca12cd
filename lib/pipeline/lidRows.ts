/**
 * languages.parquet of a language-ID match: every row read, its pool_row, the model's top label, the
 * metadata language that label maps to (`other` when none, or when the caption is null) and the model's
 * confidence. The rows are appended in bulk as the match workers return them, in pool order.
 */
import { BIGINT, DOUBLE, INTEGER, type DuckDBAppender } from "@duckdb/node-api";
import { CHUNK_ROWS, ChunkWriter, setInt64 } from "../pool/bulkAppend";
import { PARQUET_ROW_OPTIONS, sqlString, type DuckDBConnection } from "../pool/duckdb";
import { OTHER_LANGUAGE as OTHER } from "../curation/worldwide";
import type { GroupLanguages, LidRequest } from "./matchLid";

export const LANGUAGES_FILE = "languages.parquet";
const TABLE = "lid_rows";

export class LidRows {
  private appender: DuckDBAppender | null = null;
  private writer: ChunkWriter | null = null;
  private readonly labels: string[] = [];
  private readonly labelIds = new Map<string, number>();
  private readonly rowsByLabel: number[] = [];
  private nullRows = 0;
  private readonly poolRows = new BigInt64Array(CHUNK_ROWS);
  private readonly poolRowWords = new Uint32Array(this.poolRows.buffer);
  private readonly ids = new Int32Array(CHUNK_ROWS);
  private readonly confidences = new Float64Array(CHUNK_ROWS);
  private buffered = 0;

  constructor(private readonly con: DuckDBConnection, private readonly languages: readonly string[], readonly request: LidRequest) {}

  async open(): Promise<void> {
    await this.con.run(`CREATE OR REPLACE TABLE ${TABLE} (pool_row BIGINT, label_id INTEGER, confidence DOUBLE)`);
    this.appender = await this.con.createAppender(TABLE);
    this.writer = new ChunkWriter(this.appender, [BIGINT, INTEGER, DOUBLE]);
  }

  /** A group's rows, pool rows [poolRow, poolRow + rows). */
  add(poolRow: number, rows: number, lid: GroupLanguages): void {
    const global = lid.labels.map((label) => {
      let id = this.labelIds.get(label);
      if (id === undefined) { id = this.labels.length; this.labels.push(label); this.labelIds.set(label, id); this.rowsByLabel.push(0); }
      return id;
    });
    for (let r = 0; r < rows; r++) {
      const local = lid.labelIds[r];
      const id = local < 0 ? -1 : global[local];
      if (id < 0) this.nullRows++; else this.rowsByLabel[id]++;
      setInt64(this.poolRowWords, this.buffered, poolRow + r);
      this.ids[this.buffered] = id;
      this.confidences[this.buffered++] = local < 0 ? 0 : lid.confidences[r];
      if (this.buffered === CHUNK_ROWS) this.flush();
    }
  }

  private flush(): void {
    if (this.buffered === 0 || !this.writer) return;
    this.writer.begin();
    this.writer.fixed(0, this.poolRows, 0, this.buffered);
    this.writer.fixed(1, this.ids, 0, this.buffered);
    this.writer.fixed(2, this.confidences, 0, this.buffered);
    this.writer.append(this.buffered);
    this.buffered = 0;
  }

  close(): void {
    if (!this.appender) return;
    try { this.flush(); } finally { this.appender.closeSync(); this.appender = null; }
  }

  private languageOf(label: string): string {
    const i = this.request.languages[label];
    return i === undefined ? OTHER : this.languages[i];
  }

  /** Rows per model label (null: a null caption). */
  labelRows(): { label: string | null; rows: number }[] {
    return [...this.labels.map((label, id) => ({ label: label as string | null, rows: this.rowsByLabel[id] })), ...(this.nullRows > 0 ? [{ label: null, rows: this.nullRows }] : [])];
  }

  rowsByLanguage(): Map<string, number> {
    const rows = new Map<string, number>();
    this.labels.forEach((label, id) => { const lang = this.languageOf(label); rows.set(lang, (rows.get(lang) ?? 0) + this.rowsByLabel[id]); });
    if (this.nullRows > 0) rows.set(OTHER, (rows.get(OTHER) ?? 0) + this.nullRows);
    return rows;
  }

  async write(target: string): Promise<void> {
    const values = this.labels.map((label, id) => `(${id}, ${sqlString(label)}, ${sqlString(this.languageOf(label))})`);
    const names = values.length > 0 ? `(VALUES ${values.join(", ")}) l(label_id, label, lang)` : "(SELECT 0 AS label_id, '' AS label, '' AS lang WHERE false) l";
    await this.con.run(`COPY (SELECT pool_row, l.label AS lid_label, coalesce(l.lang, ${sqlString(OTHER)}) AS lang,
        CASE WHEN r.label_id < 0 THEN NULL ELSE r.confidence END AS lid_confidence
      FROM ${TABLE} r LEFT JOIN ${names} USING (label_id) ORDER BY pool_row) TO ${sqlString(target)} (${PARQUET_ROW_OPTIONS})`);
    await this.con.run(`DROP TABLE ${TABLE}`);
  }
}
