/**
 * A filter's parameters from what the user gave (flags, a job spec, the dashboard's panel), checked
 * against the filter's name: each filter takes only its own parameters. Isomorphic.
 */
import { UsageError } from "../errors";
import { DATACOMP_DEFAULTS, SCORE_COLUMNS, type FilterName, type FilterParams, type LidEngine } from "./rules";

export interface FilterChoice {
  name: FilterName;
  arch?: "b32" | "l14";
  scoreCol?: string;
  threshold?: number;
  fraction?: number;
  minWords?: number;
  minChars?: number;
  minSide?: number;
  maxAspect?: number;
  lid?: LidEngine;
}

/** The filter's parameters, checked against its name before any file is read. */
export function filterParams(opts: FilterChoice): FilterParams {
  const lid = opts.lid ?? (opts.name === "basic_filter" ? "fasttext" : opts.name === "laion2b" ? "cld3" : "none");
  if (opts.lid !== undefined && opts.lid !== "none" && opts.name !== "basic_filter" && opts.name !== "laion2b") throw new UsageError(`--lid is for basic_filter and laion2b (${opts.name} identifies no language)`);
  const scored = opts.name === "clip_score" || opts.name === "laion2b";
  if (!scored && (opts.threshold !== undefined || opts.fraction !== undefined || opts.arch !== undefined || opts.scoreCol !== undefined)) {
    throw new UsageError(`--threshold, --fraction, --arch and --score-col are for clip_score and laion2b (${opts.name} reads no score)`);
  }
  if (opts.name === "clip_score" && (opts.threshold === undefined) === (opts.fraction === undefined)) throw new UsageError("clip_score needs one of --threshold X or --fraction F, not both");
  if (opts.name === "laion2b" && opts.fraction !== undefined) throw new UsageError("--fraction is for clip_score (laion2b keeps a CLIP B/32 score >= 0.28, or --threshold X)");
  if (opts.arch !== undefined && opts.scoreCol !== undefined) throw new UsageError("give --arch b32|l14 or --score-col C, not both");
  if (opts.name === "laion2b" && opts.arch === "l14") throw new UsageError("laion2b reads the CLIP B/32 score (--arch b32), as DataComp's does");
  const caption = opts.name === "basic_filter";
  if (!caption && [opts.minWords, opts.minChars, opts.minSide, opts.maxAspect].some((v) => v !== undefined)) throw new UsageError("--min-words, --min-chars, --min-side and --max-aspect are basic_filter's");
  return {
    name: opts.name, lid,
    minWords: opts.minWords ?? DATACOMP_DEFAULTS.minWords, minChars: opts.minChars ?? DATACOMP_DEFAULTS.minChars,
    minSide: opts.minSide ?? DATACOMP_DEFAULTS.minSide, maxAspect: opts.maxAspect ?? DATACOMP_DEFAULTS.maxAspect,
    scoreColumn: scored ? (opts.scoreCol ?? SCORE_COLUMNS[opts.arch ?? "b32"]) : null,
    threshold: opts.name === "laion2b" ? (opts.threshold ?? DATACOMP_DEFAULTS.laion2bThreshold) : (opts.threshold ?? null),
  };
}

