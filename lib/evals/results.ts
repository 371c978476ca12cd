/**
 * eval_results.jsonl as DataComp's evaluate.py writes it (and `metacurate train` does): one
 * {key, dataset, metrics} object per line. Python's json writes bare NaN / Infinity, which JSON.parse
 * rejects: they are read as null. A repeated task (a re-run appends) keeps its last line; unknown keys
 * are kept; a malformed line is reported with its number and the others are still read. Isomorphic.
 */
import { parsePythonJson } from "./pythonJson";
import { AGGREGATE_GROUPS, type AggregateName } from "./tasks";

export interface EvalResult {
  key: string;
  dataset: string;
  metrics: Record<string, unknown>;
  /** metrics.main_metric when it is a finite number, else null. */
  main: number | null;
}

export interface ParsedResults {
  /** By dataset (DataComp keys re-runs by dataset), in the order first seen. */
  results: EvalResult[];
  problems: { line: number; message: string }[];
}

export function parseEvalResults(text: string): ParsedResults {
  const byDataset = new Map<string, EvalResult>();
  const problems: ParsedResults["problems"] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const parsed = parsePythonJson(line);
    if ("error" in parsed) {
      problems.push({ line: i + 1, message: `not JSON: ${parsed.error}` });
      return;
    }
    const value = parsed.value;
    const o = value as { key?: unknown; dataset?: unknown; metrics?: unknown };
    if (value === null || typeof value !== "object" || Array.isArray(value) || typeof o.dataset !== "string" || o.metrics === null || typeof o.metrics !== "object" || Array.isArray(o.metrics)) {
      problems.push({ line: i + 1, message: 'needs "dataset" (a string) and "metrics" (an object)' });
      return;
    }
    const metrics = o.metrics as Record<string, unknown>;
    const main = typeof metrics.main_metric === "number" && Number.isFinite(metrics.main_metric) ? metrics.main_metric : null;
    byDataset.delete(o.dataset); // the last line of a task wins, and takes its place at the end
    byDataset.set(o.dataset, { key: typeof o.key === "string" ? o.key : o.dataset, dataset: o.dataset, metrics, main });
  });
  return { results: [...byDataset.values()], problems };
}

export interface Aggregate {
  /** The mean of the group's main metrics; null when any task of the group is missing (never a mean over fewer). */
  value: number | null;
  /** Tasks of the group with a score, and how many the group has. */
  tasks: number;
  of: number;
  missing: string[];
}

/** DataComp's aggregates (aggregate_scores.py): ImageNet, ImageNet dist. shifts, VTAB, Retrieval, Average over 38. */
export function aggregates(results: readonly EvalResult[]): Record<AggregateName, Aggregate> {
  const scores = new Map(results.filter((r) => r.main !== null).map((r) => [r.dataset, r.main as number]));
  const out = {} as Record<AggregateName, Aggregate>;
  for (const [name, group] of Object.entries(AGGREGATE_GROUPS) as [AggregateName, readonly string[]][]) {
    const present = group.filter((d) => scores.has(d));
    const missing = group.filter((d) => !scores.has(d));
    const value = missing.length === 0 ? present.reduce((a, d) => a + scores.get(d)!, 0) / present.length : null;
    out[name] = { value, tasks: present.length, of: group.length, missing };
  }
  return out;
}
