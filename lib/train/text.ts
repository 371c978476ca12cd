/**
 * The text side of the tiny CLIP (training-notes §6): lowercase; words are runs of letters and digits
 * (any script, with their combining marks and ' _ . % -), so ASCII text gives the tokens
 * /[a-z0-9][a-z0-9'_.%-]*\/g always gave; a run in a script written without spaces (Han, kana, Thai,
 * Lao, Khmer, Myanmar, Tibetan) is cut into words by ICU's word segmenter (Intl.Segmenter, the ICU
 * version in run.json). A vocabulary of the training captions' words seen at least twice, sorted, plus
 * every prompt's words (so no prompt encodes to nothing); a caption as a bag of words whose weights sum to 1.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'_.%-]*/gu;
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: "word" });
export const MIN_COUNT = 2;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const w of text.toLowerCase().match(WORD) ?? []) {
    if (!NO_SPACE_SCRIPT.test(w)) { out.push(w); continue; }
    for (const s of segmenter.segment(w)) if (s.isWordLike) out.push(s.segment);
  }
  return out;
}

export class Vocab {
  private readonly ids: Map<string, number>;

  constructor(readonly words: readonly string[]) {
    this.ids = new Map(words.map((w, i) => [w, i]));
  }

  /** From the training captions (words seen MIN_COUNT times or more) and the prompts (always). */
  static build(captions: Iterable<string>, prompts: readonly string[], minCount = MIN_COUNT): Vocab {
    const counts = new Map<string, number>();
    for (const c of captions) for (const w of tokenize(c)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = new Set([...counts].filter(([, n]) => n >= minCount).map(([w]) => w));
    for (const p of prompts) for (const w of tokenize(p)) words.add(w);
    return new Vocab([...words].sort());
  }

  get size(): number {
    return this.words.length;
  }

  /** The in-vocabulary token ids of a caption (unknown words dropped). */
  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const w of tokenize(text)) { const id = this.ids.get(w); if (id !== undefined) out.push(id); }
    return Int32Array.from(out);
  }
}

/** Bag-of-words rows for `rows` (token id lists), into out[r·V + w] (zeroed first): counts / length. */
export function fillBow(out: Float32Array, vocabSize: number, rows: readonly Int32Array[]): void {
  out.fill(0);
  rows.forEach((ids, r) => { for (const w of ids) out[r * vocabSize + w] += 1 / ids.length; });
}
