"use client";
import { useRef, useState } from "react";
import { runsFromFiles } from "../../lib/browser/evalRuns";
import type { EvalRun } from "../../lib/evals/run";

/** Drop (or pick) eval_results.jsonl files, with their run.json, to add runs to the page; bad lines are named. */
export function RunsDrop({ onRuns }: { onRuns: (runs: EvalRun[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [messages, setMessages] = useState<string[]>([]);
  const [over, setOver] = useState(false);
  const take = async (files: File[]) => {
    const { runs, errors } = await runsFromFiles(files);
    const problems = runs.flatMap((r) => r.problems.map((p) => `${r.id}: ${p.file}${p.line !== null ? ` line ${p.line}` : ""}: ${p.message}`));
    const empty = runs.filter((r) => r.results.length === 0).map((r) => `${r.id}: no task could be read`);
    setMessages([...errors, ...problems, ...empty]);
    const good = runs.filter((r) => r.results.length > 0);
    if (good.length) onRuns(good);
  };
  return (
    <div onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); void take([...e.dataTransfer.files]); }}
      className={`rounded border border-dashed p-3 text-sm ${over ? "border-sky-500 bg-sky-50 dark:bg-sky-950" : "border-zinc-300 dark:border-zinc-700"}`} data-testid="runs-drop">
      <p>
        Drop <code>eval_results.jsonl</code> files here (a <code>run.json</code> beside one describes its curation), or{" "}
        <button type="button" onClick={() => input.current?.click()} className="text-sky-700 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-400">pick files</button>.
        They stay in this tab; <code>metacurate evals import DIR</code> adds runs to the server for good.
      </p>
      <input ref={input} type="file" multiple accept=".jsonl,.json" className="hidden" data-testid="runs-file" onChange={(e) => { void take([...(e.target.files ?? [])]); e.target.value = ""; }} />
      {messages.length > 0 && (
        <ul role="alert" className="mt-2 list-disc pl-5 text-xs text-amber-800 dark:text-amber-300" data-testid="drop-problems">
          {messages.slice(0, 20).map((m) => <li key={m}>{m}</li>)}
          {messages.length > 20 && <li>… and {messages.length - 20} more</li>}
        </ul>
      )}
    </div>
  );
}
