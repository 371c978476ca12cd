"use client";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import type { IdRange } from "../../lib/browser/sql";
import type { PairLanguages } from "../pairs/PairCard";

/** A worldwide workspace's language filter (a language code, or null for all), with its range of entry ids. */
export function languageRange(ws: LoadedWorkspace, lang: string | null): IdRange | null {
  return ws.info.languages?.find((l) => l.lang === lang) ?? null;
}

/** What the pair cards need of a worldwide workspace at English's t: each entry's t and each entry's language. */
export function pairLanguages(ws: LoadedWorkspace, t: number): PairLanguages | null {
  const entryT = ws.entryThresholds(t);
  return entryT && ws.info.languages ? { entryT, langOf: (id) => ws.languageCode(id) } : null;
}

export function LanguageFilter({ ws, lang, onLang, className = "" }: { ws: LoadedWorkspace; lang: string | null; onLang: (lang: string | null) => void; className?: string }) {
  const langs = ws.info.languages;
  if (!langs) return null;
  return (
    <label className="flex flex-col text-sm">language
      <select data-testid="filter-lang" value={lang ?? ""} className={className} onChange={(e) => onLang(e.target.value || null)}>
        <option value="">all languages</option>
        {langs.map((l) => <option key={l.lang} value={l.lang}>{l.lang}</option>)}
      </select>
    </label>
  );
}
