/** `metacurate job …`: submit, watch, list and cancel jobs of a data directory (the same store the dashboard uses). */
import { readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { jsonErrorMessage } from "../lib/util/jsonError";
import { InputError, UsageError, firstLine } from "../lib/errors";
import { cancelJob, followJob, nudgeRunner, runnerElsewhere, submitJob } from "../lib/jobs/control";
import { runQueue } from "../lib/jobs/runner";
import { JobStore } from "../lib/jobs/store";
import { MAX_BODY_BYTES } from "../lib/server/requestGuard";
import type { JobRecord } from "../lib/jobs/types";

export function jobStore(dataDir: string | undefined): JobStore {
  if (!dataDir) throw new UsageError("needs --data-dir DIR (the folder of workspaces the jobs write into)");
  const dir = path.resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`--data-dir ${dataDir} is not a folder`);
  return new JobStore(dir);
}

export async function submit(store: JobStore, specFile: string, executor: string, poolsDirs: string[], wait: boolean): Promise<number> {
  let raw: unknown;
  let text: string;
  // a spec is a small JSON file (the API takes at most 1 MB): not a device, a FIFO, or anything huge
  const s = statOf(specFile);
  if (s && !s.isFile()) throw new InputError(`--spec ${specFile} is not a regular file`);
  if (s && s.size > MAX_BODY_BYTES) throw new InputError(`--spec ${specFile} is ${s.size.toLocaleString("en")} bytes; a job spec is at most ${MAX_BODY_BYTES.toLocaleString("en")}`);
  try {
    text = readFileSync(specFile, "utf8");
  } catch (e) {
    throw new InputError(`--spec ${specFile}: ${firstLine(e)}`);
  }
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--spec ${specFile} is not valid JSON: ${jsonErrorMessage(text, e)}`);
  }
  return submitSpec(store, raw, executor, poolsDirs, wait);
}

/** Submits a spec (a parsed JSON object): prints the job's id; with `wait`, follows it to its end. */
export async function submitSpec(store: JobStore, raw: unknown, executor: string, poolsDirs: string[], wait: boolean): Promise<number> {
  const roots = { dataDir: store.dataDir, poolsDirs: poolsDirs.map((d) => path.resolve(d)) };
  const job = await submitJob(store, raw, executor, roots).catch((e) => {
    throw e instanceof UsageError && /^"executor": /.test(e.message) ? new UsageError(`--executor: ${e.message.replace(/^"executor": /, "")}`) : e;
  });
  process.stdout.write(job.id + "\n");
  if (!wait) return 0;
  const end = await followJob(store, job.id, (line) => process.stderr.write(line + "\n"));
  return end.state === "succeeded" ? 0 : 1;
}

export function showJob(job: JobRecord): string {
  const p = job.progress;
  const lines = [
    `job       ${job.id} (${job.kind}, ${job.executor})`,
    `state     ${job.state}${job.error ? `: ${job.error}` : ""}${job.state === "running" && job.cancelRequested ? " (cancelling)" : ""}`,
    `out       ${job.out}`,
    `created   ${job.created}${job.started ? `, started ${job.started}` : ""}${job.finished ? `, finished ${job.finished}` : ""}`,
    ...(job.resumes ? [`resumed   ${job.resumes}× (its runner died)`] : []),
    ...(p ? [`progress  ${p.task} ${p.step}${p.total ? ` ${p.done.toLocaleString("en")}/${p.total.toLocaleString("en")}` : ""}`] : []),
    ...job.tasks.map((t) => `task      ${t.name}: ${t.state}${t.attempts > 1 ? ` (${t.attempts} attempts)` : ""}${t.error ? ` — ${t.error}` : ""}`),
  ];
  return lines.join("\n") + "\n";
}

/** Every job, newest first; a runner is started if some are waiting with none there (reading changes no job). */
export async function listJobs(store: JobStore): Promise<JobRecord[]> {
  const jobs = await store.list();
  await nudgeRunner(store, jobs);
  await tellRunnerElsewhere(store, jobs);
  return jobs;
}

export async function showOne(store: JobStore, id: string): Promise<JobRecord> {
  const job = await store.read(id);
  await nudgeRunner(store, [job]);
  await tellRunnerElsewhere(store, [job]);
  return job;
}

async function tellRunnerElsewhere(store: JobStore, jobs: JobRecord[]): Promise<void> {
  if (!jobs.some((j) => j.state === "queued" || j.state === "running")) return;
  const elsewhere = await runnerElsewhere(store);
  if (elsewhere) process.stderr.write(`note: ${elsewhere}\n`);
}

function statOf(file: string) {
  try { return statSync(file); } catch { return null; }
}

/** The queue runner of a data directory (what jobs start on demand); exits when no job is left to run. */
export async function runner(store: JobStore): Promise<number> {
  const spawner = Number(process.env.METACURATE_RUNNER_SPAWNER);
  await runQueue(store, { spawnedBy: Number.isInteger(spawner) && spawner > 0 ? spawner : undefined });
  return 0;
}

export { cancelJob };
