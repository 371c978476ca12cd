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

/** What is wrong with the flags for this metadata (a folder of {lang}.json lists, or one list), or null. */
export function languageFlagsProblem(metadata: string, isFolder: boolean, f: LanguageFlags): string | null {
  const column = f["lang-col"] !== undefined, lid = f.lid !== undefined;
  if (column && lid) return "give the captions' language one way: --lang-col C or --lid ENGINE, not both";
  if (f["lid-map"] !== undefined && !column && !lid) return "--lid-map maps the labels of a language column or model: give --lang-col C or --lid ENGINE too";
  if (isFolder && !column && !lid) return `metadata ${metadata} is a folder of per-language lists (MetaCLIP 2): give each caption's language with --lang-col C or --lid fasttext|cld3`;
  if (!isFolder && (column || lid)) return `${column ? "--lang-col" : "--lid"} needs worldwide metadata, a folder of {lang}.json lists; ${metadata} is one list`;
  return null;
}
