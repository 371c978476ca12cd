// The slurm executor against a real Slurm (scripts/slurm-start.sh; the test command starts it): a
// 4-shard curate job as sbatch arrays equals one `curate`; a task that fails is reported with its
// log; cancel ends the job's Slurm jobs and processes. Skipped only where Slurm cannot run, with
// the reason; never in CI.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cancelJob } from "../lib/jobs/control";
import { slurmAvailable } from "../lib/jobs/slurmState";
import { JobStore } from "../lib/jobs/store";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { cli, cliWith } from "./support/cli";
import { LAION_10K, LAION_SKIP, tempDir } from "./support/fixtures";
import { assertEqualsCurate, laionPool, waitEnded } from "./support/sharded";
import { worldwideRows, writeWorldwideFiles } from "./support/worldwidePool";

const unavailable = await slurmAvailable();
if (unavailable && process.env.CI) throw new Error(`Slurm must run in CI (scripts/slurm-start.sh): ${unavailable}`);
if (unavailable) console.log(`# slurm tests skipped: ${unavailable} (start it with scripts/slurm-start.sh)`);
const SKIP = LAION_SKIP || (unavailable ? `no Slurm here: ${unavailable}` : false);

async function setup(t: { after: (fn: () => void) => void }) {
  const data = tempDir(t, "mc-slurm-");
  mkdirSync(path.join(data, "in"));
  const { pool } = await laionPool(path.join(data, "in"));
  const submit = (spec: Record<string, unknown>, env: Record<string, string> = {}) => {
    const file = path.join(data, `spec-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(spec));
    const r = cliWith(env, "job", "submit", "--data-dir", data, "--spec", file, "--executor", "slurm");
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  return { data, pool, submit, store: new JobStore(data), relPool: pool.map((p) => path.relative(data, p)) };
}

const squeueIds = () => execFileSync("squeue", ["-h", "-o", "%A"], { encoding: "utf8" }).split("\n").filter(Boolean);

test("a 4-shard curate job on Slurm: arrays with afterok, readable .sbatch scripts, outputs equal one curate", { skip: SKIP, timeout: 300_000 }, async (t) => {
  const { data, pool, submit, store, relPool } = await setup(t);
  const ref = path.join(tempDir(t), "ref");
  assert.equal(cli("curate", "--metadata", path.join(data, "in/metadata.txt"), "--pool", ...pool, "--out", ref, "--t", "40", "--seed", "5", "--progress", "none").code, 0);
  const id = submit({ kind: "curate", metadata: "in/metadata.txt", pool: relPool, t: 40, seed: 5, shards: 4, out: "ws", "slurm-cpus": 1, "slurm-time": "10:00" });
  const done = await waitEnded(store, id);
  assert.equal(done.state, "succeeded", done.error ?? "");
  assert.equal(done.executor, "slurm");
  await assertEqualsCurate(ref, path.join(data, "ws"));
  // the match tasks were one array, and the scripts stay for a person to read and rerun
  const matchIds = done.tasks.filter((x) => x.name.startsWith("match-")).map((x) => x.slurmId!);
  assert.equal(new Set(matchIds.map((s) => s.split("_")[0])).size, 1, `one array: ${matchIds}`);
  assert.deepEqual(matchIds.map((s) => s.split("_")[1]), ["0", "1", "2", "3"]);
  const scripts = path.join(store.dir(id), "slurm");
  const match = readFileSync(path.join(scripts, "match.sbatch"), "utf8");
  assert.match(match, /#SBATCH --time=10:00/);
  assert.match(match, /sbatch --array=0-3 match\.sbatch/);
  assert.match(match, /3\) exec .* 'match' .*'--shard' '3\/4'/);
  for (const f of ["reduce.sbatch", "balance.sbatch", "merge.sbatch", "logs/match-0.log", "logs/merge.log"]) assert.ok(existsSync(path.join(scripts, f)), f);
  // sacct has the array's tasks (once its lag has passed)
  let acct = "";
  for (let i = 0; i < 50 && (acct.match(/COMPLETED/g) ?? []).length < 4; i++) {
    acct = execFileSync("sacct", ["-X", "-n", "-P", "-o", "JobID,State", "-j", matchIds[0].split("_")[0]], { encoding: "utf8" });
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal((acct.match(/COMPLETED/g) ?? []).length, 4, acct);
});

test("a Slurm task that fails is reported with its log; what depends on it never runs", { skip: SKIP, timeout: 300_000 }, async (t) => {
  const { data, submit, store, relPool } = await setup(t);
  // one file with a null caption: the shard holding it fails (exit 3, an input error: not retried)
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT URL, CASE WHEN i = 7 THEN NULL ELSE TEXT END AS TEXT FROM (SELECT *, row_number() OVER () AS i FROM read_parquet(${sqlString(LAION_10K)}) LIMIT 3000))
      TO ${sqlString(path.join(data, "in", "e.parquet"))} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  const id = submit({ kind: "curate", metadata: "in/metadata.txt", pool: [...relPool, "in/e.parquet"], t: 40, shards: 5, out: "ws" });
  const done = await waitEnded(store, id);
  assert.equal(done.state, "failed");
  assert.match(done.error ?? "", /task match-4 failed on Slurm \(FAILED \(exit 3:0\): pool file .*e\.parquet has 1 null captions.*\); its log: \.jobs\/.*\/slurm\/logs\/match-4\.log/);
  const failed = done.tasks.find((x) => x.name === "match-4")!;
  assert.equal(failed.attempts, 1, "an input error is not retried");
  assert.equal(done.tasks.find((x) => x.name === "merge")!.state === "succeeded", false);
  assert.match(readFileSync(path.join(store.dir(id), "slurm", "logs", "match-4.log"), "utf8"), /null captions/);
  assert.match(cli("job", "logs", id, "--data-dir", data).stdout, /\[match-4\] .*null captions/);
  assert.equal(existsSync(path.join(data, "ws", "manifest.json")), false);
  for (let i = 0; i < 50 && squeueIds().length > 0; i++) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(squeueIds(), [], "nothing of the job is left queued on Slurm");
});

test("cancel of a Slurm job: scancel, no task process left, the job cancelled", { skip: SKIP, timeout: 300_000 }, async (t) => {
  const { data, submit, store, relPool } = await setup(t);
  // each match task holds still before it commits (never released)
  const id = submit({ kind: "curate", metadata: "in/metadata.txt", pool: relPool, t: 40, shards: 4, out: "ws" }, { METACURATE_PAUSE_AT: "commit:staged", METACURATE_PAUSE_UNTIL: path.join(data, "never") });
  for (let i = 0; ; i++) {
    const j = await store.read(id);
    if (j.tasks.filter((x) => x.state === "running").length >= 2) break;
    assert.ok(i < 600, "the match tasks never ran");
    await new Promise((r) => setTimeout(r, 200));
  }
  const cancelled = await cancelJob(store, id);
  assert.equal(cancelled.state, "cancelled");
  assert.deepEqual(squeueIds(), []);
  const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((l) => l.includes(store.dir(id)));
  assert.deepEqual(left, [], "no task process of the job is left");
  assert.equal(existsSync(path.join(data, "ws", "manifest.json")), false);
  // and a cancelled job stays cancelled (its monitor is gone, nothing resumes it)
  const after = await waitEnded(store, id, 5_000);
  assert.equal(after.state, "cancelled");
});

test("a Slurm task killed mid-run is resubmitted once with what waits on it, and the job still equals one curate", { skip: SKIP, timeout: 300_000 }, async (t) => {
  const { data, pool, submit, store, relPool } = await setup(t);
  const ref = path.join(tempDir(t), "ref");
  assert.equal(cli("curate", "--metadata", path.join(data, "in/metadata.txt"), "--pool", ...pool, "--out", ref, "--t", "40", "--progress", "none").code, 0);
  // every task holds before it commits until released: the first match task seen paused there is killed
  const release = path.join(data, "release");
  const id = submit({ kind: "curate", metadata: "in/metadata.txt", pool: relPool, t: 40, shards: 4, out: "ws" }, { METACURATE_PAUSE_AT: "commit:staged", METACURATE_PAUSE_UNTIL: release });
  let victim: string | null = null;
  let pid: number | null = null;
  for (let i = 0; i < 1200 && pid === null; i++) {
    for (const k of [0, 1, 2, 3]) {
      const log = path.join(store.dir(id), "slurm", "logs", `match-${k}.log`);
      const line = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).split("\n").find((l) => l.includes(store.dir(id)) && l.includes(`--shard ${k}/4`) && !l.includes("bash"));
      if (line && existsSync(log) && readFileSync(log, "utf8").includes("paused at commit:staged")) { victim = `match-${k}`; pid = Number(line.trim().split(/\s+/)[0]); break; }
    }
    if (pid === null) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(pid && victim, "never saw a match task paused");
  process.kill(pid, "SIGKILL");
  writeFileSync(release, "");
  const done = await waitEnded(store, id);
  assert.equal(done.state, "succeeded", done.error ?? "");
  const retried = done.tasks.find((x) => x.name === victim)!;
  assert.equal(retried.attempts, 2, `${victim} ran twice`);
  for (const x of done.tasks) if (x.name !== victim) assert.equal(x.attempts, 1, `${x.name} ran once`);
  const events = readFileSync(store.file(id, "events.jsonl"), "utf8");
  assert.match(events, new RegExp(`"task":"${victim}","state":"failed","attempt":1,"exitCode":137`));
  await assertEqualsCurate(ref, path.join(data, "ws"));
});

test("a worldwide curate job on Slurm (metadata per language, lang-col and lid-map spec fields, 2 shards) equals one curate", { skip: unavailable ? `no Slurm here: ${unavailable}` : false, timeout: 300_000 }, async (t) => {
  const data = tempDir(t, "mc-slurm-ww-");
  const { meta, pools } = await writeWorldwideFiles(data, worldwideRows(3000, 43, { labels: true }), 2);
  writeFileSync(path.join(data, "map.json"), JSON.stringify(Object.fromEntries(["de", "en", "ja", "th", "zh"].flatMap((c) => [[c, c], [`__label__${c}`, c]]))));
  const ref = path.join(tempDir(t), "ref");
  const r = cli("curate", "--metadata", meta, "--pool", ...pools, "--lang-col", "lang", "--lid-map", path.join(data, "map.json"), "--out", ref, "--t", "25", "--seed", "4", "--progress", "none");
  assert.equal(r.code, 0, r.stderr);
  const file = path.join(data, "spec.json");
  writeFileSync(file, JSON.stringify({ kind: "curate", metadata: "meta", pool: pools.map((p) => path.basename(p)), "lang-col": "lang", "lid-map": "map.json", t: 25, seed: 4, shards: 2, out: "ws", "slurm-cpus": 1, "slurm-time": "10:00" }));
  const submitted = cli("job", "submit", "--data-dir", data, "--spec", file, "--executor", "slurm");
  assert.equal(submitted.code, 0, submitted.stderr);
  const done = await waitEnded(new JobStore(data), submitted.stdout.trim());
  assert.equal(done.state, "succeeded", done.error ?? "");
  assert.equal(done.executor, "slurm");
  await assertEqualsCurate(ref, path.join(data, "ws"));
  const languages = (dir: string) => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")).balance.languages;
  assert.deepEqual(languages(path.join(data, "ws")), languages(ref));
});
