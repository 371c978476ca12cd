/**
 * `metacurate evals import DIR…` (Node only): copies every run below DIR (eval_results.jsonl, and run.json
 * when there is one) byte for byte into DATA_DIR/runs/<DIR's name>/<path below DIR>/, so the dashboard
 * shows it. Each run folder is committed atomically with an imported.json (source, sha256s, time). A
 * run imported again from the same source replaces its copy (DataComp appends tasks as they finish);
 * a name held by another source gets a suffix; nothing is ever overwritten in place.
 */
import { copyFile, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors";
import { isInside } from "../workspace/confined";
import { sha256File } from "../util/files";
import { StagedOutput } from "../util/stagedOutput";
import { EVAL_FILE, findRuns, readRun, RUN_FILE } from "./readRuns";
import type { EvalRun } from "./run";

export const IMPORTED_FILE = "imported.json";

export interface ImportedRun {
  source: string;
  dest: string;
  /** The run's id as the dashboard shows it (its path below the data directory). */
  id: string;
  run: EvalRun;
  replaced: boolean;
}

const segment = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "") || "run";

async function importedFrom(dest: string): Promise<string | null | undefined> {
  const text = await readFile(path.join(dest, IMPORTED_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined; // nothing there, or not an import
  try { return (JSON.parse(text) as { source?: string }).source ?? null; } catch { return null; }
}

async function exists(p: string): Promise<boolean> {
  return readFile(path.join(p, EVAL_FILE)).then(() => true, () => false);
}

export async function importRuns(roots: string[], dataDir: string, onRun?: (r: ImportedRun) => void): Promise<ImportedRun[]> {
  const runsDir = path.join(path.resolve(dataDir), "runs");
  const out: ImportedRun[] = [];
  const realData = await realpath(dataDir).catch(() => null);
  // where each source was imported before (by any root): importing it again replaces that copy
  const previous = new Map<string, string>();
  for (const { dir } of await findRuns(runsDir).catch(() => [])) {
    const from = await importedFrom(dir);
    if (from) previous.set(from, dir);
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => null);
    if (realData && realRoot && isInside(realData, realRoot)) {
      throw new UsageError(`${root} is inside the data directory ${dataDir}: the dashboard shows its runs already`);
    }
    const rootName = segment(path.basename(path.resolve(root)));
    for (const found of await findRuns(root)) {
      const source = path.resolve(found.dir);
      const rel = [rootName, ...(found.rel ? found.rel.split("/").map(segment) : [])].join("/");
      let dest = previous.get(source) ?? path.join(runsDir, rel);
      let replaced = previous.has(source);
      for (let k = 2; !replaced; k++) {
        const from = await importedFrom(dest);
        if (from === source) { replaced = true; break; }
        if (from === undefined && !(await exists(dest))) break;
        dest = path.join(runsDir, `${rel}-${k}`);
      }
      const files = [EVAL_FILE, ...((await readFile(path.join(source, RUN_FILE)).then(() => true, () => false)) ? [RUN_FILE] : [])];
      const staged = await StagedOutput.open(dest, { inputs: files.map((f) => ({ flag: "DIR", path: path.join(source, f) })) });
      try {
        const sha256: Record<string, string> = {};
        for (const f of files) {
          await copyFile(path.join(source, f), staged.file(f));
          sha256[f] = await sha256File(staged.file(f));
        }
        await staged.writeJson(IMPORTED_FILE, { source, imported_at: new Date().toISOString(), sha256 });
        await staged.commit([...files, IMPORTED_FILE]);
      } catch (e) {
        await staged.abort();
        throw e;
      }
      const id = path.relative(path.resolve(dataDir), dest).split(path.sep).join("/");
      const r: ImportedRun = { source, dest, id, run: await readRun(dest, id), replaced };
      onRun?.(r);
      out.push(r);
    }
  }
  return out;
}
