/**
 * Off the UI thread: decodes a matches parquet (or sample) and computes the exact expected curated
 * size Σ_rows 1 − ∏(1 − p_e) at any t with the engine's own summation, so the figure is bit-identical.
 */
import { tableFromIPC } from "apache-arrow";
import { ExpectedSize, keepProbability } from "../curation/balance";
import { tForTargetSize } from "../curation/targetSize";
import { keepProbabilityByEntry, languageOfId, WorldwideSizeCurve, WorldwideThresholds, type LanguageRange } from "../curation/worldwideBalance";
import { filterColumnsFromArrow, poolRowsFromArrow } from "../filters/columnsArrow";
import { filterParams, type FilterChoice } from "../filters/params";
import { composeWithBalance, previewFilter, type FilterColumns, type LanguageComposition } from "../filters/preview";
import { httpError, wholeBody } from "./http";
import { matchRowsFromArrow, type MatchRows } from "./matchRows";
import { parquetToIpc } from "./parquet";

export type WorkerRequest =
  | { type: "load"; url: string; fileName: string }
  | { type: "loadBytes"; bytes: Uint8Array; fileName: string }
  | { type: "counts"; counts: Float64Array; languages: LanguageRange[] | null }
  | { type: "expected"; id: number; t: number }
  | { type: "target"; id: number; size: number }
  | { type: "loadColumns"; url: string; fileName: string }
  | { type: "filter"; id: number; choice: FilterChoice; t: number };

/** What filter_columns.parquet offers the panel. */
export interface ColumnsSummary { rows: number; scoreColumns: string[]; languages: string[]; sizes: boolean }

/** A filter previewed and composed with balancing at t (lib/filters/preview.ts). */
export interface FilterReply {
  rows: number; rowsKept: number; threshold: number | null;
  conditions: { condition: string; removedAlone: number; removedInOrder: number }[];
  matchedKept: number; balance: number; filterThenBalance: number | null; balanceThenFilter: number; filterThenBalanceProblem: string | null;
  countsAfterFilter: Float64Array; ms: number;
  /** A worldwide workspace's: each entry's t before and after the filter, each language's part. */
  entryT: Float64Array | null; entryTAfterFilter: Float64Array | null; languages: LanguageComposition[] | null;
}

export type WorkerReply =
  | { type: "loaded"; rows: number; maxId: number; totalRows: number | null; sampleRows: number | null; ms: number }
  | { type: "expected"; id: number; t: number; value: number; ms: number; byLanguage?: number[] }
  | { type: "target"; id: number; t: number; value: number; largest: number; ms: number }
  | { type: "columns"; summary: ColumnsSummary | null }
  | ({ type: "filter"; id: number } & FilterReply)
  | { type: "columnsError"; message: string }
  | { type: "error"; message: string; id?: number };

let rows: MatchRows | null = null;
let counts: Float64Array | null = null;
/** A worldwide workspace's: t is English's, each entry balanced at its language's t. */
let worldwide: WorldwideThresholds | null = null;
/** Each matched row's pool row (matches.parquet's pool_row), for the filter panel. */
let poolRow: Float64Array | null = null;
let columns: FilterColumns | null = null;

const post = (m: WorkerReply) => (self as unknown as Worker).postMessage(m);

async function load(bytes: Uint8Array, fileName: string, totalRows: number | null, sampleRows: number | null, t0: number) {
  const table = tableFromIPC(await parquetToIpc(bytes, fileName));
  rows = matchRowsFromArrow(table, fileName);
  poolRow = poolRowsFromArrow(table);
  let maxId = -1;
  for (let i = 0; i < rows.ids.length; i++) if (rows.ids[i] > maxId) maxId = rows.ids[i];
  post({ type: "loaded", rows: rows.rows, maxId, totalRows, sampleRows, ms: performance.now() - t0 });
}

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const m = ev.data;
  try {
    if (m.type === "load") {
      const t0 = performance.now();
      const res = await fetch(m.url);
      if (!res.ok) throw await httpError(res, m.fileName);
      const total = res.headers.get("X-Matched-Rows"), sample = res.headers.get("X-Sample-Rows");
      await load(await wholeBody(res, m.fileName), m.fileName, total ? Number(total) : null, sample ? Number(sample) : null, t0);
    } else if (m.type === "loadBytes") {
      await load(m.bytes, m.fileName, null, null, performance.now());
    } else if (m.type === "counts") {
      counts = m.counts;
      worldwide = m.languages ? new WorldwideThresholds(m.languages, m.counts) : null;
    } else if (m.type === "expected") {
      if (!rows || !counts) throw new Error("matches or counts not loaded");
      const t0 = performance.now();
      const sum = new ExpectedSize();
      const { starts, ids } = rows;
      if (worldwide) {
        // the engine's sums (lib/pipeline/stats): each row at its language's t, per language and in all
        const entryT = worldwide.entryThresholds(m.t, counts.length), ranges = worldwide.ranges;
        const byLanguage = ranges.map(() => new ExpectedSize());
        for (let r = 0; r < rows.rows; r++) {
          const p = keepProbabilityByEntry(ids, starts[r], starts[r + 1], counts, entryT);
          sum.add(p);
          if (starts[r + 1] > starts[r]) byLanguage[languageOfId(ranges, ids[starts[r]])].add(p);
        }
        post({ type: "expected", id: m.id, t: m.t, value: sum.value, ms: performance.now() - t0, byLanguage: byLanguage.map((e) => e.value) });
        return;
      }
      for (let r = 0; r < rows.rows; r++) sum.add(keepProbability(ids, starts[r], starts[r + 1], counts, m.t));
      post({ type: "expected", id: m.id, t: m.t, value: sum.value, ms: performance.now() - t0 });
    } else if (m.type === "loadColumns") {
      try {
        const res = await fetch(m.url);
        if (res.status === 404) { post({ type: "columns", summary: null }); return; }
        if (!res.ok) throw await httpError(res, m.fileName);
        columns = filterColumnsFromArrow(tableFromIPC(await parquetToIpc(await wholeBody(res, m.fileName), m.fileName)), m.fileName);
        post({ type: "columns", summary: { rows: columns.rows, scoreColumns: Object.keys(columns.scores), languages: Object.keys(columns.english), sizes: columns.width !== null } });
      } catch (e) {
        post({ type: "columnsError", message: e instanceof Error ? e.message : String(e) });
      }
    } else if (m.type === "filter") {
      if (!rows || !counts || !columns || !poolRow) throw new Error("matches or filter columns not loaded");
      const t0 = performance.now();
      const preview = previewFilter(columns, filterParams(m.choice), m.choice.fraction);
      const c = composeWithBalance({ rows: rows.rows, starts: rows.starts, ids: rows.ids, poolRow }, counts, preview.kept, m.t, worldwide);
      const reply: WorkerReply = { type: "filter", id: m.id, rows: preview.rows, rowsKept: preview.rowsKept, threshold: preview.threshold, conditions: preview.conditions,
        matchedKept: c.matchedKept, balance: c.balance, filterThenBalance: c.filterThenBalance, balanceThenFilter: c.balanceThenFilter, filterThenBalanceProblem: c.filterThenBalanceProblem,
        countsAfterFilter: c.countsAfterFilter, entryT: c.entryT, entryTAfterFilter: c.entryTAfterFilter, languages: c.languages, ms: performance.now() - t0 };
      (self as unknown as Worker).postMessage(reply, [c.countsAfterFilter, c.entryT, c.entryTAfterFilter].flatMap((a) => (a ? [a.buffer] : [])));
    } else if (m.type === "target") {
      if (!rows || !counts) throw new Error("matches or counts not loaded");
      const t0 = performance.now();
      const { starts, ids } = rows, n = rows.rows;
      // a worldwide t is English's: searched over English's counts, each row summed at its language's t
      const ww = worldwide, all = counts;
      const solved = await tForTargetSize((visit) => { for (let r = 0; r < n; r++) visit(ids, starts[r], starts[r + 1]); }, ww ? ww.englishCounts(all) : all, m.size,
        ww ? (grid) => new WorldwideSizeCurve(grid, all, ww) : undefined, ww?.topT);
      post({ type: "target", id: m.id, t: solved.t, value: solved.expectedSize, largest: solved.largest, ms: performance.now() - t0 });
    }
  } catch (e) {
    post({ type: "error", message: e instanceof Error ? e.message : String(e), ...(m.type === "expected" || m.type === "target" || m.type === "filter" ? { id: m.id } : {}) });
  }
};
