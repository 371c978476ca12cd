"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { evalsQuery, parseEvalsView, type EvalsView } from "../../lib/browser/evalsView";

/**
 * The evals page's state: read from the URL, held in React state (so a checkbox flips at once, not after
 * the router's transition), and written back to the URL in place.
 */
export function useEvalsView(): [EvalsView, (patch: Partial<EvalsView>) => void] {
  const params = useSearchParams();
  const [view, setView] = useState(() => parseEvalsView(new URLSearchParams(params.toString())));
  const current = useRef(view);
  useEffect(() => {
    // back/forward or a link to /evals?… while on the page
    const fromUrl = parseEvalsView(new URLSearchParams(params.toString()));
    if (evalsQuery(fromUrl) !== evalsQuery(current.current)) { current.current = fromUrl; setView(fromUrl); }
  }, [params]);
  const update = useCallback((patch: Partial<EvalsView>) => {
    const next = { ...current.current, ...patch };
    current.current = next;
    setView(next);
    window.history.replaceState(null, "", `${window.location.pathname}${evalsQuery(next)}`);
  }, []);
  return [view, update];
}
