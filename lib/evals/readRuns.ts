/**
 * Runs on disk (Node only): every folder holding an eval_results.jsonl, at any depth below a root, read
 * with its run.json. Dot-folders (a run's staged generations, .jobs) are not runs; a symlinked folder is
 * followed only when its real path stays inside the root's, each real folder once.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { NotFoundError } from "../errors";
import { isInside } from "../workspace/confined";
import { readRegularFile, type FileRead } from "./regularFile";
import { buildRun, type EvalRun } from "./run";

export const EVAL_FILE = "eval_results.jsonl";
export const RUN_FILE = "run.json";
/** Larger files are reported, not read (a complete DataComp file is ~60 kB). */
const MAX_EVAL_BYTES = 32 * 1024 * 1024;
export const MAX_RUN_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 12;
/** t40 before t160: numbers in names compare as numbers. */
const NATURAL = new Intl.Collator("en", { numeric: true });

export interface FoundRun {
  dir: string;
  /** Path below the root, "/"-separated ("" when the root is the run). */
  rel: string;
  /** The root's real path: the run's files are read only inside it. */
  root: string;
}

/** Run folders below `root`, sorted by path. A root that does not exist is a NotFoundError naming it. */
export async function findRuns(root: string, maxRuns = 100_000): Promise<FoundRun[]> {
  const realRoot = await realpath(root).catch(() => { throw new NotFoundError(`${root} does not exist`); });
  if (!(await stat(realRoot)).isDirectory()) throw new NotFoundError(`${root} is not a folder`);
  const seen = new Set<string>();
  const out: FoundRun[] = [];
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (out.length >= maxRuns || seen.has(dir)) return;
    seen.add(dir);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    // a FIFO or other special file by that name is a run too, reported as unreadable, never waited on
    if (entries.some((e) => e.name === EVAL_FILE && !e.isDirectory())) {
      const real = await realpath(path.join(dir, EVAL_FILE)).catch(() => null);
      if (real && isInside(realRoot, real)) out.push({ dir, rel, root: realRoot });
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries.sort((a, b) => NATURAL.compare(a.name, b.name))) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      let next = path.join(dir, e.name);
      if (e.isSymbolicLink()) {
        const real = await realpath(next).catch(() => null);
        if (!real || !isInside(realRoot, real) || !(await stat(real)).isDirectory()) continue;
        next = real;
      } else if (!e.isDirectory()) continue;
      await walk(next, rel ? `${rel}/${e.name}` : e.name, depth + 1);
    }
  };
  await walk(realRoot, "", 0);
  return out;
}

const READ_AHEAD = 16;

export interface RunFiles {
  evals: FileRead;
  runJson: FileRead;
}

/** A run folder's two files, read only as regular files inside `root` (the folder of runs it was found in). */
export async function readRunFiles(dir: string, root: string): Promise<RunFiles> {
  return {
    evals: await readRegularFile(path.join(dir, EVAL_FILE), root, MAX_EVAL_BYTES),
    runJson: await readRegularFile(path.join(dir, RUN_FILE), root, MAX_RUN_BYTES),
  };
}

/** The run of files already read: why a file was not read is one of its problems. */
export function runFromFiles(id: string, files: RunFiles): EvalRun {
  const { evals, runJson } = files;
  const run = buildRun(id, "bytes" in evals ? evals.bytes.toString("utf8") : "", "bytes" in runJson ? runJson.bytes.toString("utf8") : null);
  if ("bytes" in evals && evals.modifiedMs !== undefined) run.madeAt = Math.round(evals.modifiedMs);
  if (!("bytes" in evals)) run.problems.unshift({ file: EVAL_FILE, line: null, message: evals.problem });
  if (!("bytes" in runJson) && !runJson.missing) run.problems.push({ file: RUN_FILE, line: null, message: runJson.problem });
  return run;
}

/** One run folder read into a run (problems listed, never thrown): one bad run never hides the others. */
export async function readRun(dir: string, id: string, root = dir): Promise<EvalRun> {
  try {
    return runFromFiles(id, await readRunFiles(dir, root));
  } catch (e) {
    const run = buildRun(id, "", null);
    run.problems.push({ file: EVAL_FILE, line: null, message: `not read: ${e instanceof Error ? e.message : String(e)}` });
    return run;
  }
}

/**
 * The runs below each root. Ids are the paths below the data directory when `relativeTo` is given
 * (the server); else each root's own name leads (the CLI: `evals summary results/` → "results/run-1").
 */
export async function readRuns(roots: string[], relativeTo?: string): Promise<EvalRun[]> {
  const found: { dir: string; id: string; root: string }[] = [];
  for (const root of roots) {
    const base = relativeTo === undefined ? path.basename(path.resolve(root)) : "";
    for (const f of await findRuns(root)) found.push({ dir: f.dir, root: f.root, id: [base, f.rel].filter(Boolean).join("/") || path.basename(path.resolve(root)) });
  }
  // a few files at a time: the reads overlap, the order stays the folders'
  const out: EvalRun[] = new Array(found.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(READ_AHEAD, found.length) }, async () => {
    for (let i = next++; i < found.length; i = next++) out[i] = await readRun(found[i].dir, found[i].id, found[i].root);
  }));
  return out;
}
