/**
 * `metacurate evals import DIR…` (Node only): copies every run below DIR (eval_results.jsonl, and run.json
 * when there is one) byte for byte into DATA_DIR/runs/<DIR's name>/<path below DIR>/, so the dashboard
 * shows it. Each run folder is committed atomically with an imported.json (source, sha256s, time). A
 * run imported again from the same source replaces its copy (DataComp appends tasks as they finish);
 * a name held by another source gets a suffix; nothing is ever overwritten in place. Each run is read
 * once and checked before anything is staged (the bytes checked are the bytes copied): a run whose files
 * are not regular files inside DIR, too large, or unreadable as results is not imported, the others are,
 * and then an InputError names every run left out with why.
 */
import { createHash } from "node:crypto";
import { lstat, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError, UsageError } from "../errors";
import { isInside } from "../workspace/confined";
import { StagedOutput } from "../util/stagedOutput";
import { readRegularFile } from "./regularFile";
import { EVAL_FILE, findRuns, readRun, readRunFiles, RUN_FILE, runFromFiles, type RunFiles } from "./readRuns";
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
  const read = await readRegularFile(path.join(dest, IMPORTED_FILE), dest, 1024 * 1024);
  if (!("bytes" in read)) return read.missing ? undefined : null; // nothing there, or not an import
  try { return (JSON.parse(read.bytes.toString("utf8")) as { source?: string }).source ?? null; } catch { return null; }
}

async function exists(p: string): Promise<boolean> {
  return lstat(path.join(p, EVAL_FILE)).then(() => true, () => false);
}

/**
 * Why a run cannot be imported as it is, or null: either file unread (not a regular file inside DIR, too
 * large), a run.json the dashboard cannot read, or no line of eval_results.jsonl an eval result. A bad line
 * among good ones is imported and shown (evaluate.py appends as tasks finish).
 */
function refusal(files: RunFiles, run: EvalRun): string | null {
  if (!("bytes" in files.evals)) return `${EVAL_FILE}: ${files.evals.problem}`;
  if (!("bytes" in files.runJson) && !files.runJson.missing) return `${RUN_FILE}: ${files.runJson.problem}`;
  const runJson = run.problems.find((p) => p.file === RUN_FILE);
  if (runJson) return `${RUN_FILE}: ${runJson.message}`;
  const first = run.problems[0];
  if (run.results.length === 0 && first) return `${EVAL_FILE}: no line is an eval result (line ${first.line}: ${first.message})`;
  return null;
}

/** What is copied: eval_results.jsonl, and run.json when there is one, as the bytes that were checked. */
function copiesOf(files: RunFiles): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  if ("bytes" in files.evals) out.push([EVAL_FILE, files.evals.bytes]);
  if ("bytes" in files.runJson) out.push([RUN_FILE, files.runJson.bytes]);
  return out;
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
  const refused: string[] = [];
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => null);
    if (realData && realRoot && isInside(realData, realRoot)) {
      throw new UsageError(`${root} is inside the data directory ${dataDir}: the dashboard shows its runs already`);
    }
    const rootName = segment(path.basename(path.resolve(root)));
    for (const found of await findRuns(root)) {
      const source = path.resolve(found.dir);
      const files = await readRunFiles(found.dir, found.root);
      const why = refusal(files, runFromFiles(source, files));
      if (why) {
        refused.push(`${source}: ${why}`);
        continue;
      }
      const rel = [rootName, ...(found.rel ? found.rel.split("/").map(segment) : [])].join("/");
      let dest = previous.get(source) ?? path.join(runsDir, rel);
      let replaced = previous.has(source);
      for (let k = 2; !replaced; k++) {
        const from = await importedFrom(dest);
        if (from === source) { replaced = true; break; }
        if (from === undefined && !(await exists(dest))) break;
        dest = path.join(runsDir, `${rel}-${k}`);
      }
      const copies = copiesOf(files);
      const staged = await StagedOutput.open(dest, { inputs: copies.map(([f]) => ({ flag: "DIR", path: path.join(source, f) })), kind: "run" });
      try {
        const sha256: Record<string, string> = {};
        for (const [f, bytes] of copies) {
          await writeFile(staged.file(f), bytes);
          sha256[f] = createHash("sha256").update(bytes).digest("hex");
        }
        await staged.writeJson(IMPORTED_FILE, { source, imported_at: new Date().toISOString(), sha256 });
        await staged.commit([...copies.map(([f]) => f), IMPORTED_FILE]);
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
  if (refused.length) throw new InputError(`not imported (nothing copied), the other ${out.length} run(s) were: ${refused.join("; ")}`);
  return out;
}
