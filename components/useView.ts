"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseView, viewQuery, type ViewState } from "../lib/browser/viewState";

/** The view state from the URL, and a setter that rewrites the URL in place (no navigation, no scroll). */
export function useView(): [ViewState, (patch: Partial<ViewState>) => void] {
  const params = useSearchParams();
  const view = useMemo(() => parseView(new URLSearchParams(params.toString())), [params]);
  const update = useCallback((patch: Partial<ViewState>) => {
    const current = parseView(new URLSearchParams(window.location.search));
    window.history.replaceState(null, "", `${window.location.pathname}${viewQuery({ ...current, ...patch })}`);
  }, []);
  return [view, update];
}
