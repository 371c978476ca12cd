/**
 * Runs for the evals page: the server's (GET /api/evals) and files a person drops (eval_results.jsonl,
 * with a run.json beside it), read by the same code as the CLI (lib/evals/run). A dropped file's bad
 * lines are reported by line number; the rest of it is read.
 */
import { buildRun, type EvalRun } from "../evals/run";
import { httpError } from "./http";

export async function fetchRuns(): Promise<EvalRun[]> {
  const res = await fetch("/api/evals", { cache: "no-store" });
  if (!res.ok) throw await httpError(res, "runs");
  return ((await res.json()) as { runs: EvalRun[] }).runs;
}

const folderOf = (f: File) => {
  const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || "";
  return rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
};

/** Dropped or picked files → runs: each *.jsonl is a run; a run.json in the same folder (or the only one dropped) describes it. */
export async function runsFromFiles(files: File[]): Promise<{ runs: EvalRun[]; errors: string[] }> {
  const jsonl = files.filter((f) => f.name.endsWith(".jsonl"));
  const runJsons = files.filter((f) => f.name === "run.json" || f.name.endsWith(".run.json"));
  const errors = files.filter((f) => !jsonl.includes(f) && !runJsons.includes(f)).map((f) => `${f.name}: not an eval_results.jsonl or run.json`);
  if (jsonl.length === 0) errors.push("drop an eval_results.jsonl (and its run.json) to add a run");
  const runs: EvalRun[] = [];
  for (const f of jsonl) {
    const folder = folderOf(f);
    const meta = runJsons.find((r) => folderOf(r) === folder) ?? (runJsons.length === 1 && jsonl.length === 1 ? runJsons[0] : undefined);
    const name = folder || f.name.replace(/\.jsonl$/, "");
    const run = buildRun(`dropped/${name}`, await f.text(), meta ? await meta.text() : null, { evals: f.name, run: meta?.name ?? "run.json" });
    runs.push(run);
  }
  return { runs, errors };
}
