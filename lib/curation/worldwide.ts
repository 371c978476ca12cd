/**
 * MetaCLIP 2's worldwide rules (metaclip/curation/substr_matching.py and curate.py of
 * facebookresearch/MetaCLIP; ../shared/docs/metaclip2-notes.md): how an entry is padded before it is
 * searched for in `spacing(text)`, and each language's t from English's. Isomorphic: the CLI, the
 * matcher's workers and the dashboard share this one definition.
 */
import { pToT, tToP, type Counts } from "./threshold";

/** The language of captions whose language has no list (MetaCLIP 2's `other`): they match nothing. */
export const OTHER_LANGUAGE = "other";

/** Python's `string.punctuation`: the 32 ASCII marks. */
const ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
/** MetaCLIP 2's `additional_punctuation`: full-width and CJK marks. */
const WIDE_PUNCTUATION = "，。、；：？！“”‘’（）【】《》〈〉「」『』～—";
const PUNCTUATION = new Set([...ASCII_PUNCTUATION, ...WIDE_PUNCTUATION].map((c) => c.codePointAt(0)!));

/** Code point ranges of `is_cjk_or_similar`: CJK ideographs, radicals and description characters; Thai, Lao, Burmese, Khmer, Tibetan. */
const CJK_LIKE_RANGES: readonly (readonly [number, number])[] = [
  [0x4e00, 0x9fff], [0x3400, 0x4dbf], [0x20000, 0x2a6df], [0x2a700, 0x2b73f], [0x2b740, 0x2b81f], [0x2b820, 0x2ceaf],
  [0x2ceb0, 0x2ebef], [0xf900, 0xfaff], [0x2e80, 0x2eff], [0x2f00, 0x2fdf], [0x2ff0, 0x2fff],
  [0x0e00, 0x0e7f], [0x0e80, 0x0eff], [0x1000, 0x109f], [0x1780, 0x17ff], [0x0f00, 0x0fff],
];

/** `is_cjk_or_similar` of one code point: a script written without spaces, or punctuation. (Kana and Hangul are not.) */
export function isCjkLike(codePoint: number): boolean {
  for (const [lo, hi] of CJK_LIKE_RANGES) if (codePoint >= lo && codePoint <= hi) return true;
  return PUNCTUATION.has(codePoint);
}

/**
 * The text searched for: a space before the entry unless its first character is CJK-like, then a space
 * after it unless the last character (of the entry so padded) is CJK-like. So a Latin-script entry
 * matches as whole space-bounded words, a Chinese or Thai one anywhere. Characters are code points, as
 * Python's. An empty entry has no text to search for (MetaCLIP 2's code fails on one; its lists hold none).
 */
export function worldwidePattern(entry: string): string | null {
  if (entry === "") return null;
  const first = entry.codePointAt(0)!;
  const last = lastCodePoint(entry);
  const head = isCjkLike(first) ? entry : " " + entry;
  return isCjkLike(last) ? head : head + " ";
}

function lastCodePoint(s: string): number {
  const low = s.charCodeAt(s.length - 1);
  if (low >= 0xdc00 && low <= 0xdfff && s.length >= 2) {
    const high = s.charCodeAt(s.length - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.codePointAt(s.length - 2)!;
  }
  return low;
}

/**
 * Each language's t: English's is `tEn`; every other language's is p_to_t of its own counts at English's
 * tail share p = t_to_p(counts_en, t_en). A language whose counts are all zero gets none (null).
 */
export function languageThresholds(countsByLang: ReadonlyMap<string, Counts>, tEn: number, english = "en"): Map<string, number | null> {
  const en = countsByLang.get(english);
  if (!en) throw new RangeError(`no counts for English ("${english}"): its t sets every other language's`);
  const p = tToP(en, tEn);
  const out = new Map<string, number | null>();
  for (const [lang, counts] of countsByLang) {
    if (lang === english) out.set(lang, tEn);
    else out.set(lang, hasMatches(counts) ? pToT(counts, p) : null);
  }
  return out;
}

function hasMatches(counts: Counts): boolean {
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) return true;
  return false;
}
