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
}

/** A training job's loss as it falls (from the job's progress events). */
export function LossChart({ losses }: { losses: { step: number; loss: number }[] }) {
  if (losses.length === 0) return <p className="text-sm text-zinc-500" data-testid="loss-chart-empty">No loss yet.</p>;
  const last = losses[losses.length - 1];
  return (
    <div data-testid="loss-chart" data-first={losses[0].loss} data-last={last.loss} data-points={losses.length}>
      <PlotFigure id="loss" drawKey={`${losses.length}`} label={`Training loss (last: ${last.loss.toFixed(3)} at step ${last.step})`} build={(Plot) => Plot.plot({
        width: 560, height: 220, marginLeft: 50, x: { label: "step" }, y: { label: "loss", grid: true },
        marks: [Plot.line(losses, { x: "step", y: "loss", stroke: "#0284c7" }), Plot.dot([last], { x: "step", y: "loss", fill: "#0284c7" })],
      })} />
    </div>
  );
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
  const classes = Object.keys(m).filter((k) => k.startsWith("acc_class:")).sort((a, b) => Number(a.split(":")[1]) - Number(b.split(":")[1]));
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
      <p className="text-xs text-zinc-500">per class: {classes.map((k) => `${k.split(":")[1]} ${pct(m[k])}`).join(" · ")}</p>
    </section>
  );
}
