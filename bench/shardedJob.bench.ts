// Sharded-job benchmark (npm run bench:sharded). Not a test: prints figures. A curate job of 8 shards
// x 125,000 rows on the local executor against the named baseline, one `metacurate curate` process
// on the same rows, interleaved in one run; the job's per-task times; the speed-up over one process
// on the cores found here (METACURATE_LOCAL_SLOTS, default: all of them).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { localSlots } from "../lib/jobs/runner";
import type { JobRecord } from "../lib/jobs/types";
import { wordnetDbDir, wordnetLemmas } from "../lib/metadata/wordnet";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { LAION_10K, REPO, hasLaion } from "../tests/support/fixtures";

const SHARDS = 8;
const SHARD_ROWS = 125_000;
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
const DATA = path.join(REPO, "bench/out/sharded");
const CLI = path.join(REPO, "bin/metacurate.mjs");

if (!hasLaion) {
  console.log(`bench:sharded needs ${LAION_10K}`);
  process.exit(1);
}
mkdirSync(path.join(DATA, "in"), { recursive: true });

/** 8 files of 125,000 distinct rows (LAION captions repeated, each row made distinct as in a crawl). */
async function pool(): Promise<string[]> {
  const files = Array.from({ length: SHARDS }, (_, i) => path.join(DATA, "in", `part-${i}.parquet`));
  if (files.every((f) => existsSync(f))) return files;
  const con = await openDuckDB();
  try {
    for (let i = 0; i < SHARDS; i++) {
      await con.run(`COPY (SELECT URL || '#' || CAST(n AS VARCHAR) AS URL, TEXT || ' ' || CAST(n % 997 AS VARCHAR) AS TEXT
          FROM (SELECT URL, TEXT, ${i * SHARD_ROWS} + row_number() OVER () - 1 AS n FROM read_parquet(${sqlString(LAION_10K)}), range(${Math.ceil(SHARD_ROWS / 10_000)}) LIMIT ${SHARD_ROWS}))
        TO ${sqlString(files[i])} (FORMAT parquet)`);
    }
  } finally {
    con.closeSync();
  }
  return files;
}

const files = await pool();
const metadata = path.join(DATA, "in", "metadata.txt");
if (!existsSync(metadata)) writeFileSync(metadata, [...new Set(await wordnetLemmas(wordnetDbDir()))].join("\n") + "\n");
const threshold = ["--t", "2000", "--seed", "0"];

function single(): number {
  const out = path.join(DATA, "single");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, "curate", "--metadata", metadata, "--pool", ...files, "--out", out, ...threshold, "--progress", "none"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
}

function job(): { wall: number; record: JobRecord } {
  rmSync(path.join(DATA, "job"), { recursive: true, force: true });
  const spec = path.join(DATA, "spec.json");
  writeFileSync(spec, JSON.stringify({ kind: "curate", metadata: "in/metadata.txt", pool: files.map((f) => path.relative(DATA, f)), t: 2000, seed: 0, shards: SHARDS, out: "job" }));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, "job", "submit", "--data-dir", DATA, "--spec", spec, "--wait"], { encoding: "utf8" });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(r.stderr.slice(-2000));
  const id = r.stdout.trim();
  return { wall, record: JSON.parse(readFileSync(path.join(DATA, ".jobs", id, "state.json"), "utf8")) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`data: ${SHARDS} files x ${SHARD_ROWS.toLocaleString("en")} distinct rows, WordNet metadata; ${os.availableParallelism()} cores, ${localSlots()} local slots; t = 2000\n`);
const singles: number[] = [], jobs: number[] = [];
let last: JobRecord | null = null;
for (let i = 0; i < RUNS; i++) {
  singles.push(single());
  const j = job();
  jobs.push(j.wall);
  last = j.record;
  console.log(`run ${i + 1}: one curate ${singles[i].toFixed(2)} s, ${SHARDS}-shard job ${jobs[i].toFixed(2)} s`);
}
const same = ["entry_counts.parquet", "size_curve.parquet", "subset.npy", "matches.parquet", "curated.parquet", "preview.parquet"].every((f) => readFileSync(path.join(DATA, "single", f)).equals(readFileSync(path.join(DATA, "job", f))));
console.log(`\nper-task times of the last job (wall, from start to end of each task):`);
for (const t of last!.tasks) console.log(`  ${t.name.padEnd(10)} ${((Date.parse(t.finished!) - Date.parse(t.started!)) / 1000).toFixed(2)} s`);
const s = median(singles), j = median(jobs);
console.log(`\nbaseline = one metacurate curate process: median ${s.toFixed(2)} s`);
console.log(`${SHARDS}-shard job, local executor: median ${j.toFixed(2)} s = ${(j / s).toFixed(2)}x the baseline's wall time (target: within 1.25x); speed-up over one process: ${(s / j).toFixed(2)}x on ${localSlots()} slots`);
console.log(`outputs: all six files ${same ? "byte-identical" : "DIFFER"} to the single process's`);
