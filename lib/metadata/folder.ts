/**
 * MetaCLIP 2's metadata layout: a folder of `{lang}.json` lists, one per language, each a JSON array of
 * strings whose ids are positions in its own list. Loaded as one workspace-wide list: the languages in
 * code order, each list's ids offset by the lists before it (lib/curation/worldwideMatcher). English's
 * list is required: its t sets every other language's.
 */
import { lstat, readdir, readFile, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, OutputError, quoted } from "../errors";
import { sha256Bytes, sha256Text } from "../util/files";
import { CURRENT_LINK } from "../util/stagedOutput";
import { describeEntries, parseJsonMetadata } from "./entryList";
import { OTHER_LANGUAGE } from "../curation/worldwide";
import type { MetadataReport } from "./load";

export const ENGLISH = "en";
/** What `metadata build` without --lang writes (MetaCLIP 1's list and its summary): never read as a language's list. */
const METACLIP1_FILES = ["metadata.json", "summary.json"];
/** A language code as a file name: Wikipedia's codes (zh, zh_yue, be-tarask, …), at most 32 characters (the dashboard's ?lang= takes no longer). */
export const LANGUAGE_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export interface LanguageList {
  lang: string;
  /** Workspace-wide id of the list's first entry. */
  offset: number;
  entries: number;
  file: string;
  fileSha256: string;
  metadataHash: string;
  emptyEntries: number;
  duplicateEntries: number;
}

export async function readMetadataFolder(dir: string): Promise<{ entries: string[]; languages: LanguageList[]; report: MetadataReport }> {
  // MetaCLIP 1's build output (metadata build without --lang) may share the folder: it is no language's list
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.name.endsWith(".json") && !METACLIP1_FILES.includes(d.name)).map((d) => d.name).sort();
  if (names.length === 0) throw new InputError(`metadata folder ${dir} holds no {lang}.json lists (MetaCLIP 2's layout: en.json, de.json, …)`);
  const entries: string[] = [];
  const languages: LanguageList[] = [];
  let bytes = 0;
  for (const name of names) {
    const lang = name.slice(0, -".json".length);
    const file = path.join(dir, name);
    if (!LANGUAGE_CODE.test(lang)) throw new InputError(`metadata folder ${dir}: ${quoted(name)} is not named {lang}.json with a language code (letters, digits, _ and -, at most 32)`);
    if (lang.toLowerCase() === OTHER_LANGUAGE) throw new InputError(`metadata folder ${dir}: ${quoted(name)}: "${OTHER_LANGUAGE}" names the captions in no listed language, which match nothing; it cannot have a list`);
    const twin = languages.find((l) => l.lang.toLowerCase() === lang.toLowerCase());
    if (twin) throw new InputError(`metadata folder ${dir}: ${twin.lang}.json and ${name} name one language (codes are compared without case)`);
    await refuseOddList(file);
    const raw = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new InputError(`metadata ${file} cannot be read: ${e.code === "EISDIR" ? "it is a folder" : e.message}`);
    });
    const list = parseJsonMetadata(file, raw.toString("utf8"));
    if (list.length === 0) throw new InputError(`metadata ${file} has no entries`);
    const described = describeEntries(list);
    languages.push({ lang, offset: entries.length, entries: list.length, file: path.resolve(file), fileSha256: sha256Bytes(raw),
      metadataHash: described.metadataHash, emptyEntries: described.emptyEntries, duplicateEntries: described.duplicateEntries });
    for (const e of list) entries.push(e);
    bytes += raw.length;
  }
  if (!languages.some((l) => l.lang === ENGLISH)) {
    throw new InputError(`metadata folder ${dir} has no ${ENGLISH}.json: English's t sets every other language's t (MetaCLIP 2), so its list is needed (languages: ${languages.map((l) => l.lang).join(", ")})`);
  }
  // the folder's identity: each language's code and list hash, in order (the same lists give the same hash wherever they are)
  const identity = JSON.stringify(languages.map((l) => [l.lang, l.metadataHash]));
  const report: MetadataReport = {
    file: path.resolve(dir), format: "folder", bytes, fileSha256: sha256Text(JSON.stringify(languages.map((l) => [l.lang, l.fileSha256]))),
    metadataHash: sha256Text(identity), entries: entries.length,
    emptyEntries: languages.reduce((n, l) => n + l.emptyEntries, 0), duplicateEntries: languages.reduce((n, l) => n + l.duplicateEntries, 0),
    emptyIds: [], duplicateExamples: [],
  };
  return { entries, languages, report };
}

/**
 * A list must be a regular file (or a link to one): a FIFO would block the read for ever. (A job
 * confines a folder's lists to the data directory at submit: lib/jobs/kinds/curate.)
 */
async function refuseOddList(file: string): Promise<void> {
  const real = await realpath(file).catch(() => null);
  if (real === null) throw new InputError(`metadata ${file} cannot be read: it is a link to nothing`);
  const s = await stat(real);
  if (s.isDirectory()) throw new InputError(`metadata ${file} cannot be read: it is a folder`);
  if (!s.isFile()) throw new InputError(`metadata ${file} is not a regular file (a FIFO, socket or device)`);
}

/**
 * What earlier `metadata build`s committed into `dir` (each name a link into the folder's current
 * generation: `{lang}.json` lists, MetaCLIP 1's metadata.json, metadata.parquet and summary.json) other
 * than `except`: a build into the folder carries them, so building one list keeps the others. Files
 * written by hand are plain files (or links of their own), which a commit leaves where they are.
 */
export async function builtOutputs(dir: string, except: readonly string[]): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const built: string[] = [];
  for (const name of names) {
    if (except.includes(name) || name.startsWith(".")) continue;
    if ((await readlink(path.join(dir, name)).catch(() => null)) === `${CURRENT_LINK}/${name}`) built.push(name);
  }
  return built.sort();
}

/** A file at `file` that a build would replace but did not write (not a link into the folder's generation): refused, so a list written by hand is never lost. */
export async function refuseReplacingOwnFile(file: string, shown: string): Promise<void> {
  const s = await lstat(file).catch(() => null);
  if (!s) return;
  const ours = s.isSymbolicLink() && (await readlink(file).catch(() => null)) === `${CURRENT_LINK}/${path.basename(file)}`;
  if (!ours) throw new OutputError(`${shown} exists and was not written by metacurate (a list written by hand, or a link of yours?): move it, or build into another --out`);
}
