/**
 * A MetaCLIP metadata.json opened beside an entry_counts file: it must be the list the counts were
 * made from (entry id = array index), and its hash is the engine's metadata hash (sha256 of the list
 * as JSON), so a person can tell which metadata a workspace used.
 */

import { shownJsonValue, withoutBom } from "../util/jsonError";

/** The entry list in a metadata.json, or an error naming the file. */
export function parseMetadataJson(text: string, fileName: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(withoutBom(text));
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (!Array.isArray(list)) throw new Error(`${fileName} must be a JSON array of strings (MetaCLIP's metadata.json)`);
  const bad = list.findIndex((e) => typeof e !== "string");
  if (bad >= 0) throw new Error(`${fileName}: entry ${bad} is not a string (${shownJsonValue(list[bad])})`);
  return list as string[];
}

/** The first difference between the metadata list and the entries by id, as a message; null when equal. */
export function metadataMismatch(list: readonly string[], entryById: (id: number) => string, entries: number, fileName: string, countsName: string): string | null {
  if (list.length !== entries) return `${fileName} has ${list.length} entries but ${countsName} has ${entries}: it is not the metadata these counts were made from`;
  for (let id = 0; id < entries; id++) {
    const e = entryById(id);
    if (e !== list[id]) return `${fileName} differs from ${countsName} at entry ${id} (${JSON.stringify(list[id])} vs ${JSON.stringify(e)}): it is not the metadata these counts were made from`;
  }
  return null;
}

/** sha256 hex of the entry list as a JSON array, as the engine's manifest records it. */
export async function metadataHash(list: readonly string[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(list)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
