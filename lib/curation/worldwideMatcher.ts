/**
 * MetaCLIP 2's matching: a caption is matched against its own language's list only, each entry padded
 * by worldwidePattern. Entries padded on both sides are `" " + entry + " "`, MetaCLIP 1's pattern, so the
 * token matcher (lib/curation/automaton) finds them; the others (a CJK-like first or last character)
 * are plain substrings, found by Aho–Corasick (lib/curation/substringMatcher).
 *
 * Ids are workspace-wide: the languages' lists follow one another in the order given, language i's
 * entry j has id offset_i + j. One token trie holds every language's both-padded entries (so its
 * tables exist once, however many languages); a caption's ids from it are kept only within its
 * language's range. Each language has its own substring tables.
 */
import { InputError } from "../errors";
import { buildAutomaton, MATCH_BATCH, TokenMatcher, type AutomatonTables } from "./automaton";
import { buildSubstringTables, findSubstrings, substringTablesBytes, type SubstringTables } from "./substringMatcher";
import { encodeWtf8Into, wtf8Length } from "./utf8";
import { worldwidePattern } from "./worldwide";

/** The language index of a caption with no list (`other`): it matches nothing. */
export const NO_LANGUAGE = 0xffff;

export interface LanguageTables {
  lang: string;
  /** Workspace-wide id of the list's first entry. */
  offset: number;
  entries: number;
  substrings: SubstringTables;
}

export interface WorldwideTables {
  tokens: AutomatonTables;
  languages: LanguageTables[];
  entryCount: number;
}

/** Whether MetaCLIP 2 pads the entry on both sides, as MetaCLIP 1 does every entry. */
function paddedBothSides(entry: string, pattern: string | null): boolean {
  return pattern !== null && pattern.length === entry.length + 2 && pattern.startsWith(" ") && pattern.endsWith(" ");
}

export function buildWorldwideTables(lists: readonly { lang: string; entries: readonly string[] }[]): WorldwideTables {
  if (lists.length >= NO_LANGUAGE) throw new RangeError(`${lists.length} languages: at most ${NO_LANGUAGE - 1}`);
  const tokenEntries: (string | null)[] = [];
  const languages: LanguageTables[] = [];
  for (const { lang, entries } of lists) {
    const offset = tokenEntries.length;
    const patterns: (string | null)[] = [];
    const ids: number[] = [];
    entries.forEach((entry, j) => {
      const pattern = worldwidePattern(entry);
      if (paddedBothSides(entry, pattern)) tokenEntries.push(entry);
      else {
        tokenEntries.push(null);
        if (pattern !== null) { patterns.push(pattern); ids.push(offset + j); }
      }
    });
    let substrings: SubstringTables;
    try {
      substrings = buildSubstringTables(patterns, ids);
    } catch (e) {
      if (e instanceof RangeError) throw new InputError(`metadata ${lang}.json: ${e.message}`);
      throw e;
    }
    languages.push({ lang, offset, entries: entries.length, substrings });
  }
  return { tokens: buildAutomaton(tokenEntries), languages, entryCount: tokenEntries.length };
}

export function worldwideTablesBytes(t: WorldwideTables, tokenBytes: number): number {
  return tokenBytes + t.languages.reduce((n, l) => n + substringTablesBytes(l.substrings), 0);
}

/**
 * Matches texts of known languages. Used as TokenMatcher is (setTexts, then matchBatch over bounds of
 * the loaded bytes), with each text's language index beside its bounds. Ids per text ascending, distinct.
 */
export class WorldwideMatcher {
  readonly tables: WorldwideTables;
  private readonly token: TokenMatcher;
  private bytes: Uint8Array = new Uint8Array(0);
  private found: number[] = [];
  private idsOut = new Int32Array(1024);
  private idStartsOut = new Int32Array(MATCH_BATCH + 1);
  private idsView: Int32Array = new Int32Array(0);
  private counts: Float64Array | null = null;

  constructor(tables: WorldwideTables, module?: WebAssembly.Module) {
    this.tables = tables;
    this.token = new TokenMatcher(tables.tokens, module);
  }

  get ids(): Int32Array { return this.idsView; }
  get idStarts(): Int32Array { return this.idStartsOut; }

  setTexts(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.token.setTexts(bytes);
  }

  textLineEnds(expected: number): Int32Array { return this.token.textLineEnds(expected); }
  lineEnds(bytes: Uint8Array, expected: number): Int32Array { return this.token.lineEnds(bytes, expected); }

  /** Matches texts [bounds[2k], bounds[2k + 1]) of the loaded bytes, text k in language langs[k] (NO_LANGUAGE: none). */
  matchBatch(bounds: Int32Array, count: number, langs: ArrayLike<number>): void {
    this.token.matchBatch(bounds, count);
    const tokenIds = this.token.ids, tokenStarts = this.token.idStarts;
    const found = this.found;
    let m = 0;
    for (let k = 0; k < count; k++) {
      this.idStartsOut[k] = m;
      const li = langs[k];
      if (li === NO_LANGUAGE) continue;
      const lang = this.tables.languages[li];
      if (!lang) throw new RangeError(`language index ${li} of text ${k}: there are ${this.tables.languages.length} languages`);
      const lo = lang.offset, hi = lang.offset + lang.entries;
      let n = 0;
      for (let i = tokenStarts[k]; i < tokenStarts[k + 1]; i++) { const id = tokenIds[i]; if (id >= lo && id < hi) found[n++] = id; }
      const fromTokens = n;
      n = findSubstrings(lang.substrings, this.bytes, bounds[2 * k], bounds[2 * k + 1], found, n);
      if (m + n > this.idsOut.length) { const grown = new Int32Array(Math.max(m + n, 2 * this.idsOut.length)); grown.set(this.idsOut.subarray(0, m)); this.idsOut = grown; }
      const out = this.idsOut;
      for (let i = 0; i < n; i++) out[m + i] = found[i];
      // substring hits come in text order, repeated: sorted and made distinct in place (the token ids already are)
      if (n > fromTokens) {
        out.subarray(m, m + n).sort();
        let w = m + 1;
        for (let i = m + 1; i < m + n; i++) if (out[i] !== out[w - 1]) out[w++] = out[i];
        n = w - m;
      }
      if (this.counts) for (let i = m; i < m + n; i++) this.counts[out[i]]++;
      m += n;
    }
    this.idStartsOut[count] = m;
    this.idsView = this.idsOut.subarray(0, m);
  }

  /** From now on every batch counts each text's matched ids (as TokenMatcher.countInKernel). */
  countInKernel(): void {
    this.counts ??= new Float64Array(this.tables.entryCount);
  }

  takeCounts(into: Float64Array): void {
    if (!this.counts) return;
    for (let i = 0; i < this.counts.length; i++) into[i] += this.counts[i];
    this.counts.fill(0);
  }

  /** Matches one JS string in language index `lang`; ids ascending. */
  matchText(text: string, lang: number): number[] {
    const bytes = new Uint8Array(wtf8Length(text));
    encodeWtf8Into(text, bytes, 0);
    this.setTexts(bytes);
    this.matchBatch(Int32Array.of(0, bytes.length), 1, [lang]);
    return Array.from(this.idsView);
  }
}
