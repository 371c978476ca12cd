/**
 * Opens a workspace in the page: one served by `metacurate serve`, or local files a person picked.
 * The workspace is returned as soon as the counts are decoded and checked; DuckDB-WASM (started at
 * once, in parallel), the preview pairs, the size curve and the matches follow.
 */
import { tableFromIPC, type Table } from "apache-arrow";
import { CountDistribution } from "../curation/distribution";
import { getEngine } from "./duckdb";
import { httpError, wholeBody } from "./http";
import { countsFromArrow, entryNamesById } from "./entryCounts";
import { matchRowsFromArrow } from "./matchRows";
import { metadataHash, metadataMismatch, parseMetadataJson } from "./metadataCheck";
import { parquetToIpc } from "./parquet";
import { LoadedWorkspace, type LanguageInfo, type LoadStep, type PreviewPair, type SizeCurvePoint, type WorkspaceInfo } from "./workspace";

/** A worldwide manifest's languages, checked to be ranges of ids back to back from 0. */
function languagesOf(manifest: ManifestJson): LanguageInfo[] | null {
  const list = manifest.match?.languages;
  if (!list) return null;
  let next = 0;
  return list.map((l, i) => {
    if (typeof l?.lang !== "string" || l.offset !== next || !Number.isInteger(l.entries) || l.entries < 1) throw new Error(`the manifest's language ${i} (${JSON.stringify(l?.lang)}) is not a range of entry ids following the one before`);
    next += l.entries;
    return { lang: l.lang, offset: l.offset, entries: l.entries, rows: Number(l.rows), rowsMatched: Number(l.rows_matched) };
  });
}

export interface LocalFiles {
  entryCounts: File;
  matches?: File;
  preview?: File;
  manifest?: File;
  /** MetaCLIP's metadata.json: checked against the entries, hashed like the engine does. */
  metadata?: File;
}

interface ManifestJson {
  match?: { rows_read?: number; rows_matched?: number; metadata?: { metadataHash?: string };
    languages?: { lang: string; offset: number; entries: number; rows: number; rows_matched: number }[] };
  balance?: { t?: number; seed?: number };
}

async function readParquetTable(bytes: Uint8Array, fileName: string): Promise<Table> {
  return tableFromIPC(await parquetToIpc(bytes, fileName));
}

function previewFromTable(table: Table, fileName: string): PreviewPair[] {
  for (const c of ["uid", "text"]) if (!table.getChild(c)) throw new Error(`${fileName} has no ${c} column`);
  const uid = table.getChild("uid")!, url = table.getChild("url"), text = table.getChild("text")!;
  const { starts, ids } = matchRowsFromArrow(table, fileName);
  const out: PreviewPair[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const u = url?.get(i);
    out.push({ uid: String(uid.get(i)), url: u == null ? null : String(u), text: String(text.get(i) ?? ""), entryIds: Array.from(ids.subarray(starts[i], starts[i + 1])) });
  }
  return out;
}

function sizeCurveFromTable(table: Table): SizeCurvePoint[] {
  const t = table.getChild("t"), e = table.getChild("expected_size");
  if (!t || !e) return [];
  return Array.from({ length: table.numRows }, (_, i) => ({ t: Number(t.get(i)), expectedSize: Number(e.get(i)) }));
}

async function fetchBytes(url: string, fileName: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw await httpError(res, fileName);
  return wholeBody(res, fileName);
}

/** entry_counts bytes → a checked workspace whose entries table loads into DuckDB in the background. */
async function openCounts(bytes: Uint8Array, fileName: string, info: WorkspaceInfo, step: LoadStep, check?: (table: Table) => Promise<void>): Promise<LoadedWorkspace> {
  step(`decoding ${fileName}`);
  const ipc = await parquetToIpc(bytes, fileName);
  const table = tableFromIPC(ipc);
  const { countsById, hasSource } = countsFromArrow(table, fileName);
  if (check) await check(table);
  const ws = new LoadedWorkspace(info, countsById, new CountDistribution(countsById), hasSource);
  ws.startEntriesTable(ipc, fileName);
  return ws;
}

/** The server's counts (Arrow IPC, entry-id order, checked there) → counts by id. */
function servedCounts(bytes: Uint8Array): Float64Array {
  const col = tableFromIPC(bytes).getChild("count");
  if (!col) throw new Error("the workspace's counts came without a count column");
  return Float64Array.from(col.toArray() as ArrayLike<number>);
}

export async function loadServerWorkspace(name: string, step: LoadStep): Promise<LoadedWorkspace> {
  const ws0 = encodeURIComponent(name), base = `/api/workspaces/${ws0}/files`;
  step("fetching manifest.json and the entry counts");
  // the first figures need only the counts: the server sends them in entry-id order (preloaded by the page's head)
  const manifestP = fetch(`${base}/manifest.json`);
  const countsP = fetch(`/api/workspaces/${ws0}/counts`).then(async (res) => {
    if (!res.ok) throw await httpError(res, "entry_counts.parquet");
    return { bytes: await wholeBody(res, "entry_counts.parquet"), hasSource: res.headers.get("X-Has-Source") === "1" };
  });
  countsP.catch(() => {});
  const manifestRes = await manifestP;
  if (!manifestRes.ok) throw await httpError(manifestRes, `workspace "${name}"`);
  const manifest = (await manifestRes.json()) as ManifestJson;
  const counts = await countsP;
  step("decoding the entry counts");
  const countsById = servedCounts(counts.bytes);
  const ws = new LoadedWorkspace({
    label: name, server: name, metadataFile: null, t: manifest.balance?.t ?? null, seed: manifest.balance?.seed ?? null,
    metadataHash: manifest.match?.metadata?.metadataHash ?? null, rowsRead: manifest.match?.rows_read ?? null, rowsMatched: manifest.match?.rows_matched ?? null,
    languages: languagesOf(manifest),
  }, countsById, new CountDistribution(countsById), counts.hasSource);
  // then what the figures do not wait for: DuckDB-WASM and the entries table, the matches, previews and size curve
  getEngine().catch(() => {});
  ws.startEntriesTable(fetchBytes(`${base}/entry_counts.parquet`, "entry_counts.parquet").then((b) => parquetToIpc(b, "entry_counts.parquet")), "entry_counts.parquet");
  ws.startMatches({ url: `${base}/matches.parquet` }, "matches.parquet");
  const previewP = fetchBytes(`${base}/preview.parquet`, "preview.parquet").catch(() => null);
  const curveP = fetchBytes(`${base}/size_curve.parquet`, "size_curve.parquet").catch(() => null);
  ws.startPreview(previewP.then(async (b) => (b ? previewFromTable(await readParquetTable(b, "preview.parquet"), "preview.parquet") : null)));
  ws.setImageShards(null);
  void fetch(`/api/workspaces/${ws0}/shards`).then((r) => (r.ok ? r.json() : null))
    .then((s: { images?: number } | null) => ws.setImageShards(s?.images ?? 0), () => ws.setImageShards(0));
  void curveP.then(async (b) => { if (b) ws.setSizeCurve(sizeCurveFromTable(await readParquetTable(b, "size_curve.parquet"))); }).catch(() => {});
  return ws;
}

const fileBytes = async (f: File) => new Uint8Array(await f.arrayBuffer());

export async function loadLocalWorkspace(files: LocalFiles, step: LoadStep): Promise<LoadedWorkspace> {
  getEngine().catch(() => {});
  let manifest: ManifestJson = {};
  if (files.manifest) {
    try { manifest = JSON.parse(await files.manifest.text()) as ManifestJson; } catch { throw new Error(`${files.manifest.name} is not valid JSON`); }
  }
  const info: WorkspaceInfo = {
    label: "local files", server: null, metadataFile: null, t: manifest.balance?.t ?? null, seed: manifest.balance?.seed ?? null,
    metadataHash: manifest.match?.metadata?.metadataHash ?? null, rowsRead: manifest.match?.rows_read ?? null, rowsMatched: manifest.match?.rows_matched ?? null,
    languages: languagesOf(manifest),
  };
  const metadata = files.metadata;
  const checkMetadata = metadata && (async (table: Table) => {
    step(`checking ${metadata.name} against ${files.entryCounts.name}`);
    const list = parseMetadataJson(await metadata.text(), metadata.name);
    const names = entryNamesById(table);
    const mismatch = metadataMismatch(list, (id) => names[id], names.length, metadata.name, files.entryCounts.name);
    if (mismatch) throw new Error(mismatch);
    const hash = await metadataHash(list);
    if (info.metadataHash && info.metadataHash !== hash) throw new Error(`${metadata.name} hashes to ${hash.slice(0, 12)}…, but ${files.manifest!.name} records metadata ${info.metadataHash.slice(0, 12)}…`);
    info.metadataHash = hash;
    info.metadataFile = metadata.name;
  });
  const ws = await openCounts(await fileBytes(files.entryCounts), files.entryCounts.name, info, step, checkMetadata || undefined);
  if (files.matches) ws.startMatches({ bytes: await fileBytes(files.matches) }, files.matches.name);
  const preview = files.preview;
  if (preview) ws.startPreview(fileBytes(preview).then(async (b) => previewFromTable(await readParquetTable(b, preview.name), preview.name)));
  return ws;
}
