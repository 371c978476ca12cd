"use client";
import { useState } from "react";
import { fmtT } from "../lib/browser/format";
import type { ViewState } from "../lib/browser/viewState";
import { LOW_MATCHED_SHARE, matchedShare, matchedShareNote } from "../lib/curation/matchedShare";
import { ENGLISH } from "../lib/curation/worldwideBalance";
import { DistributionCharts } from "./charts/DistributionCharts";
import { Figures } from "./controls/Figures";
import { ThresholdControl } from "./controls/ThresholdControl";
import { UrlTNotice } from "./controls/UrlTNotice";
import { UrlLangNotice } from "./languages/UrlLangNotice";
import { NoTNotice } from "./languages/NoTNotice";
import { useExpectedSize } from "./controls/useExpectedSize";
import { JobForm } from "./jobs/JobForm";
import { BalanceTables } from "./tables/BalanceTables";
import { FilterPanel } from "./filters/FilterPanel";
import type { PanelForm } from "../lib/filters/panelChoice";
import { checkedChoice } from "./filters/checkedChoice";
import { defaultT, effectiveT } from "./effectiveView";
import { useView } from "./useView";
import { WorkspaceGate } from "./workspace/WorkspaceGate";
import { LanguageSelect, LanguageTable } from "./languages/LanguageTable";
import type { ExpectedAtT } from "./controls/useExpectedSize";

export function DistributionView() {
  const [view, update] = useView();
  return (
    <WorkspaceGate name={view.workspace}>
      {(ws) => <DistributionBody key={ws.info.label} ws={ws} urlT={view.t} urlTRejected={view.tRejected} urlLang={view} overlays={view.overlays} update={update} />}
    </WorkspaceGate>
  );
}

function DistributionBody({ ws, urlT, urlTRejected, urlLang, overlays, update }: { ws: Parameters<typeof Figures>[0]["ws"]; urlT: number | null; urlTRejected: ViewState["tRejected"];
  urlLang: Pick<ViewState, "lang" | "langRejected">; overlays: boolean; update: ReturnType<typeof useView>[1] }) {
  const [t, setT] = useState(() => effectiveT(ws, urlT));
  // a bad ?t= is said until a t is chosen here
  const [rejected, setRejected] = useState(urlTRejected);
  const [showOverlays, setShowOverlays] = useState(overlays);
  const [filterForm, setFilterForm] = useState<PanelForm | null>(null);
  const [filterProblem, setFilterProblem] = useState<string | null>(null);
  const expected = useExpectedSize(ws, t);
  // a worldwide workspace (MetaCLIP 2): t is English's; the figures, charts and tables show one language at its own t
  const worldwide = ws.info.languages !== null;
  // the link's ?lang=, else English
  const english = Math.max(0, ws.info.languages?.findIndex((l) => l.lang === ENGLISH) ?? 0);
  const fromUrl = ws.info.languages?.findIndex((l) => l.lang === urlLang.lang) ?? -1;
  const [lang, setLangIndex] = useState(() => (worldwide ? (fromUrl >= 0 ? fromUrl : english) : -1));
  const [langChosen, setLangChosen] = useState(false);
  const setLang = (i: number) => { setLangIndex(i); setLangChosen(true); update({ lang: ws.info.languages![i].lang, langRejected: null }); };
  const langT = worldwide ? (ws.worldwide?.at(t)[lang] ?? null) : t;
  const shownDist = ws.languageDist(lang);
  const shownExpected = worldwide ? languageExpected(expected, lang, ws.info.languages![lang].rowsMatched) : expected;
  const onT = (next: number) => {
    performance.mark("metacurate:t-change");
    setT(next);
    setRejected(null);
    update({ t: next, tRejected: null });
  };
  return (
    <main className="space-y-6 p-4">
      <header className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Distribution</h1>
        <p className="text-sm text-zinc-500">
          {ws.info.label}: {ws.dist.entries.toLocaleString("en-US")} entries, {ws.dist.total.toLocaleString("en-US")} matches
          {ws.info.rowsMatched !== null && ` in ${ws.info.rowsMatched.toLocaleString("en-US")} matched rows`}
          {ws.info.t !== null && ` · curated at t = ${fmtT(ws.info.t)}, seed ${ws.info.seed}`}
        </p>
        {ws.info.rowsMatched !== null && ws.info.rowsRead !== null && (
          <p className={`w-full text-xs ${matchedShare(ws.info.rowsMatched, ws.info.rowsRead) < LOW_MATCHED_SHARE ? "text-amber-700 dark:text-amber-400" : "text-zinc-500"}`} data-testid="matched-share"
            data-value={matchedShare(ws.info.rowsMatched, ws.info.rowsRead)}>{matchedShareNote(ws.info.rowsMatched, ws.info.rowsRead)}</p>
        )}
        {ws.info.metadataHash && (
          <p className="text-xs text-zinc-500" data-testid="metadata-hash" data-value={ws.info.metadataHash}>
            metadata sha256 {ws.info.metadataHash.slice(0, 16)}…{ws.info.metadataFile && ` (${ws.info.metadataFile} checked against the entries)`}
          </p>
        )}
      </header>
      <UrlTNotice rejected={rejected} shownT={t} what={defaultT(ws).what} />
      {!langChosen && <UrlLangNotice ws={ws} view={urlLang} showing={worldwide ? "English" : "the whole workspace"} />}
      {worldwide && <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="worldwide-note">
        A worldwide workspace (MetaCLIP 2): t below is English&apos;s. Every other language&apos;s t is p_to_t of its own counts at English&apos;s tail share, so moving t moves them all.
      </p>}
      {/* English without a match (a match never balanced): no tail share, so no language has a t and nothing can be balanced */}
      {ws.worldwideError ? <NoTNotice ws={ws} /> : <>
      <ThresholdControl dist={ws.tDist} noCap={ws.noCap.t} worldwide={worldwide} t={t} onT={onT} target={(size) => ws.tForTargetSize(size)} expected={expected} />
      {ws.info.server && <JobForm workspace={ws.info.server} t={t} seed={ws.info.seed ?? 0} noCap={ws.noCap}
        largestSize={ws.info.rowsMatched} filterChoice={filterChoiceOf(filterForm)} filterProblem={filterProblem} />}
      </>}
      {worldwide && <LanguageTable ws={ws} tEn={t} expected={expected} selected={lang} onSelect={setLang} />}
      {worldwide && <LanguageSelect ws={ws} selected={lang} onSelect={setLang} />}
      {langT !== null && langT >= 1 ? <>
      <Figures ws={ws} dist={shownDist} t={langT} expected={shownExpected} label={worldwide ? `${ws.info.languages![lang].lang} at t = ${langT}` : undefined} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={showOverlays} data-testid="toggle-overlays"
          onChange={(e) => { setShowOverlays(e.target.checked); update({ overlays: e.target.checked }); }} />
        overlay MetaCLIP&apos;s t = 20k, 90k, 170k (scaled by this pool&apos;s share of Pool 1&apos;s 5.6B matches)
      </label>
      <DistributionCharts dist={shownDist} t={langT} overlays={showOverlays} distKey={worldwide ? `${ws.info.label}|${ws.info.languages![lang].lang}` : ws.info.label} />
      <BalanceTables ws={ws} t={langT} dist={shownDist} range={worldwide ? ws.info.languages![lang] : null} />
      </> : <p className="text-sm text-amber-700 dark:text-amber-400" data-testid="language-no-t">
        {ws.info.languages![lang].lang} has {ws.worldwideError ? "no t: English has no match, and its tail share sets every language's t" : langT === null ? "no match, so no t" : "t = 0 at this English t: p_to_t lands on a zero count, so balancing keeps none of its pairs (MetaCLIP 2's rule); raise t"}.
      </p>}
      {ws.info.server && !ws.worldwideError && <FilterPanel ws={ws} t={t} form={filterForm} onForm={setFilterForm} onProblem={setFilterProblem} />}
    </main>
  );
}

/** The expected size of language i's rows, as the figures show it (its rows are the total they are a share of). */
function languageExpected(expected: ExpectedAtT, i: number, rowsMatched: number): ExpectedAtT {
  if (expected.status !== "ready" || !expected.byLanguage) return expected.status === "ready" ? { status: "computing", t: expected.t } : expected;
  const scale = expected.sampled ? expected.sampleRows / expected.totalRows : 1;
  return { ...expected, value: expected.byLanguage[i], totalRows: rowsMatched, sampleRows: Math.round(rowsMatched * scale) };
}

function filterChoiceOf(form: PanelForm | null) {
  if (!form) return null;
  const c = checkedChoice(form);
  return "choice" in c && c.choice.name !== "no_filter" ? c.choice : null;
}
