import type { JobRecord } from "../../lib/browser/jobs";

const COLOURS: Record<JobRecord["state"], string> = {
  queued: "bg-zinc-200 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  running: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  succeeded: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  failed: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  cancelled: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
};

export function JobStateBadge({ job }: { job: JobRecord }) {
  return <span data-testid="job-state" data-value={job.state} className={`rounded px-2 py-0.5 text-xs font-medium ${COLOURS[job.state]}`}>{job.state}</span>;
}

/** The current step's progress: a bar when its total is known. */
export function JobProgressBar({ job }: { job: JobRecord }) {
  const p = job.progress;
  const frac = job.state === "succeeded" ? 1 : p && p.total ? Math.min(1, p.done / p.total) : 0;
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-32 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="h-full bg-sky-600" style={{ width: `${frac * 100}%` }} />
      </div>
      <span className="text-xs text-zinc-500">{p ? `${p.step.replaceAll("_", " ")}${p.total ? ` ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")}` : ""}` : ""}</span>
    </div>
  );
}
