/**
 * A worldwide match's language identification (`--lid fasttext|cld3`), in the match workers: each
 * caption's top label and confidence from a model its package ships (lib/filters/languageId), its
 * language by the label map (a label the map does not hold, or a null caption, is `other`). The group's
 * rows get their language index before they are matched; the labels and confidences go back to the main
 * thread, which writes them per row (languages.parquet).
 */
import { NO_LANGUAGE } from "../curation/worldwideMatcher";
import type { LanguageId } from "../filters/languageId";
import type { TextGroup } from "../pool/pool";

export interface LidRequest {
  engine: "fasttext" | "cld3";
  /** Model label → language index (position in the metadata's languages). */
  languages: Record<string, number>;
}

/** Per row of a group: its label's index in `labels` (-1: a null caption) and the model's confidence. */
export interface GroupLanguages {
  labels: string[];
  labelIds: Int32Array;
  confidences: Float64Array;
}

const decoder = new TextDecoder();

/** Identifies every row of `group`, setting group.langs; returns the labels and confidences. */
export function identifyGroup(model: LanguageId, request: LidRequest, group: TextGroup): GroupLanguages {
  const n = group.rows, bytes = group.bytes;
  const langs = new Uint16Array(n), labelIds = new Int32Array(n), confidences = new Float64Array(n);
  const labels: string[] = [], labelIndex = new Map<string, number>();
  let nullIdx = 0, start = 0;
  for (let r = 0; r < n; r++) {
    let end = bytes.indexOf(10, start);
    if (end < 0 || r === n - 1) end = r === n - 1 ? bytes.length : end;
    if (nullIdx < group.nullRows.length && group.nullRows[nullIdx] === r) {
      nullIdx++;
      langs[r] = NO_LANGUAGE; labelIds[r] = -1;
    } else {
      const guess = model.guess(decoder.decode(bytes.subarray(start, end)));
      let id = labelIndex.get(guess.language);
      if (id === undefined) { id = labels.length; labels.push(guess.language); labelIndex.set(guess.language, id); }
      labelIds[r] = id;
      confidences[r] = guess.confidence;
      langs[r] = request.languages[guess.language] ?? NO_LANGUAGE;
    }
    start = end + 1;
  }
  group.langs = langs;
  return { labels, labelIds, confidences };
}
