import { jobFraction, type JobRecord } from "../../lib/browser/jobs";

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

/** A job's progress: a bar over its tasks (a one-task job: its current step), and the last step seen. */
export function JobProgressBar({ job }: { job: JobRecord }) {
  const p = job.progress;
  const frac = job.tasks.length > 1 || job.state !== "running" ? jobFraction(job) : p && p.total ? Math.min(1, p.done / p.total) : 0;
  const tasks = job.tasks.length > 1 ? `${job.tasks.filter((t) => t.state === "succeeded").length}/${job.tasks.length} tasks · ` : "";
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-32 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="h-full bg-sky-600" style={{ width: `${frac * 100}%` }} />
      </div>
      <span className="text-xs text-zinc-500">{tasks}{p && (job.state === "cancelled" || job.state === "failed") ? "stopped at " : ""}{p ? `${job.tasks.length > 1 ? `${p.task} ` : ""}${p.step.replaceAll("_", " ")}${p.total ? ` ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")}` : ""}${typeof p.loss === "number" ? ` · loss ${p.loss.toFixed(3)}` : ""}${typeof p.eta === "number" && job.state === "running" ? ` · ETA ${Math.round(p.eta)} s` : ""}` : ""}</span>
    </div>
  );
}

/** One task's step and a small bar, when it is running with a known total. */
export function TaskProgress({ task }: { task: JobRecord["tasks"][number] }) {
  const p = task.progress;
  if (task.state !== "running" || !p) return null;
  const frac = p.total ? Math.min(1, p.done / p.total) : 0;
  return (
    <span className="ml-2 inline-flex items-center gap-1 text-xs text-zinc-500">
      <span className="inline-block h-1.5 w-16 overflow-hidden rounded bg-zinc-200 align-middle dark:bg-zinc-800"><span className="block h-full bg-sky-600" style={{ width: `${frac * 100}%` }} /></span>
      {p.step.replaceAll("_", " ")}{p.total ? ` ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")}` : ""}
    </span>
  );
}
