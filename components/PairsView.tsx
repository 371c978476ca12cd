"use client";
import { useEffect, useMemo, useState } from "react";
import { rows } from "../lib/browser/duckdb";
import { entryByTextSql } from "../lib/browser/sql";
import { useEntryInfo } from "./useEntryInfo";
import { fmtInt, fmtT } from "../lib/browser/format";
import { filterPairs } from "../lib/browser/pairs";
import type { LoadedWorkspace } from "../lib/browser/workspace";
import { MAX_SEARCH_CHARS, type ViewState } from "../lib/browser/viewState";
import { PairList } from "./pairs/PairList";
import { PreviewGate } from "./pairs/PreviewGate";
import { useWorkspaceVersion } from "./useWorkspace";
import { UrlTNotice } from "./controls/UrlTNotice";
import { UrlLangNotice } from "./languages/UrlLangNotice";
import { NoTNotice } from "./languages/NoTNotice";
import { defaultT, effectiveSeed, effectiveT, imageOptions } from "./effectiveView";
import { useView } from "./useView";
import { WorkspaceGate } from "./workspace/WorkspaceGate";
import { LanguageFilter, languageRange, pairLanguages } from "./languages/LanguageFilter";

const PER_PAGE = 24;

export function PairsView() {
  const [view, update] = useView();
  return <WorkspaceGate name={view.workspace}>{(ws) => <PairsBody key={ws.info.label} ws={ws} view={view} update={update} />}</WorkspaceGate>;
}

function PairsBody({ ws, view, update }: { ws: LoadedWorkspace; view: ViewState; update: (p: Partial<ViewState>) => void }) {
  const t = effectiveT(ws, view.t);
  const seed = effectiveSeed(ws, view.seed);
  const [keep, setKeep] = useState(view.keep);
  const [text, setText] = useState(view.text);
  const [entry, setEntry] = useState<number | null>(view.entry);
  // what the person typed in the entry box: an id, or an entry's exact text (looked up in DuckDB)
  const [entryText, setEntryText] = useState(view.entry === null ? "" : String(view.entry));
  const [entryError, setEntryError] = useState<string | null>(null);
  const entryIds = useMemo(() => (entry === null ? [] : [entry]), [entry]);
  const entryName = useEntryInfo(ws.entriesDb, entryIds)?.get(entry ?? -1)?.entry;
  const chooseEntry = (id: number | null) => { setEntry(id); setPage(0); set({ entry: id, page: 0 }); };
  useEffect(() => {
    const v = entryText.trim();
    if (v === "") { setEntryError(null); if (entry !== null) chooseEntry(null); return; }
    if (/^\d+$/.test(v)) {
      const id = Number(v);
      const known = ws.countsById[id] !== undefined;
      setEntryError(known ? null : `no entry ${id} in this workspace`);
      if ((known ? id : null) !== entry) chooseEntry(known ? id : null);
      return;
    }
    let live = true;
    void (async () => {
      const found = await rows<{ entry_id: number }>(await ws.entriesDb, entryByTextSql(v));
      if (!live) return;
      if (found.length === 0) { setEntryError(`no entry is exactly “${v}” (entries match case-sensitively)`); if (entry !== null) chooseEntry(null); return; }
      setEntryError(null);
      if (found[0].entry_id !== entry) chooseEntry(found[0].entry_id);
    })().catch((e: Error) => live && setEntryError(e.message));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entryText, ws]);
  const [page, setPage] = useState(view.page);
  const [remote, setRemote] = useState(view.remote);
  const [lang, setLang] = useState(languageRange(ws, view.lang) ? view.lang : null);
  const version = useWorkspaceVersion(ws);
  const entryT = ws.entryThresholds(t);
  const worldwide = useMemo(() => pairLanguages(ws, t), [ws, t]);
  const filtered = useMemo(() => filterPairs(ws.preview, ws.countsById, t, seed, { keep, entry, text, lang: languageRange(ws, lang) }, entryT),
    [ws, version, t, seed, keep, entry, text, lang, entryT]);
  const pages = Math.max(1, Math.ceil(filtered.length / PER_PAGE));
  const current = Math.min(page, pages - 1);
  const shown = useMemo(() => filtered.slice(current * PER_PAGE, (current + 1) * PER_PAGE), [filtered, current]);
  const set = (patch: Partial<ViewState>) => update({ ...patch });
  const go = (p: number) => { setPage(p); set({ page: p }); };
  const input = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";
  return (
    <main className="space-y-4 p-4">
      <header className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Pairs</h1>
        <p className="text-sm text-zinc-500" data-testid="pairs-summary">
          {fmtInt(filtered.length)} of {fmtInt(ws.preview.length)} preview pairs · {worldwide ? `English's t = ${fmtT(t)}, each language at its own t` : `t = ${fmtT(t)}`} · seed {seed} (the engine&apos;s draw: kept iff murmur3 draw &lt; P(keep))
          {!!ws.imageShards && <span data-testid="shard-note"> · images from {fmtInt(ws.imageShards)} in the workspace&apos;s webdataset tar shards</span>}
        </p>
      </header>
      <UrlTNotice rejected={view.tRejected} shownT={t} what={defaultT(ws).what} />
      {lang === null && <UrlLangNotice ws={ws} view={view} showing={ws.info.languages ? "every language's pairs" : "the workspace's pairs"} />}
      <NoTNotice ws={ws} />
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col">show
          <select data-testid="filter-keep" value={keep} className={input} onChange={(e) => { const k = e.target.value as ViewState["keep"]; setKeep(k); setPage(0); set({ keep: k, page: 0 }); }}>
            <option value="all">all</option><option value="kept">kept at t</option><option value="dropped">dropped at t</option>
          </select>
        </label>
        <label className="flex flex-col">caption contains
          <input data-testid="filter-text" value={text} maxLength={MAX_SEARCH_CHARS} className={input}
            onChange={(e) => { const v = e.target.value.slice(0, MAX_SEARCH_CHARS); setText(v); setPage(0); set({ text: v, page: 0 }); }} />
        </label>
        <label className="flex flex-col">entry (id or exact text)
          <input data-testid="filter-entry" value={entryText} className={`${input} w-44`} placeholder="e.g. 16094 or dress"
            onChange={(e) => setEntryText(e.target.value)} />
        </label>
        {entry !== null && !entryError && <span className="self-end pb-1 text-zinc-500" data-testid="filter-entry-name">filtering on {entryName !== undefined ? `“${entryName}”` : "…"} (entry {entry})</span>}
        {entryError && <span role="alert" className="self-end pb-1 text-red-700 dark:text-red-400" data-testid="filter-entry-error">{entryError}</span>}
        <LanguageFilter ws={ws} lang={lang} className={input} onLang={(code) => { setLang(code); setPage(0); set({ lang: code, langRejected: null, page: 0 }); }} />
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={remote} data-testid="toggle-remote" onChange={(e) => { setRemote(e.target.checked); set({ remote: e.target.checked }); }} />
          load images from the pool&apos;s http(s) URLs (off: only the workspace&apos;s own images)
        </label>
      </div>
      <Pager current={current} pages={pages} go={go} />
      <PreviewGate ws={ws}><PairList db={ws.entriesDb} pairs={shown} t={t} seed={seed} images={imageOptions(ws, remote)} context="grid" worldwide={worldwide} /></PreviewGate>
      {filtered.length === 0 && <p className="text-sm text-zinc-500" data-testid="pairs-empty">No preview pair passes these filters.</p>}
      {pages > 1 && <Pager current={current} pages={pages} go={(p) => { go(p); window.scrollTo({ top: 0 }); }} bottom />}
    </main>
  );
}

/** Previous / next page; at the top of the grid and again below it. */
function Pager({ current, pages, go, bottom = false }: { current: number; pages: number; go: (page: number) => void; bottom?: boolean }) {
  const id = (name: string) => (bottom ? `${name}-bottom` : name);
  return (
    <nav className="flex items-center gap-2 text-sm" aria-label={bottom ? "pages (bottom)" : "pages"}>
      <button type="button" data-testid={id("page-prev")} disabled={current === 0} onClick={() => go(current - 1)} className="rounded border px-2 py-1 disabled:opacity-40">← prev</button>
      <span data-testid={id("page-label")}>page {current + 1} of {pages}</span>
      <button type="button" data-testid={id("page-next")} disabled={current >= pages - 1} onClick={() => go(current + 1)} className="rounded border px-2 py-1 disabled:opacity-40">next →</button>
    </nav>
  );
}
