"use client";
import { useEffect, useRef, useState } from "react";
import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { rows } from "../../lib/browser/duckdb";
import { emit } from "../../lib/browser/events";
import { fmtInt } from "../../lib/browser/format";
import { entriesByIdSql, entryOrderSql, entryPageSql, type EntryQuery } from "../../lib/browser/sql";
import { entryProbability } from "../../lib/curation/threshold";

/** p_e at the entry's t (0: its language keeps none). */
const pE = (count: number, t: number) => (t === 0 ? 0 : entryProbability(count, t));

export interface EntryRow { entry_id: number; entry: string; count: number; source: string | null }

const ROW = 30, PAGE = 200, HEIGHT = 560;
/** Windows from here on come from the full order (a top-N with a small OFFSET is cheaper below it). */
const DEEP_PAGE = 10;

/** All entries, filtered and sorted in DuckDB, drawn as a virtual list (only the visible rows exist). */
export function EntriesTable({ db, query, t, selected, onSelect, hasSource, entryT = null, langOf = null }: { db: Promise<AsyncDuckDBConnection>; query: EntryQuery; t: number; selected: number | null; onSelect: (id: number) => void; hasSource: boolean;
  /** A worldwide workspace's language of an entry (the last column shows it: one text may be an entry of several languages). */
  langOf?: ((id: number) => string) | null;
  /** A worldwide workspace's t per entry (its language's). */
  entryT?: ArrayLike<number> | null }) {
  const qkey = `${query.search}|${query.sort}|${query.desc}|${query.range ? `${query.range.offset}+${query.range.entries}` : ""}`;
  const [total, setTotal] = useState<{ key: string; n: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pages, setPages] = useState<Map<number, EntryRow[]>>(new Map());
  const [scrollTop, setScrollTop] = useState(0);
  const loading = useRef(new Set<string>());
  // the full display order of the current query, fetched on the first deep scroll: from then on any
  // window is a lookup by id instead of a sort with a large OFFSET
  const order = useRef<{ key: string; ids: Promise<Int32Array> } | null>(null);
  const orderOf = (conn: AsyncDuckDBConnection) => {
    if (order.current?.key !== qkey) {
      const t1 = performance.now(), search = query.search;
      const ids = conn.query(entryOrderSql(query)).then((tb) => tb.getChild("entry_id")!.toArray() as Int32Array);
      void ids.then((a) => emit({ type: "entries:order", search, rows: a.length, ms: performance.now() - t1 }), () => {});
      order.current = { key: qkey, ids };
    }
    return order.current.ids;
  };
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    const t0 = performance.now();
    setPages(new Map());
    loading.current.clear();
    box.current?.scrollTo({ top: 0 });
    setScrollTop(0);
    void (async () => {
      const conn = await db;
      const first = await rows<EntryRow & { total: number }>(conn, entryPageSql(query, 0, PAGE));
      const n = first[0]?.total ?? 0;
      if (!live) return;
      setTotal({ key: qkey, n });
      setPages(new Map([[0, first]]));
      performance.mark("metacurate:entries-filtered");
      emit({ type: "entries:loaded", search: query.search, sort: query.sort, desc: query.desc, total: n, ms: performance.now() - t0 });
    })().catch((e: Error) => live && setError(e.message));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qkey]);

  const firstRow = Math.max(0, Math.floor(scrollTop / ROW) - 10);
  const lastRow = Math.min(total?.n ?? 0, Math.ceil((scrollTop + HEIGHT) / ROW) + 10);
  useEffect(() => {
    for (let p = Math.floor(firstRow / PAGE); p * PAGE < lastRow; p++) {
      const k = `${qkey}:${p}`;
      if (pages.has(p) || loading.current.has(k)) continue;
      loading.current.add(k);
      const t0 = performance.now();
      void (async () => {
        const conn = await db;
        let r: EntryRow[];
        if (p >= DEEP_PAGE) {
          const ids = Array.from((await orderOf(conn)).subarray(p * PAGE, (p + 1) * PAGE));
          const byId = new Map((await rows<EntryRow>(conn, entriesByIdSql(ids))).map((e) => [e.entry_id, e]));
          r = ids.map((id) => byId.get(id)!);
        } else r = await rows<EntryRow>(conn, entryPageSql(query, p * PAGE, PAGE));
        setPages((old) => (loading.current.has(k) ? new Map(old).set(p, r) : old));
        emit({ type: "entries:page", search: query.search, page: p, ms: performance.now() - t0 });
      })().catch((e: Error) => setError(e.message));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [firstRow, lastRow, qkey, pages]);

  const visible: { i: number; row: EntryRow | undefined }[] = [];
  for (let i = firstRow; i < lastRow; i++) visible.push({ i, row: pages.get(Math.floor(i / PAGE))?.[i % PAGE] });
  if (error) return <p role="alert" className="text-sm text-red-700 dark:text-red-400">The entries table needs DuckDB: {error}</p>;
  return (
    <div>
      <p className="mb-1 text-xs text-zinc-500 [overflow-wrap:anywhere]" data-testid="entries-total" data-loading={total?.key === qkey ? undefined : "true"}>
        {total === null ? <span role="status">Loading the entries (DuckDB is starting)…</span>
          : total.key !== qkey ? <span role="status">Searching {fmtInt(total.n)}… </span>
          : `${fmtInt(total.n)} ${total.n === 1 ? "entry" : "entries"}${query.search ? ` contain “${query.search}”` : ""}`}
      </p>
      <div className="grid grid-cols-[5rem_1fr_7rem_6rem_7rem] border-b border-zinc-200 px-2 text-xs font-medium dark:border-zinc-800">
        <span>id</span><span>entry</span><span className="text-right">count</span><span className="text-right">p_e at t</span><span className="pl-3">{langOf ? "language" : hasSource ? "source" : ""}</span>
      </div>
      <div ref={box} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} style={{ height: HEIGHT }} className="overflow-y-auto" data-testid="entries-scroll" role="listbox" aria-label="entries">
        {total?.key === qkey && total.n === 0 && (
          <p className="p-3 text-sm text-zinc-500 [overflow-wrap:anywhere]" data-testid="entries-empty">
            {query.search ? <>No entry contains “{query.search}” (the search is a literal substring, case-insensitive). Matching itself is case-sensitive.</> : "This workspace has no entries."}
          </p>
        )}
        <div style={{ height: (total?.n ?? 0) * ROW, position: "relative" }}>
          {visible.map(({ i, row }) => (
            <button type="button" key={i} role="option" aria-selected={row?.entry_id === selected} disabled={!row}
              data-testid="entry-row" data-row={i} data-entry-id={row?.entry_id}
              onClick={() => row && onSelect(row.entry_id)}
              style={{ position: "absolute", top: i * ROW, height: ROW, left: 0, right: 0 }}
              className={`grid grid-cols-[5rem_1fr_7rem_6rem_7rem] items-center px-2 text-left text-sm tabular-nums focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${row?.entry_id === selected ? "bg-sky-100 font-medium text-sky-950 dark:bg-sky-700 dark:text-white" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`}>
              {row ? (<>
                <span className={row.entry_id === selected ? "" : "text-zinc-500"}>{row.entry_id}</span>
                <span className="truncate" data-testid="entry-name" dir="auto">{row.entry}</span>
                <span className="text-right">{fmtInt(row.count)}</span>
                <span className="text-right">{pE(row.count, entryT ? entryT[row.entry_id] : t).toPrecision(3)}</span>
                <span className={`truncate pl-3 text-xs ${row.entry_id === selected ? "" : "text-zinc-500"}`} data-testid={langOf ? "entry-lang" : undefined}>{langOf ? langOf(row.entry_id) : row.source ?? ""}</span>
              </>) : <span className="col-span-5 text-xs text-zinc-400">loading…</span>}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
