/**
 * The caption-language flags (--lang-col, --lid, --lid-map) checked against the metadata they go with:
 * one rule for the CLI's match and curate and for a curate job's spec at submit (lib/jobs/kinds/curate),
 * so a job is refused as the command would be, before anything runs.
 */
export interface LanguageFlags {
  "lang-col"?: string;
  lid?: string;
  "lid-map"?: string;
}

/** How a message names an option: the CLI's flag (--lang-col C), or a job spec's field ("lang-col"). */
export type OptionNamer = (option: keyof LanguageFlags, value?: string) => string;
export const flagName: OptionNamer = (option, value) => (value ? `--${option} ${value}` : `--${option}`);
export const fieldName: OptionNamer = (option) => `"${option}"`;

/** What is wrong with the flags for this metadata (a folder of {lang}.json lists, or one list), or null. */
export function languageFlagsProblem(metadata: string, isFolder: boolean, f: LanguageFlags, name: OptionNamer = flagName): string | null {
  const column = f["lang-col"] !== undefined, lid = f.lid !== undefined;
  const col = name("lang-col", "C"), model = name("lid", "ENGINE");
  if (column && lid) return `give the captions' language one way: ${col} or ${model}, not both`;
  if (f["lid-map"] !== undefined && !column && !lid) return `${name("lid-map")} maps the labels of a language column or model: give ${col} or ${model} too`;
  if (isFolder && !column && !lid) return `metadata ${metadata} is a folder of per-language lists (MetaCLIP 2): give each caption's language with ${col} or ${name("lid", "fasttext|cld3")}`;
  if (!isFolder && (column || lid)) return `${name(column ? "lang-col" : "lid")} needs worldwide metadata, a folder of {lang}.json lists; ${metadata} is one list`;
  return null;
}
