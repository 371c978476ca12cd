"use client";
import { fmtInt, fmtNum, fmtT } from "../../lib/browser/format";
import type { LanguageComposition } from "../../lib/filters/preview";

const fmtLangT = (t: number | null) => (t === null ? "— (none)" : t === 0 ? "0 (keeps none)" : fmtT(t));
const fmtSize = (v: number | null) => (v === null ? "—" : fmtNum(v, 1));

/**
 * A worldwide workspace's filter, language by language: the matched rows the filter keeps, each
 * language's t over the workspace's counts and over the filtered ones (English's tail share moves with
 * the filter, so every t does), and the expected sizes of balancing and of both orders.
 */
export function FilterLanguages({ languages }: { languages: LanguageComposition[] }) {
  const th = "px-1.5 py-1 text-right font-medium", td = "px-1.5 py-1 text-right tabular-nums";
  return (
    <table className="text-xs" data-testid="filter-languages">
      <caption className="mb-1 text-left text-sm font-medium">By language: matched rows the filter keeps, each t_lang at English&apos;s t over the pool&apos;s and the filtered counts, expected sizes</caption>
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={`${th} text-left`}>language</th><th className={th}>matched</th><th className={th} title="matched rows the filter keeps">kept</th>
          <th className={th}>t_lang</th><th className={th} title="the language's t over the filtered counts">t_lang, filtered</th>
          <th className={th}>balance</th><th className={th}>filter → balance</th><th className={th}>balance → filter</th>
        </tr>
      </thead>
      <tbody>
        {languages.map((l) => (
          <tr key={l.lang} data-testid="filter-language" data-lang={l.lang} data-t={l.t ?? ""} data-t-after={l.tAfterFilter ?? ""}
            data-matched-kept={l.matchedKept} data-filter-balance={l.filterThenBalance ?? ""} className="border-b border-zinc-100 dark:border-zinc-900">
            <td className="px-1.5 py-1">{l.lang}</td>
            <td className={td}>{fmtInt(l.matched)}</td>
            <td className={td}>{fmtInt(l.matchedKept)}</td>
            <td className={td}>{fmtLangT(l.t)}</td>
            <td className={td}>{fmtLangT(l.tAfterFilter)}</td>
            <td className={td}>{fmtSize(l.balance)}</td>
            <td className={td}>{fmtSize(l.filterThenBalance)}</td>
            <td className={td}>{fmtSize(l.balanceThenFilter)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
