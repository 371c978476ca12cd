"use client";
import { useCallback, useEffect, useState } from "react";
import { fetchTakenNames, type TakenNames } from "../../lib/browser/jobs";

export type TakenNamesState =
  | { status: "loading" }
  | { status: "ready"; taken: TakenNames }
  | { status: "error"; message: string };

/** The output names taken in the data directory, loaded each time the form opens (`active`); `reload` after the server refused one (a race). */
export function useTakenNames(active: boolean): [TakenNamesState, () => void] {
  const [state, setState] = useState<TakenNamesState>({ status: "loading" });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!active) return;
    let live = true;
    fetchTakenNames().then(
      (taken) => { if (live) setState({ status: "ready", taken }); },
      (e: Error) => { if (live) setState({ status: "error", message: e.message }); },
    );
    return () => { live = false; };
  }, [active, round]);
  return [state, useCallback(() => setRound((n) => n + 1), [])];
}
