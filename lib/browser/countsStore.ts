/**
 * Entry counts of several served workspaces at once, keyed by name (the evals page compares two
 * curations side by side; the main workspace store holds the one workspace a page works on). Each
 * is fetched and decoded once; a failed load is forgotten so a retry fetches again.
 */
import { tableFromIPC } from "apache-arrow";
import { CountDistribution } from "../curation/distribution";
import { countsFromArrow } from "./entryCounts";
import { httpError, wholeBody } from "./http";
import { parquetToIpc } from "./parquet";

export interface WorkspaceCounts {
  name: string;
  dist: CountDistribution;
  rowsRead: number | null;
  rowsMatched: number | null;
}

const cache = new Map<string, Promise<WorkspaceCounts>>();

async function fetchCounts(name: string): Promise<WorkspaceCounts> {
  const base = `/api/workspaces/${encodeURIComponent(name)}/files`;
  const [countsRes, manifestRes] = await Promise.all([fetch(`${base}/entry_counts.parquet`), fetch(`${base}/manifest.json`)]);
  if (!countsRes.ok) throw await httpError(countsRes, `workspace "${name}"`);
  const bytes = await wholeBody(countsRes, "entry_counts.parquet");
  const manifest = manifestRes.ok ? ((await manifestRes.json()) as { match?: { rows_read?: number; rows_matched?: number } }) : {};
  const { countsById } = countsFromArrow(tableFromIPC(await parquetToIpc(bytes, "entry_counts.parquet")), `${name}/entry_counts.parquet`);
  return { name, dist: new CountDistribution(countsById), rowsRead: manifest.match?.rows_read ?? null, rowsMatched: manifest.match?.rows_matched ?? null };
}

export function workspaceCounts(name: string): Promise<WorkspaceCounts> {
  let p = cache.get(name);
  if (!p) {
    p = fetchCounts(name);
    cache.set(name, p);
    p.catch(() => cache.delete(name));
  }
  return p;
}

/** Names held now (for tests and the page's status line). */
export function heldWorkspaces(): string[] {
  return [...cache.keys()];
}
