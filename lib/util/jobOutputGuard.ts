/**
 * A job's output, guarded while the job waits and runs: a job submitted without "replace" refuses,
 * when its task opens the output, a workspace or run that appeared there after it was submitted (a
 * person's own command, say). Only what the job itself committed there (recorded in
 * `.metacurate-job`: the job and the generation it made current) may be written again, by a rerun of
 * its task. The job runner names the output in METACURATE_JOB_OUT, the job in METACURATE_JOB_ID, and
 * METACURATE_JOB_REPLACE=1 when the spec allows replacing.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { OutputError } from "../errors";

export const JOB_MARKER = ".metacurate-job";

export interface JobGuard {
  job: string;
  replace: boolean;
}

/** The guard for the output folder `abs`, when a job's task is writing that job's output. */
export function jobGuardFor(abs: string): JobGuard | null {
  const out = process.env.METACURATE_JOB_OUT, job = process.env.METACURATE_JOB_ID;
  if (!out || !job || path.resolve(out) !== abs) return null;
  return { job, replace: process.env.METACURATE_JOB_REPLACE === "1" };
}

/** Refuses outputs in `at` that this job did not commit itself (holding the folder's lock). */
export async function refuseForeignOutputs(at: string, shown: string, guard: JobGuard, holds: string | null, current: string | null): Promise<void> {
  if (guard.replace || holds === null || holds === "empty") return;
  const marker = await readFile(path.join(at, JOB_MARKER), "utf8").then((t) => JSON.parse(t) as { job?: string; generation?: string }, () => null);
  if (marker?.job === guard.job && marker.generation === current) return;
  throw new OutputError(`${shown} was written after job ${guard.job} was submitted (it holds ${holds === "other" ? "files of someone else's" : `a ${holds}`} now); the job does not replace it: its spec has no "replace": true`);
}

/** After the commit: what this job made current, so a rerun of its task may write there again. */
export async function recordJobCommit(at: string, guard: JobGuard, generation: string): Promise<void> {
  const tmp = path.join(at, `${JOB_MARKER}.tmp-${randomBytes(4).toString("hex")}`);
  await writeFile(tmp, JSON.stringify({ job: guard.job, generation }) + "\n");
  await rename(tmp, path.join(at, JOB_MARKER));
}
