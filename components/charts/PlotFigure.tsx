"use client";
import { useEffect, useRef } from "react";
import { emit } from "../../lib/browser/events";

type PlotModule = typeof import("@observablehq/plot");
let plotModule: Promise<PlotModule> | null = null;
const loadPlot = () => (plotModule ??= import("@observablehq/plot"));
// fetched while the workspace loads, so the first chart does not wait for it
if (typeof window !== "undefined") void loadPlot();

/** Renders an Observable Plot spec into a div and reports "chart:drawn" with its id and key. */
export function PlotFigure({ id, drawKey, build, label }: { id: string; drawKey: string; build: (Plot: PlotModule) => SVGSVGElement | HTMLElement; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    void loadPlot().then((Plot) => {
      if (cancelled || !ref.current) return;
      ref.current.replaceChildren(build(Plot));
      performance.mark(`metacurate:chart:${id}`);
      emit({ type: "chart:drawn", id, key: drawKey });
    });
    return () => { cancelled = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drawKey]);
  return <figure ref={ref} data-testid={`chart-${id}`} aria-label={label} className="min-h-[320px] text-zinc-900 dark:text-zinc-100" />;
}
