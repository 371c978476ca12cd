// Jobs a user can trust (issue 23): the README's `npx metacurate job submit` works, also through a
// symlinked bin from another folder; an output that exists is refused (409 / exit 4) unless the spec
// says replace, a run never replaces a workspace nor the reverse, two live jobs never share an
// output; an output never leads through a symlink, at submit or at commit; readers polling the jobs
// never make a finished job run again; 100 queued jobs cost no process.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { JobRecord } from "../lib/jobs/types";
import { cli, cliWith } from "./support/cli";
import { REPO, tempDir } from "./support/fixtures";
import { cancel, ended, job, list, metacurateProcesses, pauseAt, pausedAt, post, setEnv, setup, sha, waitFor } from "./support/jobApi";

const submitted = async (body: unknown) => {
  const r = await post(body);
  assert.equal(r.status, 202, JSON.stringify(await r.clone().json()));
  return ((await r.json()) as { id: string }).id;
};
const refusal = async (body: unknown) => {
  const r = await post(body);
  return { status: r.status, error: ((await r.json()) as { error?: string }).error ?? "" };
};

/** A data directory holding the curated workspace "ws". */
async function withWorkspace(t: Parameters<typeof setup>[0]) {
  const s = await setup(t);
  const id = await submitted(s.spec);
  assert.equal((await waitFor(id, ended)).state, "succeeded");
  await runnerGone(s.data);
  return s;
}

/** Waits until the data directory's runner has exited (the next job starts a runner with the test's environment). */
async function runnerGone(data: string): Promise<void> {
  for (let i = 0; existsSync(path.join(data, ".jobs", "runner.lock")) || metacurateProcesses(data).length > 0; i++) {
    assert.ok(i < 600, "the runner never exited");
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("the README's launch: npx metacurate job submit --wait, and a symlinked bin (a global install) run from another folder", { timeout: 300_000 }, async (t) => {
  const { data, spec } = await setup(t);
  const restore = setEnv(t, { METACURATE_LAUNCHER: "" });
  delete process.env.METACURATE_LAUNCHER; // the command finds its own package, as a person's shell would leave it
  t.after(restore);
  writeFileSync(path.join(data, "spec.json"), JSON.stringify(spec));
  const npx = spawnSync("npx", ["metacurate", "job", "submit", "--data-dir", data, "--spec", path.join(data, "spec.json"), "--wait"], { cwd: REPO, encoding: "utf8" });
  assert.equal(npx.status, 0, npx.stderr);
  assert.match(npx.stderr, /job \S+: succeeded/);
  // npm link / npm install -g: PREFIX/bin/metacurate -> ../lib/node_modules/metacurate/bin/metacurate.mjs, the package a symlink too
  const prefix = tempDir(t);
  mkdirSync(path.join(prefix, "lib", "node_modules"), { recursive: true });
  mkdirSync(path.join(prefix, "bin"));
  symlinkSync(REPO, path.join(prefix, "lib", "node_modules", "metacurate"));
  symlinkSync("../lib/node_modules/metacurate/bin/metacurate.mjs", path.join(prefix, "bin", "metacurate"));
  const elsewhere = tempDir(t);
  writeFileSync(path.join(elsewhere, "spec.json"), JSON.stringify({ ...spec, out: "ws2" }));
  const global = spawnSync(path.join(prefix, "bin", "metacurate"), ["job", "submit", "--data-dir", path.relative(elsewhere, data), "--spec", "spec.json", "--wait"], { cwd: elsewhere, encoding: "utf8" });
  assert.equal(global.status, 0, global.stderr);
  for (const f of ["curated.parquet", "subset.npy", "entry_counts.parquet"]) assert.equal(sha(path.join(data, "ws2", f)), sha(path.join(data, "ws", f)), f);
});

test("an output that exists is refused (409) naming what it holds, unless replace; a run never replaces a workspace nor the reverse", { timeout: 300_000 }, async (t) => {
  const { data, spec } = await withWorkspace(t);
  const manifest = sha(path.join(data, "ws", "manifest.json"));
  let r = await refusal({ kind: "balance", in: "ws", out: "ws", t: 100 });
  assert.equal(r.status, 409);
  assert.match(r.error, /"out": "ws" is already a workspace; choose another name, or say "replace": true/);
  r = await refusal({ kind: "balance", in: "ws", t: 100 }); // no out: in place, which replaces ws too
  assert.equal(r.status, 409);
  r = await refusal({ ...spec });
  assert.equal(r.status, 409);
  r = await refusal({ kind: "train", workspace: "ws", out: "ws", replace: true });
  assert.equal(r.status, 409);
  assert.match(r.error, /"ws" is a workspace; a run never replaces a workspace/);
  r = await refusal({ kind: "balance", in: "ws", out: "in", t: 100 });
  assert.equal(r.status, 409);
  assert.match(r.error, /"in" is a folder of files metacurate did not write/);
  // a person's own folder with a manifest.json of theirs is not a workspace: never written into, even with replace
  mkdirSync(path.join(data, "userstuff"));
  writeFileSync(path.join(data, "userstuff", "manifest.json"), JSON.stringify({ mine: 1 }));
  r = await refusal({ kind: "balance", in: "ws", t: 100, out: "userstuff", replace: true });
  assert.equal(r.status, 409);
  assert.match(r.error, /"userstuff" is a folder of files metacurate did not write/);
  assert.deepEqual(JSON.parse(readFileSync(path.join(data, "userstuff", "manifest.json"), "utf8")), { mine: 1 });
  // a pool inside the output it would replace
  r = await refusal({ kind: "curate", metadata: "in/metadata.json", pool: ["ws/curated.parquet"], t: 50, out: "ws", replace: true });
  assert.equal(r.status, 400);
  assert.match(r.error, /"pool\[0\]": it is inside the output "ws", which the job writes over/);
  r = await refusal({ kind: "balance", in: "ws", t: 100, replace: "yes" });
  assert.equal(r.status, 400);
  assert.match(r.error, /"replace": must be true or false/);
  assert.equal(sha(path.join(data, "ws", "manifest.json")), manifest, "ws untouched");
  // a run (as `evals import` leaves one: DataComp's eval_results.jsonl), then a workspace job onto it
  mkdirSync(path.join(data, "run1"));
  writeFileSync(path.join(data, "run1", "eval_results.jsonl"), JSON.stringify({ key: "imagenet1k", dataset: "ImageNet 1k", metrics: { acc1: 0.05 } }) + "\n");
  r = await refusal({ kind: "balance", in: "ws", out: "run1", t: 100, replace: true });
  assert.equal(r.status, 409);
  assert.match(r.error, /"run1" is a training run; a workspace never replaces a run/);
  assert.ok(existsSync(path.join(data, "run1", "eval_results.jsonl")));
  // the CLI says the same, exit 4
  writeFileSync(path.join(data, "s.json"), JSON.stringify({ kind: "balance", in: "ws", out: "ws", t: 100 }));
  const c = cli("job", "submit", "--data-dir", data, "--spec", path.join(data, "s.json"));
  assert.equal(c.code, 4, c.stderr);
  assert.match(c.stderr, /"out": "ws" is already a workspace/);
  // replace: true replaces it, at the new t
  const re = await submitted({ kind: "balance", in: "ws", out: "ws", t: 100, replace: true });
  assert.equal((await waitFor(re, ended)).state, "succeeded");
  assert.equal(JSON.parse(readFileSync(path.join(data, "ws", "manifest.json"), "utf8")).balance.t, 100);
  assert.equal(readdirSync(path.join(data, ".jobs")).filter((n) => /^\d{8}-/.test(n)).length, 2, "refusals recorded no job");
});

test("a second job with the output of a queued or running one is refused at submit, even with replace", { timeout: 300_000 }, async (t) => {
  const { data, spec } = await setup(t);
  const release = path.join(data, "release");
  pauseAt(t, "commit:staged", release);
  const first = await submitted(spec);
  await pausedAt(data, first);
  const [a, b] = await Promise.all([refusal({ ...spec, replace: true }), refusal({ ...spec, t: 100 })]);
  for (const r of [a, b]) {
    assert.equal(r.status, 409);
    assert.match(r.error, new RegExp(`"out": job ${first} \\(running\\) is already writing "ws"`));
  }
  writeFileSync(release, "");
  assert.equal((await waitFor(first, ended)).state, "succeeded");
});

test("an output symlinked out of the data directory is refused at submit, and one swapped in before the commit is not written through", { timeout: 300_000 }, async (t) => {
  const { data, spec } = await withWorkspace(t);
  const elsewhere = tempDir(t);
  symlinkSync(elsewhere, path.join(data, "evil"));
  const r = await refusal({ kind: "balance", in: "ws", out: "evil", t: 100, replace: true });
  assert.equal(r.status, 409);
  assert.match(r.error, /"out": "evil" is a symlink/);
  // a real folder at submit, swapped for a symlink while the task stages its outputs
  const release = path.join(data, "release");
  pauseAt(t, "commit:staged", release);
  const id = await submitted({ kind: "balance", in: "ws", out: "swapped", t: 100 });
  await pausedAt(data, id);
  renameSync(path.join(data, "swapped"), path.join(elsewhere, "moved"));
  symlinkSync(path.join(elsewhere, "moved"), path.join(data, "swapped"));
  writeFileSync(release, "");
  const done = await waitFor(id, ended);
  assert.equal(done.state, "failed");
  assert.match(done.error ?? "", /output folder .*swapped (is a symlink|was replaced)/);
  assert.deepEqual(readdirSync(path.join(elsewhere, "moved")).filter((n) => !n.startsWith(".metacurate-")), [], "nothing committed outside");
  assert.equal(existsSync(path.join(elsewhere, "manifest.json")), false);
  // swapped later still (after the links are made, before the commit's rename): the task works in the folder it opened,
  // never through the link, so another workspace the link points at is untouched
  const victim = path.join(elsewhere, "victim");
  assert.equal(cli("balance", "--in", path.join(data, "ws"), "--out", victim, "--t", "33").code, 0);
  const victimManifest = sha(path.join(victim, "manifest.json"));
  const victimNames = readdirSync(victim).sort();
  const release2 = path.join(data, "release2");
  await runnerGone(data);
  pauseAt(t, "commit:links", release2);
  const id2 = await submitted({ kind: "balance", in: "ws", out: "swapped2", t: 100 });
  await pausedAt(data, id2, "commit:links");
  renameSync(path.join(data, "swapped2"), path.join(elsewhere, "moved2"));
  symlinkSync(victim, path.join(data, "swapped2"));
  writeFileSync(release2, "");
  await waitFor(id2, ended);
  assert.equal(sha(path.join(victim, "manifest.json")), victimManifest, "the workspace behind the link is untouched");
  assert.deepEqual(readdirSync(victim).sort(), victimNames, "no generation, lock or link added behind the link");
  // the same check guards a task's own open: metacurate balance --out a symlink, confined to the data directory
  const c = cliWith({ METACURATE_OUT_ROOT: data }, "balance", "--in", path.join(data, "ws"), "--out", path.join(data, "evil"), "--t", "100");
  assert.equal(c.code, 4, c.stderr);
  assert.match(c.stderr, /is a symlink/);
  assert.deepEqual(readdirSync(elsewhere).sort(), ["moved", "moved2", "victim"]);
  void spec;
});

test("30 balance jobs while two clients poll the job list: every job runs once and ends succeeded", { timeout: 600_000 }, async (t) => {
  const { data } = await withWorkspace(t);
  let polling = true;
  const seen: JobRecord[][] = [];
  const poller = async () => { while (polling) { seen.push(await list()); await new Promise((r) => setTimeout(r, 20)); } };
  const pollers = [poller(), poller()];
  const ids: string[] = [];
  for (let i = 0; i < 30; i += 3) ids.push(...(await Promise.all([0, 1, 2].map((k) => submitted({ kind: "balance", in: "ws", out: `b${i + k}`, t: 50 + i + k, seed: i })))));
  const finals: JobRecord[] = [];
  for (const id of ids) finals.push(await waitFor(id, ended, 300_000));
  polling = false;
  await Promise.all(pollers);
  assert.ok(seen.length > 10, "the clients polled while the jobs ran");
  assert.deepEqual(finals.map((j) => j.state), Array(30).fill("succeeded"));
  assert.deepEqual(finals.map((j) => j.resumes), Array(30).fill(0), "no job was taken up again");
  assert.deepEqual(finals.map((j) => j.tasks[0].attempts), Array(30).fill(1), "every task ran once");
  for (const id of ids) {
    const states = readFileSync(path.join(data, ".jobs", id, "events.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === "state").map((e) => e.state);
    assert.deepEqual(states, ["running", "succeeded"], id);
  }
  for (let i = 0; i < 30; i++) assert.equal(JSON.parse(readFileSync(path.join(data, `b${i}`, "manifest.json"), "utf8")).balance.t, 50 + i);
});

test("100 queued jobs cost no process: one runner and at most the slot count of tasks", { timeout: 600_000 }, async (t) => {
  const { data } = await withWorkspace(t);
  const release = path.join(data, "release");
  setEnv(t, { METACURATE_LOCAL_SLOTS: "1" });
  pauseAt(t, "commit:staged", release);
  const first = await submitted({ kind: "balance", in: "ws", out: "q0", t: 10 });
  await pausedAt(data, first);
  const ids = [first];
  for (let i = 1; i < 100; i += 11) ids.push(...(await Promise.all(Array.from({ length: 11 }, (_, k) => submitted({ kind: "balance", in: "ws", out: `q${i + k}`, t: 10 + i + k })))));
  assert.equal(ids.length, 100);
  assert.equal((await list()).filter((j) => j.state === "queued").length, 99);
  const procs = metacurateProcesses(data);
  assert.equal(procs.length, 2, `the runner and one task (slots = 1), not a process per job: ${procs.join(" ")}`);
  writeFileSync(release, "");
  for (const id of ids) assert.equal((await waitFor(id, ended, 300_000)).state, "succeeded", id);
  assert.equal((await job(ids[99])).resumes, 0);
});

test("a job that waited while a workspace appeared at its output does not replace it without replace", { timeout: 300_000 }, async (t) => {
  const { data } = await withWorkspace(t);
  const release = path.join(data, "release");
  setEnv(t, { METACURATE_LOCAL_SLOTS: "1" });
  pauseAt(t, "commit:staged", release);
  const first = await submitted({ kind: "balance", in: "ws", out: "first", t: 30 });
  await pausedAt(data, first);
  const late = await submitted({ kind: "balance", in: "ws", out: "late", t: 77 });
  assert.equal((await job(late)).state, "queued");
  // meanwhile a person writes that name with the CLI
  const c = cliWith({ METACURATE_PAUSE_AT: "" }, "balance", "--in", path.join(data, "ws"), "--out", path.join(data, "late"), "--t", "20");
  assert.equal(c.code, 0, c.stderr);
  writeFileSync(release, "");
  const done = await waitFor(late, ended);
  assert.equal(done.state, "failed");
  assert.match(done.error ?? "", /late was written after job .* was submitted \(it holds a workspace now\); the job does not replace it: its spec has no "replace": true/);
  assert.equal(JSON.parse(readFileSync(path.join(data, "late", "manifest.json"), "utf8")).balance.t, 20, "the person's workspace stays");
  assert.equal((await waitFor(first, ended)).state, "succeeded");
});

test("a job whose runner dies a third time fails, and the task its runner left never writes the output", { timeout: 300_000 }, async (t) => {
  const { data } = await withWorkspace(t);
  const release = path.join(data, "release");
  pauseAt(t, "commit:staged", release);
  const id = await submitted({ kind: "balance", in: "ws", out: "k3", t: 57 });
  const log = () => readFileSync(path.join(data, ".jobs", id, "log.txt"), "utf8").split("paused at commit:staged").length - 1;
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; log() < round; i++) { assert.ok(i < 2400, `round ${round}: the task never paused`); await new Promise((r) => setTimeout(r, 50)); }
    const running = await job(id);
    process.kill(running.supervisor!.pid, "SIGKILL");
    for (let i = 0; metacurateProcesses(data).includes(running.supervisor!.pid); i++) { assert.ok(i < 400); await new Promise((r) => setTimeout(r, 25)); }
    await list(); // a reader starts the next runner, which takes the job up (or, the third time, fails it)
  }
  const failed = await waitFor(id, ended);
  assert.equal(failed.state, "failed");
  assert.equal(failed.resumes, 3);
  assert.match(failed.error ?? "", /the runner running it died .* taken up 2 times already/);
  await runnerGone(data);
  assert.deepEqual(metacurateProcesses(data), [], "no task of the job is left");
  writeFileSync(release, "");
  assert.equal(existsSync(path.join(data, "k3", "manifest.json")), false, "nothing wrote the output after the job failed");
});

test("cancel of a job that does not exist is 404 (exit 3), not a lock error", async (t) => {
  const { data } = await setup(t);
  const r = await cancel("20261207-000000-ffffff");
  assert.equal(r.status, 404);
  assert.match(((await r.json()) as { error: string }).error, /no job 20261207-000000-ffffff/);
  const c = cli("job", "cancel", "20261207-000000-ffffff", "--data-dir", data);
  assert.equal(c.code, 3, c.stderr);
});
