"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { evalsQuery, parseEvalsView, type EvalsView } from "../../lib/browser/evalsView";

/** The evals page's state from the URL, and a setter that rewrites the URL in place. */
export function useEvalsView(): [EvalsView, (patch: Partial<EvalsView>) => void] {
  const params = useSearchParams();
  const view = useMemo(() => parseEvalsView(new URLSearchParams(params.toString())), [params]);
  const update = useCallback((patch: Partial<EvalsView>) => {
    const current = parseEvalsView(new URLSearchParams(window.location.search));
    window.history.replaceState(null, "", `${window.location.pathname}${evalsQuery({ ...current, ...patch })}`);
  }, []);
  return [view, update];
}
