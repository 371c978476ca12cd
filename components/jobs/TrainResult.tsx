"use client";
import { useEffect, useState } from "react";
import { httpError } from "../../lib/browser/http";
import { PlotFigure } from "../charts/PlotFigure";

interface RunView {
  name: string;
  workspace: string;
  subset: string;
  subset_size: number;
  t: number | null;
  seed: number;
  samples_seen: number;
  passes: number;
  tower: string;
  steps: number;
  stopped_early: string | null;
  samples_per_second: number;
  eval: { key: string; dataset: string; metrics: Record<string, number | null> };
  /** The more frequent half of the classes in the raw pool (absent in runs of an older version). */
  head_classes?: number[];
  classes?: { id: number; name: string; pool_rows: number | null }[];
}

/** A training job's loss as it falls (from the job's progress events: `step` counts samples seen). */
export function LossChart({ losses }: { losses: { step: number; loss: number }[] }) {
  if (losses.length === 0) return <p className="text-sm text-zinc-500" data-testid="loss-chart-empty">No loss yet.</p>;
  const last = losses[losses.length - 1];
  return (
    <div data-testid="loss-chart" data-first={losses[0].loss} data-last={last.loss} data-points={losses.length}>
      <PlotFigure id="loss" drawKey={`${losses.length}`} label={`Training loss (last: ${last.loss.toFixed(3)} after ${last.step.toLocaleString("en-US")} samples seen)`} build={(Plot, width) => Plot.plot({
        width, height: 240, marginLeft: 50, marginRight: 20,
        x: { label: "samples seen", domain: [0, last.step], labelAnchor: "center", labelArrow: "none", tickFormat: (d: number) => d.toLocaleString("en-US") },
        y: { label: "training loss (contrastive)", grid: true, nice: true },
        marks: [Plot.line(losses, { x: "step", y: "loss", stroke: "#0284c7", strokeWidth: 2 }), Plot.dot([last], { x: "step", y: "loss", fill: "#0284c7", r: 4 }),
          Plot.text([last], { x: "step", y: "loss", text: (d: { loss: number }) => d.loss.toFixed(3), dy: -10, textAnchor: "end", fontSize: 10, fill: "currentColor" })],
      })} />
    </div>
  );
}

interface ClassRow { id: number; name: string; share: number | null; head: boolean | null; acc: number | null }

/** The task's classes, head first (most pool rows), each with its share of the pool and its accuracy. */
function classRows(run: RunView): ClassRow[] {
  const m = run.eval.metrics;
  const ids = Object.keys(m).filter((k) => /^acc_class:\d+$/.test(k)).map((k) => Number(k.split(":")[1]));
  const known = new Map((run.classes ?? []).map((c) => [c.id, c]));
  const total = (run.classes ?? []).reduce((a, c) => a + (c.pool_rows ?? 0), 0);
  const head = run.head_classes ? new Set(run.head_classes) : null;
  return ids.map((id) => {
    const c = known.get(id);
    return { id, name: c?.name ?? `class ${id}`, share: c && c.pool_rows !== null && total > 0 ? c.pool_rows / total : null, head: head ? head.has(id) : null, acc: m[`acc_class:${id}`] ?? null };
  }).sort((a, b) => (b.share ?? -1) - (a.share ?? -1) || a.id - b.id);
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);

/** A finished run's zero-shot results and what it trained on. */
export function TrainResult({ run: name }: { run: string }) {
  const [run, setRun] = useState<RunView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch(`/api/runs/${encodeURIComponent(name)}`, { cache: "no-store" })
      .then(async (res) => { if (!res.ok) throw await httpError(res, "run"); setRun((await res.json()) as RunView); })
      .catch((e) => setError((e as Error).message));
  }, [name]);
  if (error) return <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>;
  if (!run) return <p className="text-sm text-zinc-500">Loading the run…</p>;
  const m = run.eval.metrics;
  const classes = classRows(run);
  return (
    <section data-testid="train-result" className="space-y-2">
      <h2 className="text-sm font-semibold">Result: {run.eval.dataset} zero-shot</h2>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <dt className="text-zinc-500">top-1</dt><dd data-testid="result-acc1" data-value={m.acc1 ?? ""} className="font-semibold tabular-nums">{pct(m.acc1)}</dd>
        <dt className="text-zinc-500">mean per-class recall</dt><dd className="tabular-nums">{pct(m.mean_per_class_recall)}</dd>
        <dt className="text-zinc-500">head classes</dt><dd className="tabular-nums">{pct(m.acc_head)}</dd>
        <dt className="text-zinc-500">tail classes</dt><dd className="tabular-nums">{pct(m.acc_tail)}</dd>
        <dt className="text-zinc-500">class-level image→text R@1</dt><dd className="tabular-nums">{pct(m["image_text_class_recall@1"])}</dd>
      </dl>
      <p className="text-sm text-zinc-500">
        {run.tower} on {run.subset_size.toLocaleString("en-US")} {run.subset} pairs of {run.workspace}{run.t !== null ? ` (t = ${run.t})` : ""}, seed {run.seed}:
        {" "}{run.samples_seen.toLocaleString("en-US")} samples seen = {run.passes.toFixed(2)} passes over the subset, {run.steps} steps, {run.samples_per_second.toLocaleString("en-US")} samples/s{run.stopped_early ? `, stopped early at ${run.stopped_early}` : ""}.
      </p>
      <table className="text-xs tabular-nums [&_td]:px-2 [&_th]:px-2" data-testid="class-table">
        <caption className="text-left text-zinc-500">Per class, head → tail (by share of the raw pool{classes.some((c) => c.share === null) ? "; this run did not record the pool's classes" : ""})</caption>
        <thead className="text-zinc-500"><tr><th className="text-left">class</th><th className="text-right">share of pool</th><th className="text-left">half</th><th className="text-right">top-1</th><th className="w-40"><span className="sr-only">top-1 bar</span></th></tr></thead>
        <tbody>
          {classes.map((c) => (
            <tr key={c.id} data-testid="class-row" data-name={c.name} data-share={c.share ?? ""} data-acc={c.acc ?? ""}>
              <td>{c.name}</td>
              <td className="text-right">{c.share === null ? "–" : pct(c.share)}</td>
              <td className="text-zinc-500">{c.head === null ? "–" : c.head ? "head" : "tail"}</td>
              <td className="text-right">{pct(c.acc)}</td>
              <td><div className="h-2 rounded bg-zinc-200 dark:bg-zinc-800"><div className={`h-2 rounded ${c.head ? "bg-sky-600" : "bg-amber-500"}`} style={{ width: `${Math.round(100 * (c.acc ?? 0))}%` }} /></div></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
