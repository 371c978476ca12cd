/**
 * A workspace loaded in the browser. The live figures and charts need only the counts (sorted in
 * memory), so it is usable as soon as they are decoded; the entries table reaches DuckDB-WASM, the
 * preview pairs and the matches (a worker, for the exact expected size) arrive after it.
 */
import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { CountDistribution } from "../curation/distribution";
import { languageOfId, WorldwideThresholds, type LanguageRange } from "../curation/worldwideBalance";
import { getEngine } from "./duckdb";
import { emit } from "./events";
import { createEntriesSql } from "./sql";
import type { FilterChoice } from "../filters/params";
import { noCapT } from "../options/thresholdText";
import type { ColumnsSummary, FilterReply, WorkerReply, WorkerRequest } from "./matches.worker";

export type { ColumnsSummary, FilterReply };

export type FilterColumnsState =
  | { state: "none" | "loading" | "unloaded" }
  | { state: "ready"; summary: ColumnsSummary }
  | { state: "error"; message: string };

export interface PreviewPair {
  uid: string;
  url: string | null;
  text: string;
  entryIds: number[];
}

export interface WorkspaceInfo {
  /** Workspace name (server) or "local files". */
  label: string;
  /** Which metadata file was checked against the entries, when one was opened. */
  metadataFile: string | null;
  server: string | null;
  t: number | null;
  seed: number | null;
  metadataHash: string | null;
  rowsRead: number | null;
  rowsMatched: number | null;
  /** A worldwide workspace's languages (MetaCLIP 2), in id order; null for one list. */
  languages: LanguageInfo[] | null;
}

/** A worldwide workspace's language: its range of entry ids, and its rows read and matched (the manifest's). */
export interface LanguageInfo extends LanguageRange {
  rows: number;
  rowsMatched: number;
}

export type MatchesState =
  | { state: "none" }
  | { state: "loading" }
  | { state: "ready"; sampleRows: number; totalRows: number; sampled: boolean }
  | { state: "error"; message: string };

/** A target size solved: t, its expected size, and the largest size any t reaches (scaled when sampled). */
export interface TargetSolved { t: number; value: number; largest: number; ms: number; sampled: boolean }

export type LoadStep = (message: string) => void;

export type PartState = "loading" | "ready" | "none" | { error: string };

export interface SizeCurvePoint {
  t: number;
  expectedSize: number;
}

/** One connection, one `entries` table: loads run one after another. */
let tableQueue: Promise<unknown> = Promise.resolve();

/** A rejected placeholder until the real promise replaces it, marked handled: not an "Uncaught (in promise)" in the console when nothing awaits it. */
function notYet<T>(why: string): Promise<T> {
  const p = Promise.reject<T>(new Error(why));
  p.catch(() => {});
  return p;
}

export class LoadedWorkspace {
  matches: MatchesState = { state: "none" };
  /** The engine's exact E(t) on its log grid (size_curve.parquet), when available. */
  sizeCurve: SizeCurvePoint[] = [];
  preview: PreviewPair[] = [];
  /** Images in the workspace's webdataset tar shards (served by uid); null until the server says. */
  imageShards: number | null = 0;
  previewState: PartState = "none";
  /** The `entries` table in DuckDB-WASM, for the band/source tables, the entries page and entry names. */
  entriesDb: Promise<AsyncDuckDBConnection> = notYet<AsyncDuckDBConnection>("entries not loaded");
  private worker: Worker | null = null;
  /** Settles when the matches are decoded (or fail to be). */
  private matchesReady: Promise<void> = notYet<void>("no matches.parquet");
  private settleMatches: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private nextId = 1;
  private pending = new Map<number, (r: { value: number; ms: number; t?: number; largest?: number; byLanguage?: number[] } | Error) => void>();
  private listeners = new Set<() => void>();
  /** filter_columns.parquet in the worker (served workspaces only), loaded when the filter panel asks. */
  filterColumns: FilterColumnsState = { state: "unloaded" };
  private filterPending = new Map<number, (r: FilterReply | Error) => void>();
  /**
   * A worldwide workspace's thresholds (English's t sets every language's), or null; `worldwideError`
   * says why a worldwide workspace has none (English has no match).
   */
  readonly worldwide: WorldwideThresholds | null = null;
  readonly worldwideError: string | null = null;
  private languageDists = new Map<number, CountDistribution>();

  constructor(
    readonly info: WorkspaceInfo,
    readonly countsById: Float64Array,
    readonly dist: CountDistribution,
    readonly hasSource: boolean,
  ) {
    this.entriesDb.catch(() => {});
    const languages = info.languages;
    if (languages) {
      const last = languages[languages.length - 1];
      if (!last || last.offset + last.entries !== countsById.length) throw new Error(`the manifest's languages cover ${last ? last.offset + last.entries : 0} entries; the entry counts have ${countsById.length}`);
      try { this.worldwide = new WorldwideThresholds(languages, countsById); } catch (e) { this.worldwideError = e instanceof Error ? e.message : String(e); }
    }
  }

  /** The counts distribution of language i (a worldwide workspace's), or every entry's for -1. */
  languageDist(i: number): CountDistribution {
    if (i < 0 || !this.info.languages) return this.dist;
    let d = this.languageDists.get(i);
    if (!d) {
      const l = this.info.languages[i];
      d = new CountDistribution(this.countsById.subarray(l.offset, l.offset + l.entries));
      this.languageDists.set(i, d);
    }
    return d;
  }

  private lastEntryT: { t: number; values: Float64Array } | null = null;
  private noEntryT: Float64Array | null = null;

  /** A worldwide workspace's t per entry at English's t (each its language's), or null: one t for all. */
  entryThresholds(t: number): Float64Array | null {
    // worldwide without English's matches: no language has a t, so every entry's is 0 (keeps none), never the one t of a single list
    if (this.info.languages && !this.worldwide) return (this.noEntryT ??= new Float64Array(this.countsById.length));
    if (!this.worldwide || !(t >= 1)) return null;
    if (this.lastEntryT?.t !== t) this.lastEntryT = { t, values: this.worldwide.entryThresholds(t, this.countsById.length) };
    return this.lastEntryT.values;
  }

  /** The language (index) of entry `id` in a worldwide workspace, else -1. */
  languageOf(id: number): number {
    return this.info.languages ? languageOfId(this.info.languages, id) : -1;
  }

  /** The language code of entry `id` in a worldwide workspace, else "". */
  languageCode(id: number): string {
    return this.info.languages?.[this.languageOf(id)]?.lang ?? "";
  }

  /**
   * The t that caps nothing ("∞"): the largest count; in a worldwide workspace one above English's, the
   * smallest English t whose tail share t_to_p (counting entries with count < t) is 1, which gives every
   * language a t at or above its own largest count.
   */
  get noCap(): { t: number; what: string } {
    return this.worldwide
      ? { t: this.worldwide.topT, what: "one above English's largest count, so English's tail share is 1 and no language is capped" }
      : { t: noCapT(this.dist.maxCount), what: "the largest count" };
  }

  /** The distribution t is read on: English's in a worldwide workspace (its t is English's), else every entry's. */
  get tDist(): CountDistribution {
    return this.worldwide ? this.languageDist(this.worldwide.english) : this.dist;
  }

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Loads the entry_counts Arrow IPC stream (or the promise of it) into DuckDB as `entries` (the bytes are handed over). */
  startEntriesTable(ipcOrPromise: Uint8Array | Promise<Uint8Array>, fileName: string): void {
    const previous = tableQueue;
    this.entriesDb = (async () => {
      const ipc = await ipcOrPromise;
      await previous.catch(() => {});
      const { conn } = await getEngine();
      await conn.query("DROP TABLE IF EXISTS entries_raw");
      await conn.insertArrowFromIPCStream(ipc, { name: "entries_raw", create: true });
      try {
        await conn.query(createEntriesSql("entries_raw", this.hasSource));
      } catch (e) {
        throw new Error(`${fileName}: entry_id, entry and count must be integer, text and integer (${e instanceof Error ? e.message.split("\n")[0] : e})`);
      } finally {
        await conn.query("DROP TABLE IF EXISTS entries_raw");
      }
      performance.mark("metacurate:entries-table");
      emit({ type: "entries:table", entries: this.countsById.length });
      return conn;
    })();
    tableQueue = this.entriesDb;
    this.entriesDb.catch((e: Error) => emit({ type: "entries:error", message: e.message }));
  }

  /** Preview pairs decoded elsewhere; the pages re-render when they arrive. */
  startPreview(pairs: Promise<PreviewPair[] | null>): void {
    this.previewState = "loading";
    pairs.then((p) => {
      this.preview = p ?? [];
      this.previewState = p ? "ready" : "none";
      this.changed();
    }, (e: Error) => {
      this.previewState = { error: e.message };
      this.changed();
    });
  }

  setImageShards(images: number | null): void {
    this.imageShards = images;
    this.changed();
  }

  setSizeCurve(points: SizeCurvePoint[]): void {
    this.sizeCurve = points;
    this.changed();
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }

  /** Starts decoding the matches in the worker; figures wait for it through expectedSize(). */
  startMatches(source: { url: string } | { bytes: Uint8Array }, fileName: string): void {
    this.worker?.terminate();
    const worker = new Worker(new URL("./matches.worker.ts", import.meta.url), { type: "module" });
    this.worker = worker;
    this.matches = { state: "loading" };
    this.matchesReady = new Promise((resolve, reject) => { this.settleMatches = { resolve, reject }; });
    this.matchesReady.catch(() => {});
    this.changed();
    worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const m = ev.data;
      if (m.type === "loaded") {
        if (m.maxId >= this.countsById.length) {
          this.matches = { state: "error", message: `${fileName} refers to entry id ${m.maxId}, but the entry counts have ${this.countsById.length} entries: they are not from the same workspace` };
          this.settleMatches?.reject(new Error(this.matches.message));
        } else {
          worker.postMessage({ type: "counts", counts: this.countsById, languages: this.worldwide ? this.info.languages : null } satisfies WorkerRequest);
          const totalRows = m.totalRows ?? m.rows;
          this.matches = { state: "ready", sampleRows: m.rows, totalRows, sampled: m.rows < totalRows };
          this.settleMatches?.resolve();
          emit({ type: "matches:loaded", rows: m.rows, totalRows, ms: m.ms });
        }
        this.changed();
      } else if (m.type === "columns") {
        this.filterColumns = m.summary ? { state: "ready", summary: m.summary } : { state: "none" };
        emit({ type: "filter-columns:loaded", rows: m.summary?.rows ?? 0 });
        this.changed();
      } else if (m.type === "columnsError") {
        this.filterColumns = { state: "error", message: m.message };
        this.changed();
      } else if (m.type === "filter") {
        this.filterPending.get(m.id)?.(m);
        this.filterPending.delete(m.id);
      } else if (m.type === "expected" || m.type === "target") {
        this.pending.get(m.id)?.(m.type === "target" ? { value: m.value, ms: m.ms, t: m.t, largest: m.largest } : { value: m.value, ms: m.ms, byLanguage: m.byLanguage });
        this.pending.delete(m.id);
      } else if (m.id !== undefined) {
        this.pending.get(m.id)?.(new Error(m.message));
        this.pending.delete(m.id);
        this.filterPending.get(m.id)?.(new Error(m.message));
        this.filterPending.delete(m.id);
      } else {
        this.matches = { state: "error", message: m.message };
        this.settleMatches?.reject(new Error(m.message));
        emit({ type: "matches:error", message: m.message });
        this.changed();
      }
    };
    if ("url" in source) worker.postMessage({ type: "load", url: source.url, fileName } satisfies WorkerRequest);
    else worker.postMessage({ type: "loadBytes", bytes: source.bytes, fileName } satisfies WorkerRequest, [source.bytes.buffer as ArrayBuffer]);
  }

  /** Exact Σ 1 − ∏(1 − p_e) over the loaded matched rows (all of them, or the sample) at t; worldwide, each language's too. */
  expectedSize(t: number): Promise<{ value: number; ms: number; byLanguage?: number[] }> {
    if (!this.worker || this.matches.state !== "ready") return Promise.reject(new Error("matches are not loaded"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      this.worker!.postMessage({ type: "expected", id, t } satisfies WorkerRequest);
    });
  }

  /**
   * The integer t whose exact expected size over the loaded rows is closest to `size` (the engine's
   * --target-size rule), and the largest size any t reaches (every matched row kept). With a sample,
   * `size` is scaled to the sample and back, and the t is approximate.
   */
  async tForTargetSize(size: number): Promise<TargetSolved> {
    await this.matchesReady; // typed before the matches were decoded: wait for them
    if (!this.worker || this.matches.state !== "ready") throw new Error("a target size needs the workspace's matches.parquet");
    const { sampled, sampleRows, totalRows } = this.matches;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const scale = (v: number) => (sampled ? (v * totalRows) / sampleRows : v);
      this.pending.set(id, (r) => (r instanceof Error ? reject(r) : resolve({ t: r.t!, value: scale(r.value), largest: scale(r.largest!), ms: r.ms, sampled })));
      this.worker!.postMessage({ type: "target", id, size: sampled ? (size * sampleRows) / totalRows : size } satisfies WorkerRequest);
    });
  }

  /** Loads the workspace's filter_columns.parquet into the worker, once (a served workspace's). */
  loadFilterColumns(): void {
    if (this.filterColumns.state !== "unloaded") return;
    if (!this.worker || !this.info.server) { this.filterColumns = { state: "none" }; return; }
    this.filterColumns = { state: "loading" };
    this.changed();
    const fileName = "filter_columns.parquet";
    this.worker.postMessage({ type: "loadColumns", url: `/api/workspaces/${encodeURIComponent(this.info.server)}/files/${fileName}`, fileName } satisfies WorkerRequest);
  }

  /** A DataComp filter over the loaded columns, composed with balancing at t (every matched row: not on a sample). */
  async filterPreview(choice: FilterChoice, t: number): Promise<FilterReply> {
    await this.matchesReady;
    if (!this.worker || this.matches.state !== "ready") throw new Error("the filter panel needs the workspace's matches.parquet");
    if (this.matches.sampled) throw new Error(`the filter panel needs every matched row; this workspace has ${this.matches.totalRows.toLocaleString("en-US")}, more than the browser is sent (run metacurate filter)`);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.filterPending.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      this.worker!.postMessage({ type: "filter", id, choice, t } satisfies WorkerRequest);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

