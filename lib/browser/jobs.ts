/** The dashboard's side of the job API: submit, cancel (JSON, as the server's request guard requires). */
import type { JobRecord } from "../jobs/types";
import { httpError } from "./http";

export type { JobRecord };

export async function submitJob(spec: Record<string, unknown>): Promise<string> {
  const res = await fetch("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(spec) });
  if (res.status !== 202) throw await httpError(res, "job");
  return ((await res.json()) as { id: string }).id;
}

export async function cancelJob(id: string): Promise<JobRecord> {
  const res = await fetch(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  if (!res.ok) throw await httpError(res, "job");
  return (await res.json()) as JobRecord;
}

export const isFinished = (j: JobRecord) => j.state === "succeeded" || j.state === "failed" || j.state === "cancelled";

/** Seconds from start (or creation) to end (or now), for display. */
export function jobSeconds(j: JobRecord, now = Date.now()): number {
  const from = Date.parse(j.started ?? j.created);
  const to = j.finished ? Date.parse(j.finished) : now;
  return Math.max(0, (to - from) / 1000);
}

/** How far a job is: finished tasks count whole, a running task by its progress line (0 when it has none). */
export function jobFraction(j: JobRecord): number {
  if (j.state === "succeeded") return 1;
  if (j.tasks.length === 0) return 0;
  let done = 0;
  for (const t of j.tasks) {
    if (t.state === "succeeded") done += 1;
    else if (t.state === "running" && t.progress && t.progress.total) done += Math.min(1, t.progress.done / t.progress.total);
  }
  return done / j.tasks.length;
}
