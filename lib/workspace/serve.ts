/**
 * What the dashboard's server hands out: the workspaces under a data directory, their artifacts, and
 * local images, with every path checked so a request can never leave the data directory.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError } from "../errors";
import { readManifest, type Manifest } from "../pipeline/manifest";
import { PARQUET_ROW_OPTIONS, openDuckDB, queryRows, sqlString } from "../pool/duckdb";
import type { WorkspaceSummary } from "./summary";

export type { WorkspaceSummary };

/** The browser computes the exact expected size over at most this many matched rows. */
export const MATCH_SAMPLE_CAP = 1_000_000;

export const SERVED_ARTIFACTS = ["entry_counts.parquet", "matches.parquet", "preview.parquet", "size_curve.parquet", "manifest.json"] as const;
export type ServedArtifact = (typeof SERVED_ARTIFACTS)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.METACURATE_DATA_DIR || "workspaces");
}

/** The folder of a workspace name, refusing anything that is not a plain folder name inside the data dir. */
export async function workspaceDir(root: string, name: string): Promise<string> {
  if (!NAME.test(name) || name.includes("..")) throw new InputError(`"${name}" is not a workspace name`);
  const dir = path.join(root, name);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new InputError(`no workspace "${name}" in ${root}`);
  return dir;
}

export async function listWorkspaces(root: string): Promise<WorkspaceSummary[]> {
  const names = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && NAME.test(d.name)).map((d) => d.name).sort();
  const out: WorkspaceSummary[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    if (!existsSync(path.join(dir, "manifest.json")) || !existsSync(path.join(dir, "entry_counts.parquet"))) continue;
    let m: Manifest;
    try { m = await readManifest(dir); } catch { continue; }
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

/** A file path inside `dir` for a relative reference (an image url of the pool), or an error. */
export async function resolveInside(dir: string, relative: string): Promise<string> {
  if (relative.length === 0 || relative.length > 1024 || relative.includes("\0") || path.isAbsolute(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) {
    throw new InputError(`"${relative.slice(0, 80)}" is not a path inside the workspace`);
  }
  const root = await realpath(dir);
  const target = path.resolve(root, relative);
  if (target !== root && !target.startsWith(root + path.sep)) throw new InputError(`"${relative.slice(0, 80)}" leaves the workspace`);
  const real = await realpath(target).catch(() => null);
  if (real === null || !(real === root || real.startsWith(root + path.sep))) throw new InputError(`"${relative.slice(0, 80)}" is not a file in the workspace`);
  if (!(await stat(real)).isFile()) throw new InputError(`"${relative.slice(0, 80)}" is not a file in the workspace`);
  return real;
}

export interface MatchesFile {
  file: string;
  /** Matched rows in the workspace, and in the file served (fewer when sampled). */
  totalRows: number;
  sampleRows: number;
}

/**
 * matches.parquet as the browser should get it: the file itself when its rows fit MATCH_SAMPLE_CAP,
 * else a cached sample of the rows whose md5(uid) sorts first, in their original order (the order
 * the expected size is summed in).
 */
export async function matchesForBrowser(dir: string, manifest: Manifest, cap = MATCH_SAMPLE_CAP): Promise<MatchesFile> {
  const file = path.join(dir, "matches.parquet");
  const totalRows = manifest.match.rows_matched;
  if (totalRows <= cap) return { file, totalRows, sampleRows: totalRows };
  const st = statSync(file);
  const key = createHash("sha256").update(`${file}\0${st.size}\0${st.mtimeMs}\0${cap}`).digest("hex").slice(0, 24);
  const cacheDir = path.join(os.tmpdir(), "metacurate-samples");
  const cached = path.join(cacheDir, `${key}.parquet`);
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    const con = await openDuckDB();
    try {
      await con.run(`COPY (SELECT uid, entry_ids FROM (
          SELECT uid, entry_ids, file_row_number AS r FROM read_parquet(${sqlString(file)}, file_row_number = true)
          ORDER BY md5(uid), r LIMIT ${cap}) ORDER BY r)
        TO ${sqlString(tmp)} (${PARQUET_ROW_OPTIONS})`);
      const [{ n }] = (await queryRows(con, `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(tmp)})`)) as { n: number }[];
      if (Number(n) !== cap) throw new InputError(`${file}: expected ${cap} sampled rows, got ${n}`);
    } finally {
      con.closeSync();
    }
    renameSync(tmp, cached);
  }
  return { file: cached, totalRows, sampleRows: cap };
}
