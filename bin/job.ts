/** `metacurate job …`: submit, watch, list and cancel jobs of a data directory (the same store the dashboard uses). */
import { readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { jsonErrorMessage } from "../lib/util/jsonError";
import { InputError, UsageError, firstLine } from "../lib/errors";
import { cancelJob, reconcileJobs, startSupervisor } from "../lib/jobs/local";
import { checkExecutor, planJob } from "../lib/jobs/spec";
import { JobStore } from "../lib/jobs/store";
import { superviseJob } from "../lib/jobs/supervisor";
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
  const planned = planJob(raw, { dataDir: store.dataDir, poolsDirs: poolsDirs.map((d) => path.resolve(d)) });
  const job = await store.create(planned, await checkExecutor(executor).catch((e) => { throw new UsageError(`--executor: ${(e as Error).message.replace(/^"executor": /, "")}`); }));
  startSupervisor(store, job.id);
  process.stdout.write(job.id + "\n");
  if (!wait) return 0;
  const end = await follow(store, job.id, (line) => process.stderr.write(line + "\n"));
  return end.state === "succeeded" ? 0 : 1;
}

/** Streams a job's progress lines until it ends; returns its final record. */
export async function follow(store: JobStore, id: string, print: (line: string) => void): Promise<JobRecord> {
  let offset = 0;
  for (;;) {
    const read = await store.readEvents(id, offset);
    const events = read.events;
    offset = read.offset;
    for (const e of events) {
      if (e.type === "progress") print(`${e.task} ${e.step}${e.total ? ` ${e.done}/${e.total}` : ""}`);
      else if (e.type === "task") print(`task ${e.task}: ${e.state}${e.error ? ` (${e.error})` : ""}`);
      else print(`job ${id}: ${e.state}${e.error ? ` (${e.error})` : ""}`);
    }
    const [job] = await reconcileJobs(store, [await store.read(id)]);
    if (job.state !== "queued" && job.state !== "running") {
      if ((await store.readEvents(id, offset)).events.length === 0) return job;
      continue;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function showJob(job: JobRecord): string {
  const p = job.progress;
  const lines = [
    `job       ${job.id} (${job.kind}, ${job.executor})`,
    `state     ${job.state}${job.error ? `: ${job.error}` : ""}`,
    `out       ${job.out}`,
    `created   ${job.created}${job.started ? `, started ${job.started}` : ""}${job.finished ? `, finished ${job.finished}` : ""}`,
    ...(p ? [`progress  ${p.task} ${p.step}${p.total ? ` ${p.done.toLocaleString("en")}/${p.total.toLocaleString("en")}` : ""}`] : []),
    ...job.tasks.map((t) => `task      ${t.name}: ${t.state}${t.attempts > 1 ? ` (${t.attempts} attempts)` : ""}${t.error ? ` — ${t.error}` : ""}`),
  ];
  return lines.join("\n") + "\n";
}

export async function listJobs(store: JobStore): Promise<JobRecord[]> {
  return reconcileJobs(store);
}

export { cancelJob, superviseJob };
