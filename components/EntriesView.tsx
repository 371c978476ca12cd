"use client";
import { useEffect, useMemo, useState } from "react";
import { fmtInt } from "../lib/browser/format";
import { filterPairs } from "../lib/browser/pairs";
import type { LoadedWorkspace } from "../lib/browser/workspace";
import { entryProbability } from "../lib/curation/threshold";
import { PairList } from "./pairs/PairList";
import { PreviewGate } from "./pairs/PreviewGate";
import { useEntryInfo } from "./useEntryInfo";
import { useWorkspaceVersion } from "./useWorkspace";
import { EntriesTable } from "./tables/EntriesTable";
import { UrlTNotice } from "./controls/UrlTNotice";
import { UrlLangNotice } from "./languages/UrlLangNotice";
import { NoTNotice } from "./languages/NoTNotice";
import { defaultT, effectiveSeed, effectiveT, imageOptions } from "./effectiveView";
import { useView } from "./useView";
import { WorkspaceGate } from "./workspace/WorkspaceGate";
import { DEFAULT_VIEW, MAX_SEARCH_CHARS, viewQuery, type ViewState } from "../lib/browser/viewState";
import Link from "next/link";
import { LanguageFilter, languageRange, pairLanguages } from "./languages/LanguageFilter";

export function EntriesView() {
  const [view, update] = useView();
  return <WorkspaceGate name={view.workspace}>{(ws) => <EntriesBody key={ws.info.label} ws={ws} view={view} update={update} />}</WorkspaceGate>;
}

function EntriesBody({ ws, view, update }: { ws: LoadedWorkspace; view: ViewState; update: (p: Partial<ViewState>) => void }) {
  const t = effectiveT(ws, view.t);
  const seed = effectiveSeed(ws, view.seed);
  const [search, setSearch] = useState(view.q);
  const [query, setQuery] = useState({ search: view.q, sort: view.sort, desc: view.desc, range: languageRange(ws, view.lang) });
  const [lang, setLang] = useState(languageRange(ws, view.lang) ? view.lang : null);
  const chooseLang = (code: string | null) => { setLang(code); setQuery((q) => ({ ...q, range: languageRange(ws, code) })); update({ lang: code, langRejected: null }); };
  const entryT = ws.entryThresholds(t);
  const [selected, setSelected] = useState<number | null>(view.entry);
  useEffect(() => {
    const h = setTimeout(() => { setQuery((q) => ({ ...q, search })); update({ q: search }); }, 120);
    return () => clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);
  const sortBy = (sort: ViewState["sort"]) => {
    const desc = query.sort === sort ? !query.desc : sort === "count";
    setQuery({ ...query, sort, desc });
    update({ sort, desc });
  };
  const select = (id: number) => { setSelected(id); update({ entry: id }); };
  return (
    <main className="grid gap-6 p-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <section className="space-y-2">
        <h1 className="text-xl font-semibold">Entries</h1>
        <UrlTNotice rejected={view.tRejected} shownT={t} what={defaultT(ws).what} />
        {lang === null && <UrlLangNotice ws={ws} view={view} showing={ws.info.languages ? "every language's entries" : "the workspace's entries"} />}
        <NoTNotice ws={ws} />
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col text-sm">
            <span>search entries</span>
            <input data-testid="entries-search" value={search} maxLength={MAX_SEARCH_CHARS} onChange={(e) => setSearch(e.target.value.slice(0, MAX_SEARCH_CHARS))} placeholder="substring, case-insensitive"
              className="w-72 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
          </label>
          <span className="text-sm">sort:</span>
          {(["count", "entry", "entry_id"] as const).map((s) => (
            <button key={s} type="button" data-testid={`sort-${s}`} onClick={() => sortBy(s)} aria-pressed={query.sort === s}
              className={`rounded border px-2 py-1 text-sm ${query.sort === s ? "border-sky-500" : "border-zinc-300 dark:border-zinc-700"}`}>
              {s}{query.sort === s ? (query.desc ? " ↓" : " ↑") : ""}
            </button>
          ))}
          <LanguageFilter ws={ws} lang={lang} onLang={chooseLang} className="rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
          <span className="text-sm text-zinc-500">p_e at {entryT ? `each language's t (English's t = ${fmtInt(t)})` : `t = ${fmtInt(t)}`}</span>
        </div>
        <EntriesTable db={ws.entriesDb} query={query} t={t} selected={selected} onSelect={select} hasSource={ws.hasSource} entryT={entryT}
          langOf={ws.info.languages ? (id) => ws.languageCode(id) : null} />
      </section>
      <section aria-label="entry detail">{selected !== null && <EntryDetail ws={ws} id={selected} t={t} seed={seed} remote={view.remote} workspace={view.workspace} />}</section>
    </main>
  );
}

const SHOWN = 24;

function EntryDetail({ ws, id, t, seed, remote, workspace }: { ws: LoadedWorkspace; id: number; t: number; seed: number; remote: boolean; workspace: string | null }) {
  const count = ws.countsById[id];
  const version = useWorkspaceVersion(ws);
  const ids = useMemo(() => [id], [id]);
  const name = useEntryInfo(ws.entriesDb, ids)?.get(id)?.entry;
  const entryT = ws.entryThresholds(t);
  const tOfEntry = entryT ? entryT[id] : t;
  const all = useMemo(() => filterPairs(ws.preview, ws.countsById, t, seed, { keep: "all", entry: id, text: "" }, entryT), [ws, version, id, t, seed, entryT]);
  const pairs = useMemo(() => all.slice(0, SHOWN), [all]);
  if (count === undefined) return <p role="alert">No entry {id} in this workspace.</p>;
  const kept = all.filter((p) => p.kept).length;
  const pairsHref = workspace !== null ? `/pairs${viewQuery({ ...DEFAULT_VIEW, workspace, t, seed, entry: id })}` : null;
  return (
    <div className="space-y-3" data-testid="entry-detail" data-entry-id={id}>
      <h2 className="text-lg font-semibold" data-testid="entry-detail-name" dir="auto">{name !== undefined ? `“${name}”` : "…"} <span className="text-sm font-normal text-zinc-500">entry {id}</span></h2>
      <p className="text-sm">count {fmtInt(count)} · {entryT && `${ws.info.languages![ws.languageOf(id)].lang}, `}p_e at t = {fmtInt(tOfEntry)}: {(tOfEntry === 0 ? 0 : entryProbability(count, tOfEntry)).toPrecision(4)} · draw seed {seed}</p>
      <p className="text-sm text-zinc-500" data-testid="entry-detail-pairs" data-matching={all.length} data-kept={kept}>
        {fmtInt(all.length)} preview pair{all.length === 1 ? "" : "s"} match it{all.length ? `; the balanced draw keeps ${fmtInt(kept)}` : ""} (preview: {fmtInt(ws.preview.length)} pairs sampled from the pool).
        {all.length > SHOWN && <> The first {SHOWN} are below{pairsHref ? <>; <Link href={pairsHref} className="text-sky-700 hover:underline dark:text-sky-400" data-testid="entry-detail-all-pairs">all {fmtInt(all.length)} on Pairs</Link></> : ""}.</>}
      </p>
      <PreviewGate ws={ws}><PairList db={ws.entriesDb} pairs={pairs} t={t} seed={seed} images={imageOptions(ws, remote)} context="entry" worldwide={pairLanguages(ws, t)} /></PreviewGate>
    </div>
  );
}
