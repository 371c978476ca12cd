/** The job API as a test drives it: the server's real route handlers on a data directory of its own, and pause points. */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GET as getJob } from "../../app/api/jobs/[id]/route";
import { POST as cancelRoute } from "../../app/api/jobs/[id]/cancel/route";
import { GET as listRoute, POST as submitRoute } from "../../app/api/jobs/route";
import type { JobRecord } from "../../lib/jobs/types";
import { openDuckDB, sqlString } from "../../lib/pool/duckdb";
import { REPO, tempDir } from "./fixtures";

type T = { after: (fn: () => void) => void };

export const OUTPUTS = ["entry_counts.parquet", "size_curve.parquet", "subset.npy", "matches.parquet", "curated.parquet", "preview.parquet"];

/** Points the route handlers (and the runners they start) at `dir` for this test. */
export function useDataDir(t: T, dir: string): void {
  setEnv(t, { METACURATE_DATA_DIR: dir, METACURATE_LAUNCHER: path.join(REPO, "bin/metacurate.mjs") });
  // a test that failed midway leaves no runner or task behind (one held at a pause point would wait forever)
  t.after(() => { for (const pid of metacurateProcesses(dir)) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } } });
}

const restores = new WeakMap<T, (() => void)[]>();

/** Sets environment variables until the test ends (runners and tasks started meanwhile inherit them); undone last set first. */
export function setEnv(t: T, vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  const restore = () => { for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v; };
  let stack = restores.get(t);
  if (!stack) {
    stack = [];
    restores.set(t, stack);
    const mine = stack;
    t.after(() => { for (const undo of mine.reverse()) undo(); });
  }
  stack.push(restore);
  return restore;
}

/** Runners and tasks started from now on hold at `label` until `release` exists; returns what turns it off. */
export function pauseAt(t: T, label: string, release: string): () => void {
  return setEnv(t, { METACURATE_PAUSE_AT: label, METACURATE_PAUSE_UNTIL: release });
}

export const post = (body: unknown) => submitRoute(new Request("http://127.0.0.1/api/jobs", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }));
export const job = async (id: string) => (await (await getJob(new Request(`http://127.0.0.1/api/jobs/${id}`), { params: Promise.resolve({ id }) })).json()) as JobRecord;
export const list = async () => ((await (await listRoute()).json()) as { jobs: JobRecord[] }).jobs;
export const cancel = (id: string) => cancelRoute(new Request(`http://127.0.0.1/api/jobs/${id}/cancel`, { method: "POST" }), { params: Promise.resolve({ id }) });

export const ended = (j: JobRecord) => j.state !== "queued" && j.state !== "running";
export const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

export async function waitFor(id: string, until: (j: JobRecord) => boolean, ms = 120_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await job(id);
    if (until(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id} still ${j.state}: ${JSON.stringify(j.progress)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits for the job's log to say a task is paused at `label`: from then on the job is pinned running. */
export async function pausedAt(data: string, id: string, label = "commit:staged"): Promise<JobRecord> {
  return waitFor(id, (j) => ended(j) || readFileSync(path.join(data, ".jobs", id, "log.txt"), "utf8").includes(`paused at ${label}`));
}

export async function syntheticPool(file: string, rows: number): Promise<void> {
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT md5(i::VARCHAR) AS uid, 'http://x/' || i AS url, 'a ' || (['red', 'blue', 'hot'])[1 + i % 3] || ' dog number ' || (i % 5000) AS text FROM range(${rows}) t(i)) TO ${sqlString(file)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
}

/** A data directory with a pool and metadata in in/, the route handlers pointed at it, and a curate spec into "ws". */
export async function setup(t: T, rows = 3000) {
  const data = tempDir(t);
  mkdirSync(path.join(data, "in"));
  await syntheticPool(path.join(data, "in", "pool.parquet"), rows);
  writeFileSync(path.join(data, "in", "metadata.json"), JSON.stringify(["dog", "red", "blue", "hot dog", "number"]));
  useDataDir(t, data);
  return { data, spec: { kind: "curate", metadata: "in/metadata.json", pool: ["in/pool.parquet"], t: 300, seed: 7, out: "ws" } };
}

/** The pids of metacurate processes (launched by bin/metacurate.mjs) whose command line names `dir`. */
export function metacurateProcesses(dir: string): number[] {
  return execFileSync("ps", ["-eo", "pid=,stat=,args="], { encoding: "utf8" }).split("\n")
    .filter((l) => l.includes("metacurate.mjs") && l.includes(dir) && !/^\s*\d+\s+Z/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

export function groupProcesses(pgid: number): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid="], { encoding: "utf8" });
  return out.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number)).filter(([, g]) => g === pgid).map(([p]) => p);
}
