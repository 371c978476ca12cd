"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { httpError } from "../../lib/browser/http";
import { outputNameStatus, submitJob } from "../../lib/browser/jobs";
import type { FilterChoice } from "../../lib/filters/params";
import { choiceFlags, choiceSlug } from "../../lib/filters/panelChoice";
import type { CurateInputs } from "../../lib/jobs/sources";
import { nameBlocksSubmit, OutputNameNotice, type NameCheck } from "../jobs/OutputNameNotice";
import { useTakenNames } from "../jobs/useTakenNames";

/**
 * "Filter…": the panel's filter as a filter job over the workspace's pool (the files its filter
 * columns were read from), into a folder of the data directory: subset.npy, filtered.parquet and the
 * rows each condition removes — the numbers the panel shows.
 */
export function FilterJobButton({ workspace, choice }: { workspace: string; choice: FilterChoice }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [out, setOut] = useState("");
  const [executor, setExecutor] = useState<"local" | "slurm">("local");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [taken, reloadTaken] = useTakenNames(open);
  const [replaceName, setReplaceName] = useState<string | null>(null);
  const name = out || `${workspace}-${choiceSlug(choice)}`;
  const nameCheck: NameCheck = taken.status === "ready" ? outputNameStatus(name, "workspace", taken.taken) : taken;
  const replace = nameCheck.status === "taken" && replaceName === name;
  const blocked = nameBlocksSubmit(nameCheck, replace, name);
  if (!open) return <button type="button" data-testid="open-filter-job" onClick={() => setOpen(true)} className="rounded border border-amber-600 px-3 py-1 text-sm text-amber-800 hover:bg-amber-50 dark:text-amber-300 dark:hover:bg-amber-950">Filter…</button>;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/workspaces/${encodeURIComponent(workspace)}/sources`, { cache: "no-store" });
      if (!res.ok) throw await httpError(res, "workspace");
      const src = (await res.json()) as CurateInputs;
      const { pool, ...sizes } = src.filter ?? { pool: src.pool };
      const columns = { ...(src["text-col"] ? { "text-col": src["text-col"] } : {}), ...(src["url-col"] ? { "url-col": src["url-col"] } : {}), ...(src["uid-col"] ? { "uid-col": src["uid-col"] } : {}) };
      const id = await submitJob({ kind: "filter", pool, out: name, ...choiceFlags(choice), ...(choice.name === "basic_filter" ? sizes : {}), ...columns, executor, ...(replace ? { replace: true } : {}) });
      router.push(`/jobs/${id}`);
    } catch (e) {
      setError((e as Error).message.replace(/^UsageError: /, ""));
      setBusy(false);
      reloadTaken();
    }
  };
  const field = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";
  return (
    <form data-testid="filter-job-form" className="flex w-full flex-wrap items-end gap-3 rounded border border-amber-200 p-2 dark:border-amber-900" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <span className="w-full text-sm">A filter job: <code>metacurate filter {Object.entries(choiceFlags(choice)).map(([k, v]) => `--${k} ${v}`).join(" ")}</code> over {workspace}&apos;s pool</span>
      <label className="flex flex-col">runs on
        <select data-testid="filter-job-executor" value={executor} onChange={(e) => setExecutor(e.target.value as "local" | "slurm")} className={field}>
          <option value="local">this machine</option><option value="slurm">Slurm</option>
        </select>
      </label>
      <label className="flex flex-col">into folder
        <input data-testid="filter-job-out" value={out} placeholder={name} onChange={(e) => setOut(e.target.value)} className={`w-64 ${field}`} />
      </label>
      <button type="submit" disabled={busy || blocked !== null} data-testid="filter-job-submit" title={blocked ?? undefined} className="rounded bg-amber-700 px-3 py-1 text-white hover:bg-amber-800 disabled:opacity-50">Start filter job</button>
      <button type="button" onClick={() => setOpen(false)} className="rounded px-3 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-900">Close</button>
      {blocked && <span className="text-xs text-zinc-500">{blocked}</span>}
      {error && <p role="alert" data-testid="filter-job-error" className="w-full text-red-700 dark:text-red-400">{error}</p>}
      <OutputNameNotice name={name} writes="workspace" check={nameCheck} replace={replace} onReplace={(yes) => setReplaceName(yes ? name : null)} />
    </form>
  );
}
