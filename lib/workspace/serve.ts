/**
 * What the dashboard's server hands out: the workspaces under a data directory, their artifacts, and
 * local images. Every file is confined (see confined.ts): the real path of the workspace must be
 * inside the real data directory, and the real path of every file inside the real workspace.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, realpath, rename, rm, stat, utimes } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError, NotFoundError, UsageError } from "../errors";
import { readManifest } from "./artifacts";
import type { Manifest } from "./manifest";
import { PARQUET_ROW_OPTIONS, openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import { isInside, realInside } from "./confined";
import type { WorkspaceSummary } from "./summary";

export type { WorkspaceSummary };

/** The browser computes the exact expected size over at most this many matched rows. */
export const MATCH_SAMPLE_CAP = 1_000_000;

export const SERVED_ARTIFACTS = ["entry_counts.parquet", "matches.parquet", "preview.parquet", "size_curve.parquet", "manifest.json", "filter_columns.parquet"] as const;
export type ServedArtifact = (typeof SERVED_ARTIFACTS)[number];

/** A workspace's (or run's) folder name: letters, digits, . _ - (never "..", checked where a name is resolved). */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.METACURATE_DATA_DIR || "workspaces");
}

/** The real path of the data directory (every check compares real paths). */
export async function realDataDir(root: string = dataDir()): Promise<string> {
  return realpath(root).catch(() => { throw new NotFoundError(`the data directory does not exist`); });
}

/**
 * The real folder of a workspace name: a plain folder name whose real path (a symlinked workspace
 * resolved) is inside the real data directory. Bad names are usage errors (400), others not found.
 */
export async function workspaceDir(root: string, name: string): Promise<string> {
  if (!NAME.test(name) || name.includes("..")) throw new UsageError(`"${name.slice(0, 80)}" is not a workspace name`);
  const realRoot = await realDataDir(root);
  const dir = await realInside(realRoot, path.join(realRoot, name), `workspace "${name}"`).catch(() => { throw new NotFoundError(`no workspace "${name}"`); });
  if (dir === realRoot || !(await stat(dir)).isDirectory()) throw new NotFoundError(`no workspace "${name}"`);
  return dir;
}

export async function listWorkspaces(root: string): Promise<WorkspaceSummary[]> {
  const names = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => (d.isDirectory() || d.isSymbolicLink()) && NAME.test(d.name)).map((d) => d.name).sort();
  const out: WorkspaceSummary[] = [];
  for (const name of names) {
    let m: Manifest;
    try {
      const dir = await workspaceDir(root, name);
      await realInside(dir, path.join(dir, "entry_counts.parquet"), "entry_counts.parquet");
      await realInside(dir, path.join(dir, "manifest.json"), "manifest.json");
      m = await readManifest(dir);
    } catch {
      continue; // not a workspace, or one that leaves the data directory
    }
    out.push({
      name,
      rowsRead: m.match.rows_read,
      rowsMatched: m.match.rows_matched,
      entries: m.match.entries,
      totalMatches: m.match.total_count,
      t: m.balance?.t ?? null,
      seed: m.balance?.seed ?? null,
      rowsKept: m.balance?.rows_kept ?? null,
      metadataHash: m.match.metadata.metadataHash,
    });
  }
  return out;
}

/** The real path of a file inside the (real) workspace folder `dir` for a relative reference (an image url of the pool), or an error. */
export async function resolveInside(dir: string, relative: string): Promise<string> {
  const shown = `"${relative.slice(0, 80)}"`;
  if (relative.length === 0 || relative.length > 1024 || relative.includes("\0") || path.isAbsolute(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) {
    throw new UsageError(`${shown} is not a path inside the workspace`);
  }
  const root = await realpath(dir);
  const target = path.resolve(root, relative);
  if (!isInside(root, target)) throw new UsageError(`${shown} leaves the workspace`);
  const real = await realInside(root, target, `${shown} (a file in the workspace)`);
  if (!(await stat(real)).isFile()) throw new NotFoundError(`${shown} is not a file in the workspace`);
  return real;
}

export interface MatchesFile {
  file: string;
  /** The folder the file is confined to (the workspace, or the sample cache). */
  root: string;
  /** Matched rows in the workspace, and in the file served (fewer when sampled). */
  totalRows: number;
  sampleRows: number;
}

/** Samples kept in the cache folder, the least recently used removed first. */
export const SAMPLE_CACHE_FILES = 8;

export function sampleCacheDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.METACURATE_SAMPLE_CACHE || path.join(os.tmpdir(), "metacurate-samples"));
}

/** Builds in flight by key: concurrent first loads share one build. */
const building = new Map<string, Promise<void>>();
/** One DuckDB sample build at a time in this process: each may take GBs. */
let buildChain: Promise<unknown> = Promise.resolve();

/**
 * matches.parquet as the browser should get it: the file itself when its rows fit MATCH_SAMPLE_CAP,
 * else a cached sample of the rows whose md5(uid) sorts first, in their original order (the order
 * the expected size is summed in). A sample is built once per key however many requests ask at once,
 * under a unique temporary name, renamed into place only when complete.
 */
export async function matchesForBrowser(dir: string, manifest: Manifest, cap = MATCH_SAMPLE_CAP, cacheDir = sampleCacheDir()): Promise<MatchesFile> {
  const root = await realpath(dir);
  const file = await realInside(root, path.join(root, "matches.parquet"), "matches.parquet");
  const totalRows = manifest.match.rows_matched;
  if (totalRows <= cap) return { file, root, totalRows, sampleRows: totalRows };
  const st = await stat(file);
  const key = createHash("sha256").update(`${file}\0${st.dev}\0${st.ino}\0${st.size}\0${st.mtimeMs}\0${cap}`).digest("hex").slice(0, 24);
  await mkdir(cacheDir, { recursive: true });
  const cache = await realpath(/*turbopackIgnore: true*/ cacheDir);
  const cached = path.join(cache, `${key}.parquet`);
  if (await stat(cached).then(() => true, () => false)) {
    const now = new Date();
    await utimes(cached, now, now).catch(() => {}); // recently used
  } else {
    let build = building.get(key);
    if (!build) {
      const started = buildChain.catch(() => {}).then(() => buildSample(file, cached, cap));
      buildChain = started;
      building.set(key, started);
      void started.finally(() => building.delete(key)).catch(() => {});
      build = started;
    }
    await build;
  }
  return { file: cached, root: cache, totalRows, sampleRows: cap };
}

async function buildSample(file: string, cached: string, cap: number): Promise<void> {
  if (await stat(cached).then(() => true, () => false)) return; // another process made it meanwhile
  const tmp = `${cached}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT uid, entry_ids FROM (
        SELECT uid, entry_ids, file_row_number AS r FROM read_parquet(${sqlString(file)}, file_row_number = true)
        ORDER BY md5(uid), r LIMIT ${cap}) ORDER BY r)
      TO ${sqlString(tmp)} (${PARQUET_ROW_OPTIONS})`);
    const [{ n }] = (await queryRows(con, `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(tmp)})`)) as { n: number }[];
    if (Number(n) !== cap) throw new InputError(`matches.parquet: expected ${cap} sampled rows, got ${n}`);
    await rename(tmp, cached);
  } finally {
    con.closeSync();
    await rm(tmp, { force: true });
  }
  await evictSamples(path.dirname(cached));
}

/** Keeps the SAMPLE_CACHE_FILES most recently used samples; removes temporary files of builds an hour old (dead servers). */
async function evictSamples(cache: string): Promise<void> {
  const entries = await Promise.all((await readdir(cache)).map(async (name) => ({ name, s: await stat(path.join(cache, name)).catch(() => null) })));
  const samples = entries.filter((e) => e.s && e.name.endsWith(".parquet")).sort((a, b) => b.s!.mtimeMs - a.s!.mtimeMs);
  for (const e of samples.slice(SAMPLE_CACHE_FILES)) await rm(path.join(cache, e.name), { force: true });
  for (const e of entries) if (e.s && e.name.endsWith(".tmp") && Date.now() - e.s.mtimeMs > 3_600_000) await rm(path.join(cache, e.name), { force: true });
}
