"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { httpError } from "../../lib/browser/http";
import { jobSeconds, jobWhat, outputHref, type ListedJob } from "../../lib/browser/jobs";
import { JobProgressBar, JobStateBadge } from "./JobState";

/** When a job started, in the viewer's time: the time of day, and the date when it is not today. */
function startedAt(iso: string): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString("en-CA")} ${time}`;
}

/** Every job of the data directory, refreshed every second. */
export function JobList() {
  const [jobs, setJobs] = useState<ListedJob[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      try {
        const res = await fetch("/api/jobs", { cache: "no-store" });
        if (!res.ok) throw await httpError(res, "jobs");
        if (!stop) { setJobs(((await res.json()) as { jobs: ListedJob[] }).jobs); setError(null); }
      } catch (e) {
        if (!stop) setError((e as Error).message);
      }
    };
    void load();
    const timer = setInterval(load, 1000);
    return () => { stop = true; clearInterval(timer); };
  }, []);
  return (
    <main className="space-y-4 p-4">
      <h1 className="text-xl font-semibold">Jobs</h1>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      {jobs === null ? <p className="text-sm text-zinc-500">Loading jobs…</p> : jobs.length === 0 ? (
        <p className="text-sm text-zinc-500">No jobs yet: start one from the Distribution page (&ldquo;Curate at this t&rdquo; or &ldquo;Re-balance at this t&rdquo;), or run <code>metacurate job submit</code>.</p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="job-table">
          <thead className="text-xs text-zinc-500"><tr><th className="py-1">job</th><th>kind</th><th>what</th><th>state</th><th>progress</th><th>started</th><th>duration</th><th>executor</th><th>output</th></tr></thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-testid="job-row" data-id={j.id} className="border-t border-zinc-200 dark:border-zinc-800">
                <td className="py-1 font-mono text-xs"><Link href={`/jobs/${j.id}`} className="text-sky-700 hover:underline dark:text-sky-400">{j.id}</Link></td>
                <td>{j.kind}</td>
                <td data-testid="job-what" className="text-xs">{jobWhat(j.spec)}</td>
                <td><JobStateBadge job={j} /></td>
                <td><JobProgressBar job={j} /></td>
                <td data-testid="job-started" className="text-xs tabular-nums" title={j.started ?? "not started"}>{j.started ? startedAt(j.started) : "–"}</td>
                <td className="tabular-nums">{jobSeconds(j).toFixed(1)} s</td>
                <td>{j.executor}</td>
                <td>{j.state === "succeeded" && outputHref(j)
                  ? <Link data-testid="job-output" href={outputHref(j)!} className="text-sky-700 hover:underline dark:text-sky-400">{j.out}</Link>
                  : j.out}{(j.kind === "train" || j.kind === "eval") && <span className="text-xs text-zinc-500"> (run)</span>}{j.kind === "filter" && <span className="text-xs text-zinc-500"> (filtered pool)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
