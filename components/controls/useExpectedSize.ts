"use client";
import { useEffect, useState } from "react";
import { emit } from "../../lib/browser/events";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import { useWorkspaceVersion } from "../useWorkspace";

/** The expected curated size at t, as far as it is known: one worker call per t, shared by the figures and the target box. */
export type ExpectedAtT =
  | { status: "none" }
  | { status: "error"; message: string }
  | { status: "computing"; t: number }
  | { status: "ready"; t: number; value: number; ms: number; sampled: boolean; sampleRows: number; totalRows: number; byLanguage?: number[] };

export function useExpectedSize(ws: LoadedWorkspace, t: number): ExpectedAtT {
  useWorkspaceVersion(ws);
  const m = ws.matches;
  const [got, setGot] = useState<{ t: number; value: number; ms: number; byLanguage?: number[] } | { t: number; error: string } | null>(null);
  useEffect(() => {
    if (m.state !== "ready") return;
    let live = true;
    ws.expectedSize(t).then((r) => {
      if (!live) return;
      setGot({ t, value: r.value, ms: r.ms, byLanguage: r.byLanguage });
      performance.mark("metacurate:expected-size");
      emit({ type: "expected-size", t, value: r.value, ms: r.ms });
    }, (e: Error) => live && setGot({ t, error: e.message }));
    return () => { live = false; };
  }, [ws, t, m.state]);
  if (m.state === "none") return { status: "none" };
  if (m.state === "error") return { status: "error", message: m.message };
  if (m.state === "loading" || !got || got.t !== t) return { status: "computing", t };
  if ("error" in got) return { status: "error", message: got.error };
  const scale = m.sampled ? m.totalRows / m.sampleRows : 1;
  return { status: "ready", t, value: got.value * scale, ms: got.ms, sampled: m.sampled, sampleRows: m.sampleRows, totalRows: m.totalRows,
    ...(got.byLanguage ? { byLanguage: got.byLanguage.map((v) => v * scale) } : {}) };
}
