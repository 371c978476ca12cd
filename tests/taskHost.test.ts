// A local job's task host (`metacurate job task-host`, run by lib/jobs/taskProcess TaskHost): tasks run
// one after another in one process, each with its own exit code, marked log lines, progress and
// environment; a host killed mid-task ends that task with the signal's code; it refuses another job's task.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { JobStore } from "../lib/jobs/store";
import { TaskHost } from "../lib/jobs/taskProcess";
import type { JobProgress, JobRecord, TaskRecord } from "../lib/jobs/types";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { tempDir } from "./support/fixtures";

const task = (name: string, argv: string[]): TaskRecord => ({ name, argv, after: [], state: "running", attempts: 1, exitCode: null, started: null, finished: null, error: null });

async function setup(t: Parameters<typeof tempDir>[0]) {
  const data = tempDir(t);
  mkdirSync(path.join(data, "in"));
  const con = await openDuckDB();
  await con.run(`COPY (SELECT 'http://x/' || i AS url, 'a red dog ' || i AS text FROM range(500) t(i)) TO ${sqlString(path.join(data, "in", "pool.parquet"))} (FORMAT parquet)`);
  con.closeSync();
  writeFileSync(path.join(data, "in", "metadata.txt"), "dog\nred\ncat\n");
  const store = new JobStore(data);
  const id = "20261207-000000-abcdef";
  mkdirSync(store.dir(id), { recursive: true });
  const match = (out: string) => task(`match-${out}`, ["match", "--metadata", path.join(data, "in", "metadata.txt"), "--pool", path.join(data, "in", "pool.parquet"), "--out", path.join(data, out)]);
  const job = (tasks: TaskRecord[]) => ({ id, kind: "curate", state: "running", executor: "local", out: "ws", tasks } as unknown as JobRecord);
  return { data, store, id, match, job };
}

test("a task host runs a job's tasks one after another in one process, each with its code, its marked lines and its progress", { timeout: 120_000 }, async (t) => {
  const { data, store, id, match, job } = await setup(t);
  const tasks = [match("a"), task("bad", ["balance", "--in", path.join(data, "nowhere"), "--t", "5"]), match("b")];
  const host = new TaskHost(store, job(tasks));
  t.after(() => host.kill());
  const progress: JobProgress[] = [];
  const first = await host.run(tasks[0], 2, (p) => progress.push(p)).done;
  assert.deepEqual(first, { code: 0, lastError: null });
  assert.ok(progress.length > 0 && progress.every((p) => p.task === "match-a"), "progress lines are the task's");
  const second = host.run(tasks[1], 2, () => {});
  assert.equal(second.pid, host.pid, "the same process runs the next task");
  const bad = await second.done;
  assert.equal(bad.code, 3);
  assert.match(bad.lastError ?? "", /nowhere/);
  assert.equal((await host.run(tasks[2], 2, () => {}).done).code, 0, "a task that failed leaves the host able to run the next");
  const log = readFileSync(store.file(id, "log.txt"), "utf8").split("\n").filter(Boolean);
  assert.ok(log.some((l) => l.startsWith("[match-a] matched ")), log.join("\n"));
  assert.ok(log.some((l) => l.startsWith("[bad] metacurate balance: ") && l.includes("nowhere")), "a failing task's message, marked with its name");
  assert.ok(log.some((l) => l.startsWith("[match-b] matched ")));
  assert.ok(log.every((l) => /^\[(match-a|bad|match-b)\] /.test(l)), `every line is marked with its task:\n${log.join("\n")}`);
  assert.ok(!log.some((l) => l.includes("metacurate-task-end")), "the end markers stay out of the log");
  for (const ws of ["a", "b"]) assert.equal(JSON.parse(readFileSync(path.join(data, ws, "manifest.json"), "utf8")).match.rows_matched, 500);
});

test("a task's environment is its own: an array task's thread share does not reach the next task", { timeout: 120_000 }, async (t) => {
  const { data, store, match, job } = await setup(t);
  // four array siblings on four slots: a quarter of the cores each (at least 1); the task after them has no array: all cores
  const siblings = ["a", "b", "c", "d"].map((x) => ({ ...match(x), array: "match" }));
  const after = match("e");
  const host = new TaskHost(store, job([...siblings, after]));
  t.after(() => host.kill());
  assert.equal((await host.run(siblings[0], 4, () => {}).done).code, 0);
  assert.equal((await host.run(after, 4, () => {}).done).code, 0);
  const workers = (ws: string) => JSON.parse(readFileSync(path.join(data, ws, "manifest.json"), "utf8")).match.workers;
  assert.equal(workers("a"), Math.max(1, Math.floor(os.availableParallelism() / 4)));
  assert.equal(workers("e"), os.availableParallelism());
});

test("a host killed mid-task ends that task with the signal's exit code, its lines kept", { timeout: 120_000 }, async (t) => {
  const { data, store, id, match, job } = await setup(t);
  const gate = path.join(data, "gate");
  process.env.METACURATE_PAUSE_AT = "commit:staged";
  process.env.METACURATE_PAUSE_UNTIL = gate;
  const tasks = [match("a")];
  let host: TaskHost;
  try {
    host = new TaskHost(store, job(tasks));
  } finally {
    delete process.env.METACURATE_PAUSE_AT;
    delete process.env.METACURATE_PAUSE_UNTIL;
  }
  t.after(() => host.kill());
  const run = host.run(tasks[0], 2, () => {});
  for (let i = 0; !(existsSync(store.file(id, "log.txt")) && readFileSync(store.file(id, "log.txt"), "utf8").includes("paused at commit:staged")); i++) {
    assert.ok(i < 600, "the task never reached its pause point");
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(host.pid, "SIGKILL");
  const ended = await run.done;
  assert.equal(ended.code, 137);
  assert.equal(ended.lastError, `its task host (pid ${host.pid}) was ended by SIGKILL`, "the error says what ended the task, not its last line");
  assert.equal(host.alive, false);
  assert.match(readFileSync(store.file(id, "log.txt"), "utf8"), /^metacurate: paused at commit:staged$/m, "one task: its lines unmarked");
});

test("a host runs its own job's tasks only", { timeout: 60_000 }, async (t) => {
  const { data, store, id, match, job } = await setup(t);
  const tasks = [match("a")];
  const host = new TaskHost(store, job(tasks));
  t.after(() => host.kill());
  host.job.id = "20261207-000000-fedcba"; // what the runner never does: hand a host another job's task
  const r = await host.run(tasks[0], 2, () => {}).done;
  assert.equal(r.code, 2);
  assert.equal(r.lastError, `refused a task of job 20261207-000000-fedcba; this host runs job ${id}'s`);
  assert.equal(existsSync(path.join(data, "a")), false, "nothing ran");
});
