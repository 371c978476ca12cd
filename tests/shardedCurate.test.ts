// Sharded curation against the single process: match --shard, reduce, balance --reduced and merge
// (by hand through the CLI, and as a sharded curate job) give one `curate`'s entry_counts,
// size_curve and subset.npy byte for byte, and its matches, curated and preview rows in its order.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { JobStore } from "../lib/jobs/store";
import type { JobRecord } from "../lib/jobs/types";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { splitPool } from "../lib/pool/poolSplit";
import { cli, cliWith } from "./support/cli";
import { LAION_SKIP, tempDir } from "./support/fixtures";
import { assertEqualsCurate, laionPool, waitEnded } from "./support/sharded";

test("splitPool cuts between files when there are enough, else between row groups, nearest to equal shares", () => {
  const files = [{ rows: 100, rowGroups: [50, 50] }, { rows: 100, rowGroups: [100] }, { rows: 100, rowGroups: [30, 30, 40] }, { rows: 100, rowGroups: [100] }];
  assert.deepEqual(splitPool(files, 2), [{ from: 0, to: 200 }, { from: 200, to: 400 }]);
  assert.deepEqual(splitPool(files, 4).map((r) => r.from), [0, 100, 200, 300]);
  // 6 shards of 4 files: row-group boundaries (50, 100, 200, 230, 260, 300) are the cut candidates; 300 is the only one left for the last cut
  assert.deepEqual(splitPool(files, 6).map((r) => r.from), [0, 50, 100, 200, 260, 300]);
  assert.deepEqual(splitPool([{ rows: 10, rowGroups: [10] }], 1), [{ from: 0, to: 10 }]);
  assert.throws(() => splitPool([{ rows: 10, rowGroups: [5, 5] }], 3), /cannot be split into 3 shards.*at most 2/);
  // one file of one row group: cut every CUT_ROWS rows
  assert.deepEqual(splitPool([{ rows: 20_000, rowGroups: [20_000] }], 2), [{ from: 0, to: 8192 }, { from: 8192, to: 20_000 }]);
  assert.deepEqual(splitPool([{ rows: 20_000, rowGroups: [20_000] }], 3).map((r) => r.from), [0, 8192, 16384]);
  // every split covers the pool once, in order, with no empty shard
  for (let s = 1; s <= 7; s++) {
    const r = splitPool(files, s);
    assert.equal(r.length, s);
    assert.equal(r[0].from, 0);
    assert.equal(r[s - 1].to, 400);
    for (let i = 0; i < s; i++) { assert.ok(r[i].to > r[i].from); if (i > 0) assert.equal(r[i].from, r[i - 1].to); }
  }
});

test("by hand: 6 shards cut between row groups, at a target size, equal one curate", { skip: LAION_SKIP, timeout: 300_000 }, async (t) => {
  const dir = tempDir(t);
  const { metadata, pool } = await laionPool(dir);
  const ref = path.join(dir, "ref");
  const target = ["--target-size", "9000", "--seed", "11"];
  const run = (...args: string[]) => { const r = cli(...args, "--progress", "none"); assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`); return r; };
  run("curate", "--metadata", metadata, "--pool", ...pool, "--out", ref, ...target);
  const S = 6;
  const shards = Array.from({ length: S }, (_, i) => path.join(dir, `s${i}`)), balanced = shards.map((s) => s + "b");
  for (let i = 0; i < S; i++) run("match", "--metadata", metadata, "--pool", ...pool, "--shard", `${i}/${S}`, "--out", shards[i]);
  const ranges = shards.map((s) => JSON.parse(readFileSync(path.join(s, "manifest.json"), "utf8")).match.shard);
  assert.ok(ranges.some((r) => r.rows_from % 10_000 !== 0 && r.rows_from !== 26_000), "some shard starts inside a file");
  run("reduce", "--shards", ...shards, "--out", path.join(dir, "red"), ...target);
  for (let i = 0; i < S; i++) run("balance", "--in", shards[i], "--reduced", path.join(dir, "red"), "--out", balanced[i]);
  run("merge", "--shards", ...balanced, "--reduced", path.join(dir, "red"), "--out", path.join(dir, "merged"));
  await assertEqualsCurate(ref, path.join(dir, "merged"));
  const merged = JSON.parse(readFileSync(path.join(dir, "merged", "manifest.json"), "utf8"));
  assert.ok(merged.balance.rows_matched > 20_000, "more matched rows than the preview holds, so the merged preview is a real pick");
  assert.equal(merged.shards.length, S);

  // the steps refuse what does not fit together, naming it
  const bad = cli("reduce", "--shards", shards[1], shards[0], "--out", path.join(dir, "x"), "--t", "5");
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /is shard 1 of 6; expected shard 0 of 2/);
  const twice = cli("balance", "--in", shards[0], "--reduced", path.join(dir, "red"), "--t", "5", "--out", path.join(dir, "y"));
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /t.*taken from the --reduced folder/);
  const unbalanced = cli("merge", "--shards", ...shards, "--reduced", path.join(dir, "red"), "--out", path.join(dir, "z"));
  assert.equal(unbalanced.code, 3);
  assert.match(unbalanced.stderr, /not balanced yet/);
  assert.equal(cli("match", "--metadata", metadata, "--pool", ...pool, "--shard", "6/6", "--out", path.join(dir, "w")).code, 2);
});

test("a merge of shards holding more than one row group of matches writes one curate's matches.parquet byte for byte", { skip: LAION_SKIP, timeout: 300_000 }, async (t) => {
  const dir = tempDir(t);
  const { metadata, pool: small } = await laionPool(dir);
  // 3 files of 100,000 rows: 224,640 matched rows, so matches.parquet has a full row group and a part
  const pool = [0, 1, 2].map((i) => path.join(dir, `big-${i}.parquet`));
  const con = await openDuckDB();
  try {
    for (const f of pool) await con.run(`COPY (SELECT URL, TEXT FROM read_parquet(${sqlString(small[0])}), range(10)) TO ${sqlString(f)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  const run = (...args: string[]) => { const r = cli(...args, "--progress", "none"); assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`); };
  run("curate", "--metadata", metadata, "--pool", ...pool, "--out", path.join(dir, "ref"), "--t", "300");
  const shards = pool.map((_, i) => path.join(dir, `s${i}`));
  for (let i = 0; i < 3; i++) run("match", "--metadata", metadata, "--pool", ...pool, "--shard", `${i}/3`, "--out", shards[i]);
  run("reduce", "--shards", ...shards, "--out", path.join(dir, "red"), "--t", "300");
  for (const s of shards) run("balance", "--in", s, "--reduced", path.join(dir, "red"), "--out", s + "b");
  run("merge", "--shards", ...shards.map((s) => s + "b"), "--reduced", path.join(dir, "red"), "--out", path.join(dir, "merged"));
  const rowsMatched = JSON.parse(readFileSync(path.join(dir, "merged", "manifest.json"), "utf8")).balance.rows_matched;
  assert.ok(rowsMatched > 122_880, `${rowsMatched} matched rows: more than one of DuckDB's row groups`);
  await assertEqualsCurate(path.join(dir, "ref"), path.join(dir, "merged"));
});

test("a 4-shard curate job equals the CLI; killed with -9 midway, it resumes from its finished tasks", { skip: LAION_SKIP, timeout: 400_000 }, async (t) => {
  const data = tempDir(t);
  mkdirSync(path.join(data, "in"));
  const { metadata, pool } = await laionPool(path.join(data, "in"));
  const ref = path.join(tempDir(t), "ref");
  assert.equal(cli("curate", "--metadata", metadata, "--pool", ...pool, "--out", ref, "--p", "0.2", "--seed", "3", "--progress", "none").code, 0);
  const spec = { kind: "curate", metadata: "in/metadata.txt", pool: pool.map((p) => path.relative(data, p)), p: 0.2, seed: 3, shards: 4, out: "ws" };
  writeFileSync(path.join(data, "spec.json"), JSON.stringify(spec));
  // the runner holds still once it has recorded its first finished task (a pause point): then it and its tasks die at once
  const submitted = cliWith({ METACURATE_PAUSE_AT: "runner:task-saved", METACURATE_PAUSE_UNTIL: path.join(data, "never") }, "job", "submit", "--data-dir", data, "--spec", path.join(data, "spec.json"));
  assert.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  const store = new JobStore(data);
  let before: JobRecord;
  for (;;) {
    before = await store.read(id);
    if (before.tasks.some((x) => x.state === "succeeded")) break;
    assert.ok(before.state === "queued" || before.state === "running", `job ended early: ${before.state} ${before.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const finished = before.tasks.filter((x) => x.state === "succeeded").map((x) => x.name);
  process.kill(before.supervisor!.pid, "SIGKILL");
  for (const x of before.tasks) if (x.pid) { try { process.kill(-x.pid, "SIGKILL"); } catch { /* ended */ } }
  // a reader (without the pause) starts the next runner, which takes the job up again
  assert.equal(cli("job", "show", id, "--data-dir", data).code, 0);
  const done = await waitEnded(store, id);
  assert.equal(done.state, "succeeded", done.error ?? "");
  assert.equal(done.resumes, 1);
  for (const name of finished) assert.equal(done.tasks.find((x) => x.name === name)!.attempts, 1, `${name} was run again`);
  assert.deepEqual(done.tasks.map((x) => x.name), ["match-0", "match-1", "match-2", "match-3", "reduce", "balance-0", "balance-1", "balance-2", "balance-3", "merge"]);
  await assertEqualsCurate(ref, path.join(data, "ws"));
});

test("a local task killed mid-run is retried once, alone, and the job still equals one curate", { skip: LAION_SKIP, timeout: 400_000 }, async (t) => {
  const data = tempDir(t);
  mkdirSync(path.join(data, "in"));
  const { metadata, pool } = await laionPool(path.join(data, "in"));
  const ref = path.join(tempDir(t), "ref");
  assert.equal(cli("curate", "--metadata", metadata, "--pool", ...pool, "--out", ref, "--t", "40", "--progress", "none").code, 0);
  writeFileSync(path.join(data, "spec.json"), JSON.stringify({ kind: "curate", metadata: "in/metadata.txt", pool: pool.map((p) => path.relative(data, p)), t: 40, shards: 3, out: "ws" }));
  // every task holds before it commits until released, all three side by side: one is killed there
  const release = path.join(data, "release");
  const submitted = cliWith({ METACURATE_PAUSE_AT: "commit:staged", METACURATE_PAUSE_UNTIL: release, METACURATE_LOCAL_SLOTS: "3" }, "job", "submit", "--data-dir", data, "--spec", path.join(data, "spec.json"));
  assert.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  const store = new JobStore(data);
  let pid: number | null = null;
  for (let i = 0; i < 600 && pid === null; i++) {
    // the process running match-2 (its task host), as the job records it
    const task = (await store.read(id)).tasks.find((x) => x.name === "match-2")!;
    if (task.pid && existsSync(store.file(id, "log.txt")) && readFileSync(store.file(id, "log.txt"), "utf8").includes("[match-2] metacurate: paused at commit:staged")) pid = task.pid;
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(pid, "never saw match-2 paused");
  assert.deepEqual(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(2, 8), ["job", "task-host", "--data-dir", store.dataDir, "--job", id], "a task host of the job, named so in ps");
  process.kill(pid, "SIGKILL");
  writeFileSync(release, "");
  const done = await waitEnded(store, id);
  assert.equal(done.state, "succeeded", done.error ?? "");
  for (const x of done.tasks) assert.equal(x.attempts, x.name === "match-2" ? 2 : 1, x.name);
  await assertEqualsCurate(ref, path.join(data, "ws"));
});
