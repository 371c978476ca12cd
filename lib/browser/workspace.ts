/**
 * A workspace loaded in the browser: entry counts in DuckDB-WASM (and sorted in memory for the live
 * figures), the matches in a worker for the exact expected size, and the preview pairs.
 * Sources: a workspace served by `metacurate serve`, or local files a person opened.
 */
import { tableFromIPC } from "apache-arrow";
import { CountDistribution } from "../curation/distribution";
import { getEngine, rows } from "./duckdb";
import { emit } from "./events";
import { parquetToIpc } from "./parquet";
import { countsByIdSql, createEntriesSql, describeSql, ENTRY_COLUMNS, entriesCheckSql } from "./sql";
import type { WorkerReply, WorkerRequest } from "./matches.worker";

export interface PreviewPair {
  uid: string;
  url: string | null;
  text: string;
  entryIds: number[];
}

export interface WorkspaceInfo {
  /** Workspace name (server) or "local files". */
  label: string;
  server: string | null;
  t: number | null;
  seed: number | null;
  metadataHash: string | null;
  rowsRead: number | null;
  rowsMatched: number | null;
}

export type MatchesState =
  | { state: "none" }
  | { state: "loading" }
  | { state: "ready"; sampleRows: number; totalRows: number; sampled: boolean }
  | { state: "error"; message: string };

export type LoadStep = (message: string) => void;

export interface LocalFiles {
  entryCounts: File;
  matches?: File;
  preview?: File;
  manifest?: File;
}

export interface SizeCurvePoint {
  t: number;
  expectedSize: number;
}

export class LoadedWorkspace {
  matches: MatchesState = { state: "none" };
  /** The engine's exact E(t) on its log grid (size_curve.parquet), when available. */
  sizeCurve: SizeCurvePoint[] = [];
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, (r: { value: number; ms: number } | Error) => void>();
  private listeners = new Set<() => void>();

  constructor(
    readonly info: WorkspaceInfo,
    readonly countsById: Float64Array,
    readonly dist: CountDistribution,
    readonly hasSource: boolean,
    readonly preview: PreviewPair[],
  ) {}

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
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
    this.changed();
    worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const m = ev.data;
      if (m.type === "loaded") {
        if (m.maxId >= this.countsById.length) {
          this.matches = { state: "error", message: `${fileName} refers to entry id ${m.maxId}, but the entry counts have ${this.countsById.length} entries: they are not from the same workspace` };
        } else {
          worker.postMessage({ type: "counts", counts: this.countsById } satisfies WorkerRequest);
          const totalRows = m.totalRows ?? m.rows;
          this.matches = { state: "ready", sampleRows: m.rows, totalRows, sampled: m.rows < totalRows };
          emit({ type: "matches:loaded", rows: m.rows, totalRows, ms: m.ms });
        }
        this.changed();
      } else if (m.type === "expected") {
        this.pending.get(m.id)?.({ value: m.value, ms: m.ms });
        this.pending.delete(m.id);
      } else if (m.id !== undefined) {
        this.pending.get(m.id)?.(new Error(m.message));
        this.pending.delete(m.id);
      } else {
        this.matches = { state: "error", message: m.message };
        emit({ type: "matches:error", message: m.message });
        this.changed();
      }
    };
    if ("url" in source) worker.postMessage({ type: "load", url: source.url, fileName } satisfies WorkerRequest);
    else worker.postMessage({ type: "loadBytes", bytes: source.bytes, fileName } satisfies WorkerRequest, [source.bytes.buffer as ArrayBuffer]);
  }

  /** Exact Σ 1 − ∏(1 − p_e) over the loaded matched rows (all of them, or the sample) at t. */
  expectedSize(t: number): Promise<{ value: number; ms: number }> {
    if (!this.worker || this.matches.state !== "ready") return Promise.reject(new Error("matches are not loaded"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      this.worker!.postMessage({ type: "expected", id, t } satisfies WorkerRequest);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

async function readParquetTable(bytes: Uint8Array, fileName: string) {
  return tableFromIPC(await parquetToIpc(bytes, fileName));
}

/** entry_counts parquet → DuckDB table `entries` → counts by id; errors name the file and the problem. */
async function ingestEntryCounts(bytes: Uint8Array, fileName: string, step: LoadStep): Promise<{ countsById: Float64Array; hasSource: boolean }> {
  step(`decoding ${fileName}`);
  const ipc = await parquetToIpc(bytes, fileName);
  step("starting DuckDB");
  const { conn } = await getEngine();
  step(`loading ${fileName} into DuckDB`);
  await conn.query("DROP TABLE IF EXISTS entries_raw");
  await conn.insertArrowFromIPCStream(ipc, { name: "entries_raw", create: true });
  const columns = (await rows<{ column_name: string }>(conn, describeSql("entries_raw"))).map((c) => c.column_name);
  const missing = ENTRY_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) throw new Error(`${fileName} is not an entry_counts file: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (has ${columns.join(", ")})`);
  const hasSource = columns.includes("source");
  try {
    await conn.query(createEntriesSql("entries_raw", hasSource));
  } catch (e) {
    throw new Error(`${fileName}: entry_id, entry and count must be integer, text and integer (${e instanceof Error ? e.message.split("\n")[0] : e})`);
  }
  await conn.query("DROP TABLE entries_raw");
  const [check] = await rows<{ n: number; lo: number; hi: number; d: number; bad: number }>(conn, entriesCheckSql());
  if (check.n === 0) throw new Error(`${fileName} has no entries`);
  if (check.lo !== 0 || check.hi !== check.n - 1 || check.d !== check.n) throw new Error(`${fileName}: entry_id must run from 0 to ${check.n - 1} without gaps`);
  if (check.bad > 0) throw new Error(`${fileName}: ${check.bad} entries have a null or negative count`);
  const table = await conn.query(countsByIdSql());
  const countsById = Float64Array.from(table.getChild("c")!.toArray() as Float64Array);
  return { countsById, hasSource };
}

function previewFromTable(table: Awaited<ReturnType<typeof readParquetTable>>, fileName: string): PreviewPair[] {
  for (const c of ["uid", "text", "entry_ids"]) if (!table.getChild(c)) throw new Error(`${fileName} has no ${c} column`);
  const out: PreviewPair[] = [];
  for (const row of table) {
    const r = row.toJSON() as { uid: unknown; url?: unknown; text: unknown; entry_ids: { toArray(): ArrayLike<number> } | null };
    out.push({ uid: String(r.uid), url: r.url == null ? null : String(r.url), text: String(r.text ?? ""), entryIds: r.entry_ids ? Array.from(r.entry_ids.toArray(), Number) : [] });
  }
  return out;
}

function sizeCurveFromTable(table: Awaited<ReturnType<typeof readParquetTable>>): SizeCurvePoint[] {
  const t = table.getChild("t"), e = table.getChild("expected_size");
  if (!t || !e) return [];
  return Array.from({ length: table.numRows }, (_, i) => ({ t: Number(t.get(i)), expectedSize: Number(e.get(i)) }));
}

async function fetchBytes(url: string, fileName: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${fileName}: ${((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `HTTP ${res.status}`}`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function loadServerWorkspace(name: string, step: LoadStep): Promise<LoadedWorkspace> {
  const base = `/api/workspaces/${encodeURIComponent(name)}/files`;
  step("reading manifest.json");
  const manifestRes = await fetch(`${base}/manifest.json`);
  if (!manifestRes.ok) throw new Error(((await manifestRes.json().catch(() => null)) as { error?: string } | null)?.error ?? `workspace "${name}": HTTP ${manifestRes.status}`);
  const manifest = (await manifestRes.json()) as { match: { rows_read: number; rows_matched: number; metadata: { metadataHash: string } }; balance?: { t: number; seed: number } };
  step("fetching entry_counts.parquet");
  const { countsById, hasSource } = await ingestEntryCounts(await fetchBytes(`${base}/entry_counts.parquet`, "entry_counts.parquet"), "entry_counts.parquet", step);
  step("fetching preview.parquet");
  const previewBytes = await fetchBytes(`${base}/preview.parquet`, "preview.parquet").catch(() => null);
  const preview = previewBytes ? previewFromTable(await readParquetTable(previewBytes, "preview.parquet"), "preview.parquet") : [];
  const curveBytes = await fetchBytes(`${base}/size_curve.parquet`, "size_curve.parquet").catch(() => null);
  const ws = new LoadedWorkspace({
    label: name, server: name, t: manifest.balance?.t ?? null, seed: manifest.balance?.seed ?? null,
    metadataHash: manifest.match.metadata.metadataHash, rowsRead: manifest.match.rows_read, rowsMatched: manifest.match.rows_matched,
  }, countsById, new CountDistribution(countsById), hasSource, preview);
  if (curveBytes) ws.sizeCurve = sizeCurveFromTable(await readParquetTable(curveBytes, "size_curve.parquet"));
  ws.startMatches({ url: `${base}/matches.parquet` }, "matches.parquet");
  return ws;
}

const fileBytes = async (f: File) => new Uint8Array(await f.arrayBuffer());

export async function loadLocalWorkspace(files: LocalFiles, step: LoadStep): Promise<LoadedWorkspace> {
  const { countsById, hasSource } = await ingestEntryCounts(await fileBytes(files.entryCounts), files.entryCounts.name, step);
  let manifest: { match?: { rows_read?: number; rows_matched?: number; metadata?: { metadataHash?: string } }; balance?: { t?: number; seed?: number } } = {};
  if (files.manifest) {
    try { manifest = JSON.parse(await files.manifest.text()); } catch { throw new Error(`${files.manifest.name} is not valid JSON`); }
  }
  const preview = files.preview ? previewFromTable(await readParquetTable(await fileBytes(files.preview), files.preview.name), files.preview.name) : [];
  const ws = new LoadedWorkspace({
    label: "local files", server: null, t: manifest.balance?.t ?? null, seed: manifest.balance?.seed ?? null,
    metadataHash: manifest.match?.metadata?.metadataHash ?? null, rowsRead: manifest.match?.rows_read ?? null, rowsMatched: manifest.match?.rows_matched ?? null,
  }, countsById, new CountDistribution(countsById), hasSource, preview);
  if (files.matches) ws.startMatches({ bytes: await fileBytes(files.matches) }, files.matches.name);
  return ws;
}
