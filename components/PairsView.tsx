"use client";
import { useMemo, useState } from "react";
import { fmtInt } from "../lib/browser/format";
import { filterPairs } from "../lib/browser/pairs";
import type { LoadedWorkspace } from "../lib/browser/workspace";
import type { ViewState } from "../lib/browser/viewState";
import { PairList } from "./pairs/PairList";
import { PreviewGate } from "./pairs/PreviewGate";
import { useWorkspaceVersion } from "./useWorkspace";
import { effectiveSeed, effectiveT, imageOptions } from "./effectiveView";
import { useView } from "./useView";
import { WorkspaceGate } from "./workspace/WorkspaceGate";

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
  const [page, setPage] = useState(view.page);
  const [remote, setRemote] = useState(view.remote);
  const version = useWorkspaceVersion(ws);
  const filtered = useMemo(() => filterPairs(ws.preview, ws.countsById, t, seed, { keep, entry, text }), [ws, version, t, seed, keep, entry, text]);
  const pages = Math.max(1, Math.ceil(filtered.length / PER_PAGE));
  const current = Math.min(page, pages - 1);
  const shown = useMemo(() => filtered.slice(current * PER_PAGE, (current + 1) * PER_PAGE), [filtered, current]);
  const set = (patch: Partial<ViewState>) => update({ ...patch });
  const input = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";
  return (
    <main className="space-y-4 p-4">
      <header className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Pairs</h1>
        <p className="text-sm text-zinc-500" data-testid="pairs-summary">
          {fmtInt(filtered.length)} of {fmtInt(ws.preview.length)} preview pairs · t = {fmtInt(t)} · seed {seed} (the engine&apos;s draw: kept iff murmur3 draw &lt; P(keep))
          {!!ws.imageShards && <span data-testid="shard-note"> · images from {fmtInt(ws.imageShards)} in the workspace&apos;s webdataset tar shards</span>}
        </p>
      </header>
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col">show
          <select data-testid="filter-keep" value={keep} className={input} onChange={(e) => { const k = e.target.value as ViewState["keep"]; setKeep(k); setPage(0); set({ keep: k, page: 0 }); }}>
            <option value="all">all</option><option value="kept">kept at t</option><option value="dropped">dropped at t</option>
          </select>
        </label>
        <label className="flex flex-col">caption contains
          <input data-testid="filter-text" value={text} className={input} onChange={(e) => { setText(e.target.value); setPage(0); set({ text: e.target.value, page: 0 }); }} />
        </label>
        <label className="flex flex-col">entry id
          <input data-testid="filter-entry" inputMode="numeric" value={entry ?? ""} className={`${input} w-28`}
            onChange={(e) => { const v = e.target.value.trim(); const id = /^\d+$/.test(v) ? Number(v) : null; setEntry(id); setPage(0); set({ entry: id, page: 0 }); }} />
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={remote} data-testid="toggle-remote" onChange={(e) => { setRemote(e.target.checked); set({ remote: e.target.checked }); }} />
          load images from the pool&apos;s http(s) URLs (off: only the workspace&apos;s own images)
        </label>
      </div>
      <nav className="flex items-center gap-2 text-sm" aria-label="pages">
        <button type="button" data-testid="page-prev" disabled={current === 0} onClick={() => { setPage(current - 1); set({ page: current - 1 }); }} className="rounded border px-2 py-1 disabled:opacity-40">← prev</button>
        <span data-testid="page-label">page {current + 1} of {pages}</span>
        <button type="button" data-testid="page-next" disabled={current >= pages - 1} onClick={() => { setPage(current + 1); set({ page: current + 1 }); }} className="rounded border px-2 py-1 disabled:opacity-40">next →</button>
      </nav>
      <PreviewGate ws={ws}><PairList db={ws.entriesDb} pairs={shown} t={t} seed={seed} images={imageOptions(ws, remote)} context="grid" /></PreviewGate>
    </main>
  );
}
