/**
 * A run as the evals page and `metacurate evals` see it: its eval results (eval_results.jsonl) and, when
 * metacurate trained it, what it was trained on (run.json): the curation (workspace, t, p, seed, subset
 * size) and the training (embedded model or DataComp scale, samples seen, passes). One schema reads
 * run.json at the edge; every field is optional, so a run.json of another version still reads. Isomorphic:
 * the server, the CLI and the page's file drop all build runs here.
 */
import { jsonErrorMessage } from "../util/jsonError";
import { z } from "zod";
import { parseEvalResults, type EvalResult } from "./results";
import { DATACOMP_TASKS } from "./tasks";

export interface RunProblem {
  file: string;
  /** 1-based line of eval_results.jsonl, when the problem is one line. */
  line: number | null;
  message: string;
}

export interface RunCuration {
  /** The workspace the run's pairs came from: its folder name, or the served workspace with its pool and metadata. */
  workspace: string | null;
  /** A workspace the dashboard serves with the same pool and metadata (set by the server), to open on /distribution at t. */
  servedWorkspace: string | null;
  /** run.json's workspace path as written (the server resolves servedWorkspace from it; compactRun drops it: no server path leaves the server). */
  workspacePath?: string | null;
  metadataHash: string | null;
  /** The pairs trained on (run.json's curation_sha256: pool, metadata, subset, t and seed): equal for a rerun wherever its workspace lives. */
  curationHash: string | null;
  /** sha256 of the workspace's manifest.json (runs that predate curation_sha256: equal when trained on the same workspace). */
  workspaceHash: string | null;
  /** The pool's identity (run.json's pool_sha256): runs on different pools are never one sweep. */
  poolHash: string | null;
  /** The DataComp filter that made the pool, when one did: "clip_score", with its score column and cut. */
  poolFilter: { name: string; scoreColumn: string | null; threshold: number | null; fraction: number | null } | null;
  subset: string | null;
  /** A worldwide workspace's languages (its t is English's), or null for one metadata list. */
  languages: string[] | null;
  t: number | null;
  /** Tail share of matches at t (MetaCLIP's p). */
  p: number | null;
  balanceSeed: number | null;
  subsetSize: number | null;
}

export interface RunTraining {
  kind: "embedded" | "datacomp" | "open_clip" | null;
  /** DataComp scale (small … xlarge) for a DataComp run. */
  scale: string | null;
  /** The embedded tower (mlp, cnn) or the open_clip model name. */
  model: string | null;
  samplesSeen: number | null;
  passes: number | null;
  seed: number | null;
}

export type RunOrigin = "metacurate" | "datacomp" | "eval-only";

export interface EvalRun {
  /** Unique among the runs read together: the folder's path below the folder imported ("a/b/run-1"). */
  id: string;
  name: string;
  origin: RunOrigin;
  results: EvalResult[];
  problems: RunProblem[];
  curation: RunCuration;
  training: RunTraining;
  /** When its eval_results.jsonl was written (ms since 1970; the server's runs): of two repeats, the earlier is the original. */
  madeAt?: number;
  /** Chance level of tasks outside DataComp's 38 (ours: 1 / the classes scored), by display name. */
  chance: Record<string, number>;
}

const num = z.number().finite().nullable().optional();
const str = z.string().nullable().optional();

/** run.json: the fields the evals read, written by `metacurate train` or by the cluster templates. */
export const runRecordSchema = z.looseObject({
  tool: str,
  kind: str,
  workspace: str,
  metadata_hash: str,
  workspace_manifest_sha256: str,
  curation_sha256: str,
  pool_sha256: str,
  pool_filter: z.looseObject({ name: z.string(), score_column: str, threshold: num, fraction: num }).nullable().optional(),
  languages: z.array(z.string().max(32)).max(1000).nullable().optional(),
  subset: str,
  subset_size: num,
  t: num,
  tail_share: num,
  balance_seed: num,
  seed: num,
  samples_seen: num,
  passes: num,
  tower: str,
  scale: str,
  model: str,
  template: str,
});
export type RunRecordFields = z.infer<typeof runRecordSchema>;

const emptyCuration = (): RunCuration => ({ workspace: null, servedWorkspace: null, metadataHash: null, curationHash: null, workspaceHash: null, poolHash: null, poolFilter: null, subset: null, languages: null, t: null, p: null, balanceSeed: null, subsetSize: null });
const emptyTraining = (): RunTraining => ({ kind: null, scale: null, model: null, samplesSeen: null, passes: null, seed: null });

const baseName = (p: string) => p.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? p;

/** A run from its files' text: eval_results.jsonl (required) and run.json (or null). Never throws: problems are listed. */
export function buildRun(id: string, evalText: string, runJsonText: string | null, files = { evals: "eval_results.jsonl", run: "run.json" }): EvalRun {
  const parsed = parseEvalResults(evalText);
  const problems: RunProblem[] = parsed.problems.map((p) => ({ file: files.evals, line: p.line, message: p.message }));
  const curation = emptyCuration();
  const training = emptyTraining();
  let origin: RunOrigin = "eval-only";
  if (runJsonText !== null) {
    let raw: unknown;
    try {
      raw = JSON.parse(runJsonText);
    } catch (e) {
      problems.push({ file: files.run, line: null, message: `not JSON: ${jsonErrorMessage(runJsonText, e)}` });
    }
    if (raw !== undefined) {
      const r = runRecordSchema.safeParse(raw);
      if (!r.success) {
        problems.push({ file: files.run, line: null, message: r.error.issues.map((i) => `"${i.path.join(".")}": ${i.message}`).join("; ") });
      } else {
        const f = r.data;
        const datacomp = f.kind === "datacomp-train" || f.kind === "open_clip-train";
        origin = datacomp ? "datacomp" : "metacurate";
        Object.assign(curation, {
          workspace: f.workspace ? baseName(f.workspace) : null, workspacePath: f.workspace ?? null, metadataHash: f.metadata_hash ?? null,
          curationHash: f.curation_sha256 ?? null, workspaceHash: f.workspace_manifest_sha256 ?? null, poolHash: f.pool_sha256 ?? null,
          poolFilter: f.pool_filter ? { name: f.pool_filter.name, scoreColumn: f.pool_filter.score_column ?? null, threshold: f.pool_filter.threshold ?? null, fraction: f.pool_filter.fraction ?? null } : null, subset: f.subset ?? null,
          languages: f.languages ?? null,
          // a raw or matched run was not balanced: the workspace's t, p and draw seed are not its curation
          ...(f.subset === "raw" || f.subset === "matched" ? { t: null, p: null, balanceSeed: null } : { t: f.t ?? null, p: f.tail_share ?? null, balanceSeed: f.balance_seed ?? null }),
          subsetSize: f.subset_size ?? null,
        });
        Object.assign(training, {
          kind: f.kind === "train" ? "embedded" : f.kind === "datacomp-train" ? "datacomp" : f.kind === "open_clip-train" ? "open_clip" : null,
          scale: f.scale ?? null, model: f.model ?? f.tower ?? null, samplesSeen: f.samples_seen ?? null, passes: f.passes ?? null, seed: f.seed ?? null,
        });
      }
    }
  }
  const chance: Record<string, number> = {};
  const known = new Set(DATACOMP_TASKS.map((t) => t.dataset));
  for (const r of parsed.results) {
    if (known.has(r.dataset)) continue;
    const classes = Object.keys(r.metrics).filter((k) => /^acc_class:\d+$/.test(k)).length;
    if (classes > 1) chance[r.dataset] = 1 / classes;
  }
  return { id, name: baseName(id) || id, origin, results: parsed.results, problems, curation, training, chance };
}

/**
 * Metrics a page needs beyond main_metric (the rest of a line stays on disk): keeps the wire small for
 * 1,000s of runs. Head and tail; and a multilingual eval's top-1 per language (acc1, acc1:LANG).
 */
const kept = (k: string) => k === "acc_head" || k === "acc_tail" || k === "acc1" || k.startsWith("acc1:");

export function compactRun(run: EvalRun): EvalRun {
  const { workspacePath: _, ...curation } = run.curation;
  return {
    ...run,
    curation,
    results: run.results.map((r) => ({
      key: r.key, dataset: r.dataset, main: r.main,
      metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k, v]) => kept(k) && typeof v === "number")),
    })),
  };
}
