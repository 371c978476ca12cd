"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { httpError } from "../../lib/browser/http";
import { cancelJob, isFinished, jobSeconds, type JobRecord } from "../../lib/browser/jobs";
import { JobProgressBar, JobStateBadge, TaskProgress } from "./JobState";
import { LossChart, TrainResult } from "./TrainResult";

interface JobView extends JobRecord { spec: Record<string, unknown>; log: string; scripts: Record<string, string>; losses: { step: number; loss: number }[] }

/**
 * One job: its spec, tasks with their progress (live, from the job's event stream), the scripts it
 * generated (Slurm), log tail and cancel. With `openWhenDone` (a job just started from a form), its
 * workspace opens when it succeeds.
 */
export function JobDetail({ id, openWhenDone = false }: { id: string; openWhenDone?: boolean }) {
  const router = useRouter();
  const [job, setJob] = useState<JobView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      try {
        const res = await fetch(`/api/jobs/${encodeURIComponent(id)}?log=1`, { cache: "no-store" });
        if (!res.ok) throw await httpError(res, "job");
        if (!stop) setJob((await res.json()) as JobView);
      } catch (e) {
        if (!stop) setError((e as Error).message);
      }
    };
    void load();
    // every event of the job refreshes the view; the stream ends with the job
    const events = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
    events.onmessage = () => void load();
    events.addEventListener("end", () => { events.close(); void load(); });
    events.onerror = () => events.close();
    return () => { stop = true; events.close(); };
  }, [id]);
  // a curation opens its workspace when it is done; a training run shows its results here
  const succeededOut = job?.state === "succeeded" && job.kind !== "train" && job.kind !== "filter" ? job.out : null;
  useEffect(() => {
    if (openWhenDone && succeededOut) router.push(`/distribution?workspace=${encodeURIComponent(succeededOut)}`);
  }, [openWhenDone, succeededOut, router]);
  if (error) return <main className="p-4"><p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p></main>;
  if (!job) return <main className="p-4"><p className="text-sm text-zinc-500">Loading job {id}…</p></main>;
  return (
    <main className="space-y-4 p-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Job <span className="font-mono text-base">{job.id}</span></h1>
        <JobStateBadge job={job} />
        <span className="text-sm text-zinc-500">{job.kind} · {job.executor} · {jobSeconds(job).toFixed(1)} s</span>
        {!isFinished(job) && (
          <button type="button" data-testid="cancel-job" onClick={() => void cancelJob(job.id).then(() => setError(null), (e) => setError((e as Error).message))}
            className="rounded border border-red-300 px-3 py-1 text-sm text-red-800 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950">Cancel</button>
        )}
        {job.state === "succeeded" && job.kind !== "train" && job.kind !== "filter" && (
          <Link data-testid="open-workspace" href={`/distribution?workspace=${encodeURIComponent(job.out)}`} className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-800">Open {job.out}</Link>
        )}
      </header>
      {job.error && job.state !== "cancelled" && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{job.error}</p>}
      <JobProgressBar job={job} />
      {job.kind === "train" && (
        <div className="grid items-start gap-6 lg:grid-cols-2">
          <section className="min-w-0 space-y-1">
            <h2 className="text-sm font-semibold">Training loss</h2>
            <LossChart losses={job.losses ?? []} />
          </section>
          {job.state === "succeeded" && (job.tasks.some((t) => t.name === "record")
            ? <p className="text-sm" data-testid="cluster-result">Trained on the cluster and evaluated on DataComp&apos;s tasks: <Link href={`/evals?sel=${encodeURIComponent(job.out)}`} className="text-sky-700 hover:underline dark:text-sky-400">its results on /evals</Link> (the scripts it ran are in the job&apos;s cluster/ folder).</p>
            : <TrainResult run={job.out} />)}
        </div>
      )}
      <section>
        <h2 className="mb-1 text-sm font-semibold">Tasks</h2>
        <ul className="text-sm">
          {job.tasks.map((t) => (
            <li key={t.name} data-testid="job-task" data-state={t.state}>{t.name}: {t.state}{t.attempts > 1 ? ` (${t.attempts} attempts)` : ""}{t.slurmId ? ` · Slurm ${t.slurmId}` : ""}{t.error ? ` — ${t.error}` : ""}
              <TaskProgress task={t} />
              <code className="ml-2 text-xs text-zinc-500">metacurate {t.argv.join(" ")}</code></li>
          ))}
        </ul>
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">Spec</h2>
        <pre className="overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{JSON.stringify(job.spec, null, 2)}</pre>
      </section>
      {Object.keys(job.scripts ?? {}).length > 0 && (
        <section>
          <h2 className="mb-1 text-sm font-semibold">Scripts (in the job&apos;s folder: read them, rerun them with sbatch)</h2>
          {Object.entries(job.scripts).map(([name, text]) => (
            <details key={name} data-testid="job-script" className="mb-1">
              <summary className="cursor-pointer font-mono text-xs">{name}</summary>
              <pre className="overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{text}</pre>
            </details>
          ))}
        </section>
      )}
      <section>
        <h2 className="mb-1 text-sm font-semibold">Log</h2>
        <pre data-testid="job-log" className="max-h-80 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{job.log || "(nothing yet)"}</pre>
      </section>
    </main>
  );
}
