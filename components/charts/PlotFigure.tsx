"use client";
import { useEffect, useRef, useState } from "react";
import { emit } from "../../lib/browser/events";

type PlotModule = typeof import("@observablehq/plot");
let plotModule: Promise<PlotModule> | null = null;
const loadPlot = () => (plotModule ??= import("@observablehq/plot"));
// fetched while the workspace loads, so the first chart does not wait for it
if (typeof window !== "undefined") void loadPlot();

/** Widths are rounded to this step, so a resize redraws only when it changes the chart. */
const WIDTH_STEP = 40;

/**
 * Renders an Observable Plot spec into a div and reports "chart:drawn" with its id and key. `build`
 * gets the figure's width (its panel's, to WIDTH_STEP px), so a chart fills its panel and follows it.
 */
export function PlotFigure({ id, drawKey, build, label }: { id: string; drawKey: string; build: (Plot: PlotModule, width: number) => SVGSVGElement | HTMLElement; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(280, Math.floor(el.clientWidth / WIDTH_STEP) * WIDTH_STEP));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (width === 0) return;
    let cancelled = false;
    void loadPlot().then((Plot) => {
      if (cancelled || !ref.current) return;
      ref.current.replaceChildren(build(Plot, width));
      performance.mark(`metacurate:chart:${id}`);
      emit({ type: "chart:drawn", id, key: drawKey, width });
    });
    return () => { cancelled = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drawKey, width]);
  return <figure ref={ref} data-testid={`chart-${id}`} aria-label={label} className="min-h-[320px] w-full min-w-0 text-zinc-900 dark:text-zinc-100" />;
}

/**
 * A y axis label in the top margin, above the top tick (Plot puts it level with the top tick, where a
 * tick such as "1k" lies under it): give the plot marginTop ≥ 30 and `y: { label: null }`.
 */
export function yLabelAbove(Plot: PlotModule, text: string, marginLeft: number) {
  return Plot.text([`↑ ${text}`], { frameAnchor: "top-left", textAnchor: "start", dx: -marginLeft + 4, dy: -22, fill: "currentColor" });
}
