"use client";
import { useEffect, useState } from "react";
import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { rows } from "../lib/browser/duckdb";
import { entriesByIdSql } from "../lib/browser/sql";
import type { EntryInfo } from "./pairs/PairCard";

/** Entry text and count for a set of entry ids, from the entries table in DuckDB. */
export function useEntryInfo(db: Promise<AsyncDuckDBConnection>, ids: number[]): Map<number, EntryInfo> | null {
  const key = [...new Set(ids)].sort((a, b) => a - b).join(",");
  const [info, setInfo] = useState<{ key: string; map: Map<number, EntryInfo> } | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      const conn = await db;
      const list = key ? key.split(",").map(Number) : [];
      const r = await rows<{ entry_id: number; entry: string; count: number }>(conn, entriesByIdSql(list));
      if (live) setInfo({ key, map: new Map(r.map((e) => [e.entry_id, { entry: e.entry, count: e.count }])) });
    })().catch(() => live && setInfo({ key, map: new Map() }));
    return () => { live = false; };
  }, [db, key]);
  return info && info.key === key ? info.map : null;
}
