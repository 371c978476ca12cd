"use client";
import { useEffect, useState } from "react";
import { emit } from "../../lib/browser/events";
import { fmtInt, fmtNum, fmtPct, fmtT } from "../../lib/browser/format";
import type { FilterReply, LoadedWorkspace } from "../../lib/browser/workspace";
import { defaultForm, type PanelForm } from "../../lib/filters/panelChoice";
import { FILTER_NAMES, type FilterName } from "../../lib/filters/rules";
import { checkedChoice } from "./checkedChoice";
import { useWorkspaceVersion } from "../useWorkspace";
import { FilterCharts } from "./FilterCharts";
import { FilterJobButton } from "./FilterJobButton";
import { FilterLanguages } from "./FilterLanguages";

const CONDITION_LABELS: Record<string, string> = {
  language: "language is English", words: "words > min", chars: "characters > min", min_side: "min(width, height) ≥ min side", aspect: "aspect ≤ max", score: "score ≥ threshold",
};

/**
 * DataComp's baseline filters on this workspace, previewed in the browser from its per-row columns
 * (filter_columns.parquet, written by `metacurate columns`) and composed with balancing at the page's
 * t: the rows each condition removes, the entry distribution and the expected size after the filter,
 * after balancing, and after both in either order. The numbers are `metacurate filter`'s (the same
 * rules, lib/filters). The chosen filter is lifted to the page, so "Curate at this t" can filter first.
 */
export function FilterPanel({ ws, t, form, onForm, onProblem }: { ws: LoadedWorkspace; t: number; form: PanelForm | null; onForm: (f: PanelForm) => void;
  /** Why filtering first with the chosen filter cannot give a curated set (it keeps no row; worldwide: it leaves English no match), or null. */
  onProblem?: (problem: string | null) => void }) {
  useWorkspaceVersion(ws);
  useEffect(() => ws.loadFilterColumns(), [ws]);
  const cols = ws.filterColumns;
  const summary = cols.state === "ready" ? cols.summary : null;
  const inputs = summary ? { scoreColumns: summary.scoreColumns, languages: summary.languages } : null;
  useEffect(() => { if (inputs && !form) onForm(defaultForm(inputs.scoreColumns.length ? "clip_score" : "basic_filter", inputs)); });
  const checked = form ? checkedChoice(form) : null;
  const choiceKey = checked && "choice" in checked ? JSON.stringify(checked.choice) : null;
  const [result, setResult] = useState<{ key: string; reply: FilterReply } | { key: string; error: string } | null>(null);
  const key = `${choiceKey}|${t}`;
  useEffect(() => {
    if (!checked || !("choice" in checked) || cols.state !== "ready") return;
    let live = true;
    ws.filterPreview(checked.choice, t).then((reply) => {
      if (!live) return;
      setResult({ key, reply });
      onProblem?.(reply.rowsKept === 0 ? "the filter keeps no row of the pool" : reply.filterThenBalanceProblem);
      emit({ type: "filter:preview", choice: checked.choice, t, rows: reply.rows, rowsKept: reply.rowsKept, threshold: reply.threshold, conditions: reply.conditions,
        matchedKept: reply.matchedKept, balance: reply.balance, filterThenBalance: reply.filterThenBalance, balanceThenFilter: reply.balanceThenFilter, languages: reply.languages, ms: reply.ms });
    }, (e: Error) => live && setResult({ key, error: e.message }));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, cols.state]);

  const field = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";
  const set = (patch: Partial<PanelForm>) => form && onForm({ ...form, ...patch });
  return (
    <section aria-labelledby="h-filter" className="space-y-3 rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid="filter-panel">
      <h2 id="h-filter" className="text-base font-semibold">DataComp&apos;s filters beside balancing at {ws.info.languages ? "English's " : ""}t = {fmtT(t)}</h2>
      {cols.state === "loading" || cols.state === "unloaded" ? <p className="text-sm text-zinc-500">loading filter_columns.parquet…</p>
        : cols.state === "error" ? <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="filter-columns-error">{cols.message}</p>
        : cols.state === "none" ? (
          <p className="text-sm text-zinc-500" data-testid="filter-columns-missing">
            This workspace has no per-row filter columns. Add them with <code>npx metacurate columns --workspace DIR</code> (caption lengths, image sizes and scores from its pool, and the
            language of every caption by fastText and CLD3: about 30,000 and 6,000 captions a second); then reload.
          </p>
        ) : form && summary && (<>
          <p className="text-xs text-zinc-500">
            Computed here from filter_columns.parquet ({fmtInt(summary.rows)} rows: caption lengths, {summary.sizes ? "image sizes, " : "no image sizes, "}
            {summary.scoreColumns.length ? `scores ${summary.scoreColumns.join(", ")}` : "no score column"}, {summary.languages.length ? `language by ${summary.languages.join(" and ")}` : "no language"}) with
            the rules of <code>metacurate filter</code>: the same rows, counts and threshold.
          </p>
          <div className="flex flex-wrap items-end gap-3 text-sm">
            <label className="flex flex-col">filter
              <select data-testid="filter-name" value={form.name} className={field} onChange={(e) => onForm(defaultForm(e.target.value as FilterName, inputs!))}>
                {FILTER_NAMES.map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </label>
            {(form.name === "basic_filter" || form.name === "laion2b") && (
              <label className="flex flex-col">language ID
                <select data-testid="filter-lid" value={form.lid} className={field} onChange={(e) => set({ lid: e.target.value as PanelForm["lid"] })}>
                  {[form.name === "basic_filter" ? "fasttext" : "cld3", "none"].map((l) => <option key={l} value={l} disabled={l !== "none" && !inputs!.languages.includes(l)}>{l}</option>)}
                </select>
              </label>
            )}
            {form.name === "basic_filter" && ([["minWords", "min words (>)"], ["minChars", "min chars (>)"], ["minSide", "min side (px, ≥)"], ["maxAspect", "max aspect (≤)"]] as const).map(([k, label]) => (
              <label key={k} className="flex flex-col">{label}
                <input data-testid={`filter-${k}`} inputMode="decimal" value={form[k]} onChange={(e) => set({ [k]: e.target.value })} className={`w-24 ${field}`} />
              </label>
            ))}
            {(form.name === "clip_score" || form.name === "laion2b") && (<>
              <label className="flex flex-col">score column
                <select data-testid="filter-score-col" value={form.scoreCol} className={field} onChange={(e) => set({ scoreCol: e.target.value })}>
                  {[...new Set([...inputs!.scoreColumns, form.scoreCol])].map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
              </label>
              {form.name === "clip_score" && (
                <label className="flex flex-col">keep
                  <select data-testid="filter-mode" value={form.mode} className={field} onChange={(e) => set({ mode: e.target.value as PanelForm["mode"], value: "0.3" })}>
                    <option value="fraction">the top fraction</option><option value="threshold">score ≥ threshold</option>
                  </select>
                </label>
              )}
              <label className="flex flex-col">{form.mode === "fraction" && form.name === "clip_score" ? "fraction" : "threshold"}
                <input data-testid="filter-value" inputMode="decimal" value={form.value} onChange={(e) => set({ value: e.target.value })} className={`w-24 ${field}`} />
              </label>
            </>)}
            {checked && "choice" in checked && <FilterJobButton workspace={ws.info.server!} choice={checked.choice} />}
          </div>
          {checked && "problem" in checked && <p role="alert" data-testid="filter-problem" className="text-sm text-red-700 dark:text-red-400">{checked.problem}</p>}
          {result && result.key === key && "error" in result && <p role="alert" data-testid="filter-problem" className="text-sm text-red-700 dark:text-red-400">{result.error}</p>}
          {result && result.key === key && "reply" in result && <FilterResult reply={result.reply} ws={ws} t={t} />}
        </>)}
    </section>
  );
}

function FilterResult({ reply: r, ws, t }: { reply: FilterReply; ws: LoadedWorkspace; t: number }) {
  const sizes = [
    { id: "pool", label: "pool rows", value: r.rows },
    { id: "filter", label: "after the filter (rows kept)", value: r.rowsKept },
    { id: "balance", label: `after balancing at ${r.languages ? "English's " : ""}t = ${fmtT(t)} (expected)`, value: r.balance },
    { id: "filter-balance", label: "filter, then balance (expected)", value: r.filterThenBalance },
    { id: "balance-filter", label: "balance, then filter (expected)", value: r.balanceThenFilter },
  ];
  const drawn = sizes.filter((s): s is { id: string; label: string; value: number } => s.value !== null);
  return (<>
    <div className="grid gap-4 lg:grid-cols-2">
      <div className="space-y-2">
        <table className="w-full text-sm tabular-nums" data-testid="filter-conditions">
          <thead><tr className="text-left text-xs text-zinc-500"><th className="font-normal">condition (DataComp&apos;s order)</th><th className="text-right font-normal">removes alone</th><th className="text-right font-normal">removes in order</th></tr></thead>
          <tbody>
            {r.conditions.map((c) => (
              <tr key={c.condition} data-testid="filter-condition" data-condition={c.condition} data-alone={c.removedAlone} data-in-order={c.removedInOrder}>
                <td>{CONDITION_LABELS[c.condition] ?? c.condition}</td>
                <td className="text-right">{fmtInt(c.removedAlone)} <span className="text-zinc-500">({fmtPct(c.removedAlone / r.rows, 1)})</span></td>
                <td className="text-right">{fmtInt(c.removedInOrder)}</td>
              </tr>
            ))}
            {r.conditions.length === 0 && <tr><td colSpan={3} className="text-zinc-500">no condition: every row is kept</td></tr>}
          </tbody>
        </table>
        <p className="text-sm" data-testid="filter-kept" data-value={r.rowsKept} data-threshold={r.threshold ?? ""}>
          keeps <b>{fmtInt(r.rowsKept)}</b> of {fmtInt(r.rows)} rows ({fmtPct(r.rowsKept / r.rows, 1)}){r.threshold !== null && <> · threshold {Number(r.threshold.toPrecision(4))}</>} · {fmtInt(r.matchedKept)} of them matched
        </p>
        <dl className="grid grid-cols-[auto_auto] gap-x-4 text-sm tabular-nums" data-testid="filter-sizes">
          {sizes.map((s) => (
            <div key={s.id} className="contents" data-testid={`filter-size-${s.id}`} data-value={s.value ?? ""}>
              <dt className="text-zinc-500">{s.label}</dt><dd className="text-right">{s.value === null ? "—" : Number.isInteger(s.value) ? fmtInt(s.value) : fmtNum(s.value, 1)}</dd>
            </div>
          ))}
        </dl>
        {r.filterThenBalanceProblem && <p role="alert" data-testid="filter-balance-problem" className="text-sm text-amber-700 dark:text-amber-400">Filter, then balance: {r.filterThenBalanceProblem}; <code>curate</code> on the filtered pool refuses it too.</p>}
        <p className="text-xs text-zinc-500">
          Balance then filter applies the filter&apos;s threshold as resolved over the pool; <code>metacurate filter --fraction</code> on curated.parquet takes the top fraction of the curated rows instead.
        </p>
        {r.languages && <FilterLanguages languages={r.languages} />}
      </div>
      <FilterCharts ws={ws} t={t} reply={r} sizes={drawn} />
    </div>
  </>);
}
