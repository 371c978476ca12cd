/**
 * The filter panel's form (text boxes and selects) as a FilterChoice, and a FilterChoice as the flags
 * of a filter job or a curate job's `filter` (the CLI's names), so the panel, the "Filter…" job and
 * "Curate at this t" with a filter first all say the same filter. Isomorphic.
 */
import { DATACOMP_DEFAULTS, SCORE_COLUMNS, type FilterName, type LidEngine } from "./rules";
import type { FilterChoice } from "./params";

export interface PanelForm {
  name: FilterName;
  lid: LidEngine;
  scoreCol: string;
  mode: "fraction" | "threshold";
  value: string;
  minWords: string;
  minChars: string;
  minSide: string;
  maxAspect: string;
}

/** What the workspace's filter_columns.parquet offers. */
export interface PanelInputs { scoreColumns: string[]; languages: string[] }

/** DataComp's defaults for a rule, with the columns this workspace has (its L/14 score first, as DataComp's best baseline uses). */
export function defaultForm(name: FilterName, inputs: PanelInputs): PanelForm {
  const prefer = name === "laion2b" ? [SCORE_COLUMNS.b32, SCORE_COLUMNS.l14] : [SCORE_COLUMNS.l14, SCORE_COLUMNS.b32];
  const scoreCol = prefer.find((c) => inputs.scoreColumns.includes(c)) ?? inputs.scoreColumns[0] ?? SCORE_COLUMNS.b32;
  const lid: LidEngine = name === "basic_filter" ? "fasttext" : name === "laion2b" ? "cld3" : "none";
  return {
    name, lid: lid !== "none" && !inputs.languages.includes(lid) ? "none" : lid, scoreCol,
    mode: name === "laion2b" ? "threshold" : "fraction", value: name === "laion2b" ? String(DATACOMP_DEFAULTS.laion2bThreshold) : "0.3",
    minWords: String(DATACOMP_DEFAULTS.minWords), minChars: String(DATACOMP_DEFAULTS.minChars), minSide: String(DATACOMP_DEFAULTS.minSide), maxAspect: String(DATACOMP_DEFAULTS.maxAspect),
  };
}

const num = (text: string, field: string): number => {
  const t = text.trim().replaceAll(",", "");
  const x = t === "" ? Number.NaN : Number(t);
  if (!Number.isFinite(x)) throw new Error(`"${field}": ${JSON.stringify(text)} is not a number`);
  return x;
};

/** The form as a FilterChoice: only the rule's own parameters (filterParams then checks their values). */
export function choiceOf(f: PanelForm): FilterChoice {
  const col = f.scoreCol === SCORE_COLUMNS.b32 ? { arch: "b32" as const } : f.scoreCol === SCORE_COLUMNS.l14 ? { arch: "l14" as const } : { scoreCol: f.scoreCol };
  switch (f.name) {
    case "no_filter": return { name: "no_filter" };
    case "basic_filter": return { name: "basic_filter", lid: f.lid, minWords: num(f.minWords, "min words"), minChars: num(f.minChars, "min chars"), minSide: num(f.minSide, "min side"), maxAspect: num(f.maxAspect, "max aspect") };
    case "clip_score": return { name: "clip_score", ...col, ...(f.mode === "fraction" ? { fraction: num(f.value, "fraction") } : { threshold: num(f.value, "threshold") }) };
    case "laion2b": return { name: "laion2b", lid: f.lid, ...col, threshold: num(f.value, "threshold") };
  }
}

/** A FilterChoice as a job spec's fields (the CLI's flag names). */
export function choiceFlags(c: FilterChoice): Record<string, string | number> {
  const out: Record<string, string | number> = { name: c.name };
  const put = (key: string, v: string | number | undefined) => { if (v !== undefined) out[key] = v; };
  put("arch", c.arch); put("score-col", c.scoreCol); put("threshold", c.threshold); put("fraction", c.fraction);
  put("min-words", c.minWords); put("min-chars", c.minChars); put("min-side", c.minSide); put("max-aspect", c.maxAspect); put("lid", c.lid);
  return out;
}

/** A short name for the filter, for output names: "clip_score-top30", "basic_filter". */
export function choiceSlug(c: FilterChoice): string {
  if (c.name === "clip_score") return c.fraction !== undefined ? `clip_score-top${Math.round(c.fraction * 100)}` : `clip_score-ge${c.threshold}`;
  return c.name;
}
