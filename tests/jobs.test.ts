// Jobs through the server's API handlers (a real queue runner, real `metacurate` processes): a curate
// job's outputs are the CLI's; cancel leaves no process; a runner killed with -9 is replaced and the
// job still ends right; 50 concurrent submissions all finish; bad specs get 400 naming the field.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { GET as eventsRoute } from "../app/api/jobs/[id]/events/route";
import { GET as getJobRoute } from "../app/api/jobs/[id]/route";
import type { JobRecord } from "../lib/jobs/types";
import { cli } from "./support/cli";
import { tempDir } from "./support/fixtures";
import { OUTPUTS, cancel, ended, groupProcesses, job, list, pauseAt, pausedAt, post, setup, sha, waitFor } from "./support/jobApi";

const getJobWithLog = (id: string) => getJobRoute(new Request(`http://127.0.0.1/api/jobs/${id}?log=1`), { params: Promise.resolve({ id }) });

test("a curate job: 202 with an id, live events, and outputs byte-identical to the single-process CLI", async (t) => {
  const { data, spec } = await setup(t);
  const r = await post(spec);
  assert.equal(r.status, 202);
  const { id } = await r.json() as { id: string };
  const events = await (await eventsRoute(new Request(`http://127.0.0.1/api/jobs/${id}/events`), { params: Promise.resolve({ id }) })).text();
  const done = await waitFor(id, ended);
  assert.equal(done.state, "succeeded", done.error ?? "");
  assert.equal(done.kind, "curate");
  assert.equal(done.out, "ws");
  assert.ok(done.progress && done.progress.step === "balance");
  assert.match(events, /"type":"progress","task":"curate","step":"match"/);
  assert.match(events, /"type":"state","state":"succeeded"/);
  assert.match(events, /event: end/);
  const ref = path.join(tempDir(t), "ref");
  assert.equal(cli("curate", "--metadata", path.join(data, "in/metadata.json"), "--pool", path.join(data, "in/pool.parquet"), "--out", ref, "--t", "300", "--seed", "7").code, 0);
  for (const f of OUTPUTS) assert.equal(sha(path.join(data, "ws", f)), sha(path.join(ref, f)), f);
  const dir = path.join(data, ".jobs", id);
  for (const f of ["spec.json", "state.json", "events.jsonl", "log.txt"]) assert.ok(existsSync(path.join(dir, f)), f);
  assert.match(readFileSync(path.join(dir, "log.txt"), "utf8"), /balance {3}t = 300/);
  assert.deepEqual((await list()).map((j) => j.id), [id]);
  // what a client sees names paths relative to the data directory, never the server's
  const shown = JSON.stringify(await (await getJobWithLog(id)).json());
  assert.ok(!shown.includes(data), "no absolute server path in GET /api/jobs/ID");
  assert.match(shown, /"in\/pool\.parquet"/);
});

test("cancel ends the job's whole process tree and leaves the output folder clean", async (t) => {
  const { data, spec } = await setup(t);
  pauseAt(t, "commit:staged", path.join(data, "never-released"));
  const { id } = await (await post(spec)).json() as { id: string };
  const running = await pausedAt(data, id);
  assert.equal(running.state, "running");
  const pgid = running.tasks[0].pid!;
  assert.ok(groupProcesses(pgid).length >= 1, "the task runs in its own process group");
  const r = await cancel(id);
  assert.equal(r.status, 200);
  const cancelled = await waitFor(id, ended);
  assert.equal(cancelled.state, "cancelled");
  for (let i = 0; i < 50 && groupProcesses(pgid).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
  assert.deepEqual(groupProcesses(pgid), [], "no process of the job is left");
  const left = existsSync(path.join(data, "ws")) ? readdirSync(path.join(data, "ws")) : [];
  assert.deepEqual(left.filter((n) => n.startsWith(".metacurate-")), [], "no lock, no half-written generation");
});

test("kill -9 of the queue runner mid-task (pinned at a pause point): the job is taken up again once and its outputs are the CLI's", async (t) => {
  const { data, spec } = await setup(t);
  const resume = pauseAt(t, "commit:staged", path.join(data, "never-released"));
  const { id } = await (await post(spec)).json() as { id: string };
  const running = await pausedAt(data, id);
  assert.equal(running.state, "running");
  const task = running.tasks[0].pid!;
  process.kill(running.supervisor!.pid, "SIGKILL");
  resume(); // the next runner (started by the next reader) runs without the pause
  const done = await waitFor(id, ended, 180_000);
  assert.equal(done.state, "succeeded", done.error ?? "");
  assert.equal(done.resumes, 1);
  assert.equal(done.tasks[0].attempts, 2);
  assert.notEqual(done.supervisor!.pid, running.supervisor!.pid);
  const ref = path.join(tempDir(t), "ref");
  assert.equal(cli("curate", "--metadata", path.join(data, "in/metadata.json"), "--pool", path.join(data, "in/pool.parquet"), "--out", ref, "--t", "300", "--seed", "7").code, 0);
  for (const f of OUTPUTS) assert.equal(sha(path.join(data, "ws", f)), sha(path.join(ref, f)), f);
  assert.deepEqual(groupProcesses(task), [], "the dead runner's task was ended");
});

test("50 concurrent submissions are all recorded and all finish", async (t) => {
  const { data, spec } = await setup(t, 200);
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => post({ ...spec, out: `ws${i}` })));
  assert.deepEqual(responses.map((r) => r.status), Array(50).fill(202));
  const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
  assert.equal(new Set(ids).size, 50);
  const finals = [];
  for (const id of ids) finals.push(await waitFor(id, ended, 300_000));
  assert.deepEqual(finals.map((j) => j.state), Array(50).fill("succeeded"));
  for (let i = 0; i < 50; i++) assert.ok(existsSync(path.join(data, `ws${i}`, "curated.parquet")));
});

test("bad specs get 400 naming the field: wrong types, unknown fields, t = 0, a missing pool, hostile paths, language fields that do not fit the metadata", async (t) => {
  const { data, spec } = await setup(t, 100);
  const outside = tempDir(t);
  writeFileSync(path.join(outside, "secret.parquet"), "x");
  symlinkSync(path.join(outside, "secret.parquet"), path.join(data, "in", "link.parquet"));
  mkdirSync(path.join(data, "in", "meta"));
  writeFileSync(path.join(data, "in", "meta", "en.json"), JSON.stringify(["dog"]));
  // a worldwide folder one of whose lists leads out of the data directory
  mkdirSync(path.join(data, "in", "leaky"));
  writeFileSync(path.join(data, "in", "leaky", "en.json"), JSON.stringify(["dog"]));
  symlinkSync(path.join(outside, "secret.parquet"), path.join(data, "in", "leaky", "zh.json"));
  const cases: [unknown, RegExp][] = [
    [{ ...spec, t: "300" }, /"t": must be a number \(got "300"\)/],
    [{ ...spec, t: 0 }, /"t": t must be a number >= 1 \(got 0\)/],
    [{ ...spec, colour: "red" }, /unknown field "colour"/],
    [{ ...spec, pool: undefined }, /"pool": is required/],
    [{ ...spec, pool: ["in/missing.parquet"] }, /"pool\[0\]": "in\/missing\.parquet" does not exist/],
    [{ ...spec, pool: ["../etc/passwd"] }, /"pool\[0\]": .* must not climb out with "\.\."/],
    [{ ...spec, pool: ["/etc/passwd"] }, /"pool\[0\]": .* must be a path relative to the data directory/],
    [{ ...spec, pool: ["in/%2e%2e/x.parquet"] }, /"pool\[0\]": .* holds encoded or NUL characters/],
    [{ ...spec, pool: ["in/link.parquet"] }, /"pool\[0\]": .* leads outside the data directory/],
    [{ ...spec, metadata: "file:///etc/passwd" }, /"metadata": .* must be a path relative/],
    [{ ...spec, out: "../evil" }, /"out": .* is not a workspace name/],
    [{ ...spec, kind: "frobnicate" }, /"kind": must be one of "curate", "balance"/],
    [{ ...spec, kind: "toString" }, /"kind": must be one of "curate", "balance".*\(got "toString"\)/],
    [{ ...spec, kind: "constructor" }, /"kind": must be one of/],
    [{ ...spec, kind: "__proto__" }, /"kind": must be one of/],
    [{ ...spec, replace: 1 }, /"replace": must be true or false/],
    [{ ...spec, executor: "cloud" }, /"executor": must be "local" or "slurm"/],
    [{ ...spec, shards: 0 }, /"shards": must be .*from 1 to \d+ \(got 0\)/],
    [{ ...spec, shards: 2.5 }, /"shards": must be a whole number/],
    [{ ...spec, "slurm-time": "soon" }, /"slurm-time": must be a Slurm time limit/],
    [{ ...spec, "slurm-mem": "lots" }, /"slurm-mem": must be a Slurm memory size/],
    // the caption-language fields against the metadata, refused at submit as the command refuses them
    [{ ...spec, "lang-col": "lang" }, /"lang-col" needs worldwide metadata, a folder of \{lang\}\.json lists/],
    [{ ...spec, metadata: "in/meta", "lang-col": "lang", lid: "cld3" }, /give the captions' language one way: "lang-col" or "lid", not both/],
    [{ ...spec, metadata: "in/meta" }, /metadata in\/meta is a folder of per-language lists \(MetaCLIP 2\): give each caption's language with "lang-col" or "lid"/],
    [{ ...spec, metadata: "in/meta", "lid-map": "in/meta/en.json" }, /"lid-map" maps the labels of a language column or model/],
    [{ ...spec, metadata: "in/leaky", "lang-col": "lang" }, /"metadata": "in\/leaky\/zh\.json" leads outside the data directory/],
    [[1, 2], /a job spec must be a JSON object/],
    ["{not json", /the body is not JSON/],
  ];
  for (const [body, message] of cases) {
    const r = await post(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(((await r.json()) as { error: string }).error, message, JSON.stringify(body));
  }
  assert.equal(existsSync(path.join(data, ".jobs")) ? readdirSync(path.join(data, ".jobs")).filter((n) => !n.startsWith(".")).length : 0, 0, "no job recorded");
});

test("the CLI: job submit returns at once and the job outlives it; list, show --json, logs; --wait exits by the job's end", async (t) => {
  const { data, spec } = await setup(t);
  const specFile = path.join(tempDir(t), "spec.json");
  writeFileSync(specFile, JSON.stringify(spec));
  const r = cli("job", "submit", "--data-dir", data, "--spec", specFile);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, /^\d{8}-\d{6}-[0-9a-f]{6}$/);
  let shown: JobRecord;
  for (;;) {
    shown = JSON.parse(cli("job", "show", id, "--data-dir", data, "--json").stdout) as JobRecord;
    if (ended(shown)) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  assert.equal(shown.state, "succeeded");
  assert.deepEqual(Object.keys(shown).slice(0, 5), ["id", "kind", "state", "executor", "out"]);
  assert.match(cli("job", "list", "--data-dir", data).stdout, new RegExp(`${id}\\s+curate\\s+succeeded\\s+ws`));
  assert.match(cli("job", "logs", id, "--data-dir", data).stdout, /balance {3}t = 300/);
  writeFileSync(specFile, JSON.stringify({ ...spec, t: 0 }));
  const bad = cli("job", "submit", "--data-dir", data, "--spec", specFile, "--wait");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"t": t must be a number >= 1 \(got 0\)/);
  writeFileSync(specFile, `{"kind": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`);
  const deep = cli("job", "submit", "--data-dir", data, "--spec", specFile);
  assert.equal(deep.code, 2, deep.stderr);
  assert.match(deep.stderr, /"kind": nests arrays or objects more than 32 levels deep/);
  writeFileSync(specFile, JSON.stringify({ ...spec, out: "ws2" }));
  const waited = cli("job", "submit", "--data-dir", data, "--spec", specFile, "--wait");
  assert.equal(waited.code, 0, waited.stderr);
  assert.match(waited.stderr, /job \S+: succeeded/);
  assert.equal(sha(path.join(data, "ws2", "curated.parquet")), sha(path.join(data, "ws", "curated.parquet")));
});
