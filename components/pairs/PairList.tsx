"use client";
import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { useEffect } from "react";
import { emit } from "../../lib/browser/events";
import type { ImageOptions, JudgedPair } from "../../lib/browser/pairs";
import { useEntryInfo } from "../useEntryInfo";
import { PairCard, type PairLanguages } from "./PairCard";

/** A grid of judged pairs; reports "pairs:shown" once their entries are known and they are drawn. */
export function PairList({ db, pairs, t, seed, images, context, worldwide = null }: { db: Promise<AsyncDuckDBConnection>; pairs: JudgedPair[]; t: number; seed: number; images: ImageOptions; context: string;
  /** A worldwide workspace's: each entry's t and each pair's language. */
  worldwide?: PairLanguages | null }) {
  const entries = useEntryInfo(db, pairs.flatMap((p) => p.entryIds));
  useEffect(() => {
    if (entries) emit({ type: "pairs:shown", context, t, seed, uids: pairs.map((p) => p.uid), kept: pairs.map((p) => p.kept) });
  }, [entries, context, t, seed, pairs]);
  if (!entries) return <p className="text-sm text-zinc-500">loading entries…</p>;
  if (pairs.length === 0) return <p className="text-sm text-zinc-500" data-testid="no-pairs">No preview pairs match.</p>;
  return (
    <div className={`grid gap-3 ${context === "entry" ? "md:grid-cols-2" : "md:grid-cols-2 xl:grid-cols-3"}`} data-testid={`pairs-${context}`}>
      {pairs.map((p) => <PairCard key={p.uid} pair={p} entries={entries} t={t} images={images} worldwide={worldwide} />)}
    </div>
  );
}
