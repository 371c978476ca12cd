"use client";
import { fmtInt, fmtNum, fmtP, fmtPct } from "../../lib/browser/format";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import type { ExpectedAtT } from "../controls/useExpectedSize";

/**
 * A worldwide workspace's languages at English's t (MetaCLIP 2): rows, matched share, each language's
 * t (p_to_t of its counts at English's tail share), head entries, tail share and expected curated rows.
 * A row picks the language the figures and charts show.
 */
export function LanguageTable({ ws, tEn, expected, selected, onSelect }: { ws: LoadedWorkspace; tEn: number; expected: ExpectedAtT; selected: number; onSelect: (i: number) => void }) {
  const langs = ws.info.languages ?? [];
  const ww = ws.worldwide;
  const ts = ww ? ww.at(tEn) : langs.map(() => null);
  const th = "px-2 py-1 text-left font-medium", td = "px-2 py-1 tabular-nums";
  const byLanguage = expected.status === "ready" ? expected.byLanguage : undefined;
  return (
    <table className="text-sm" data-testid="language-table">
      <caption className="mb-1 text-left text-sm font-medium">
        {ww ? <>Languages at English&apos;s t = {fmtInt(tEn)}: each language&apos;s t = p_to_t(its counts, p), p = English&apos;s tail share {fmtP(ww.tailShare(tEn))}</>
          : <>Languages: no t (English has no match, and its tail share sets every language&apos;s t)</>}
      </caption>
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={th}>language</th><th className={th}>rows</th><th className={th}>matched</th><th className={th}>t_lang</th>
          <th className={th}>head entries (count &gt; t_lang)</th><th className={th}>tail share</th><th className={th}>expected size</th>
        </tr>
      </thead>
      <tbody>
        {langs.map((l, i) => {
          const t = ts[i];
          const d = ws.languageDist(i);
          const head = t === null || !ww ? null : ww.headEntries(i, t);
          const tail = t === null ? null : t >= 1 && d.total > 0 ? d.tailShare(t) : 0;
          const e = byLanguage?.[i];
          return (
            <tr key={l.lang} data-testid="language-row" data-lang={l.lang} aria-selected={i === selected}
              className={`cursor-pointer border-b border-zinc-100 dark:border-zinc-900 ${i === selected ? "bg-sky-50 dark:bg-sky-950" : ""}`} onClick={() => onSelect(i)}>
              <td className={td}><button type="button" className="underline-offset-2 hover:underline" onClick={() => onSelect(i)}>{l.lang}</button>{i === ww?.english && " (sets t)"}</td>
              <td className={td} data-testid="lang-rows" data-value={l.rows}>{fmtInt(l.rows)}</td>
              <td className={td} data-testid="lang-rows-matched" data-value={l.rowsMatched}>{fmtInt(l.rowsMatched)} ({fmtPct(l.rows > 0 ? l.rowsMatched / l.rows : 0, 1)})</td>
              <td className={td} data-testid="lang-t" data-value={t ?? ""}>{t === null ? (ww ? "— (no match)" : "—") : t === 0 ? "0 (keeps none)" : fmtInt(t)}</td>
              <td className={td} data-testid="lang-head" data-value={head ?? ""}>{head === null ? "—" : `${fmtInt(head)} of ${fmtInt(l.entries)}`}</td>
              <td className={td} data-testid="lang-tail" data-value={tail ?? ""}>{tail === null ? "—" : fmtP(tail)}</td>
              <td className={td} data-testid="lang-expected" data-value={e ?? ""}>{e === undefined ? (ww ? "…" : "—") : fmtNum(e, 1)}</td>
            </tr>
          );
        })}
      </tbody>
      {ws.worldwideError && <tfoot><tr><td colSpan={7} className="px-2 pt-1 text-xs text-amber-700">No language has a t: {ws.worldwideError}</td></tr></tfoot>}
    </table>
  );
}

/** Which language the figures, charts and tables below show. */
export function LanguageSelect({ ws, selected, onSelect }: { ws: LoadedWorkspace; selected: number; onSelect: (i: number) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      language
      <select data-testid="language-select" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" value={selected}
        onChange={(e) => onSelect(Number(e.target.value))}>
        {(ws.info.languages ?? []).map((l, i) => <option key={l.lang} value={i}>{l.lang}{i === ws.worldwide?.english ? " (English: sets t)" : ""}</option>)}
      </select>
    </label>
  );
}
