// Scaling benchmark (npm run bench:scaling; issue 26, goal 2). Not a test: prints figures. One
// `metacurate match` of 1,000,000 real LAION captions (repeated) against the 500k-entry list, through
// the real command, at --workers 1, 2, 4, … up to the cores found (unchanged on a bigger machine). From
// each run's own per-stage timings (manifest timings_ms) it prints which stages ran on how many threads,
// the serial fraction s (the share of the 1-worker wall time outside the matching stage, the only
// stage spread over the workers), the measured speedup curve against Amdahl's 1 / (s + (1 − s) / N),
// and what Amdahl's law gives at 16 cores: the goal is ≥ 0.7 × 16 = 11.2.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { LAION_10K, REPO } from "../tests/support/fixtures";
import { laionBenchInputs } from "./laionInputs";

const ROWS = 1_000_000;
const { out: OUT, captions, metadata500k: metadata } = await laionBenchInputs("bench:scaling");
const pool = path.join(OUT, "laion-1m.parquet");
if (!existsSync(pool)) {
  const con = await openDuckDB();
  await con.run(`COPY (SELECT * FROM read_parquet(${sqlString(LAION_10K)}), range(${Math.ceil(ROWS / captions.length)}) LIMIT ${ROWS}) TO ${sqlString(pool)} (FORMAT parquet)`);
  con.closeSync();
}

const cores = os.availableParallelism();
const counts = [...new Set([1, 2, 4, 8, 16, 32, 64, cores].filter((n) => n <= cores))].sort((a, b) => a - b);
/** Stages and the threads they run on (lib/pipeline/match.ts). */
const STAGES: [string, (n: number) => string][] = [
  ["load_metadata_ms", () => "1 (main)"], ["inspect_pool_ms", () => "1 (main; DuckDB reads footers)"], ["build_automaton_ms", () => "1 (main)"],
  ["match_ms", (n) => `${n} workers + DuckDB reading`], ["collect_matches_ms", () => "DuckDB"], ["write_entry_counts_ms", () => "DuckDB"],
  ["write_matches_ms", () => "DuckDB (the size curve summed on main meanwhile)"], ["write_preview_ms", () => "DuckDB"], ["size_curve_ms", () => "1 (main) + DuckDB"],
];

const runs: { workers: number; wall: number; t: Record<string, number> }[] = [];
for (const workers of counts) {
  const out = path.join(OUT, `scaling-${workers}`);
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "match", "--metadata", metadata, "--pool", pool, "--out", out, "--workers", String(workers), "--progress", "none"], { encoding: "utf8" });
  if (r.status !== 0) { console.log(r.stderr); process.exit(1); }
  const wall = performance.now() - t0;
  runs.push({ workers, wall, t: JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).match.timings_ms });
  rmSync(out, { recursive: true, force: true });
}

const ms = (x: number) => `${Math.round(x).toLocaleString("en")} ms`;
console.log(`match, ${ROWS.toLocaleString("en")} LAION rows × 500k entries, ${cores} cores found; wall time of the command (process start to exit) and its stages:\n`);
console.log(["stage".padEnd(24), "threads".padEnd(48), ...runs.map((r) => `w=${r.workers}`.padStart(10))].join(" "));
for (const [stage, threads] of STAGES) console.log([stage.padEnd(24), threads(cores).padEnd(48), ...runs.map((r) => ms(r.t[stage] ?? 0).padStart(10))].join(" "));
console.log(["total_ms (in the run)".padEnd(24), "".padEnd(48), ...runs.map((r) => ms(r.t.total_ms).padStart(10))].join(" "));
console.log(["command wall".padEnd(24), "".padEnd(48), ...runs.map((r) => ms(r.wall).padStart(10))].join(" "));

const one = runs[0];
const serial = 1 - one.t.match_ms / one.wall;
const amdahl = (n: number) => 1 / (serial + (1 - serial) / n);
console.log(`\nserial fraction s = 1 − match_ms / wall at 1 worker = 1 − ${ms(one.t.match_ms)} / ${ms(one.wall)} = ${serial.toFixed(3)}   (goal ≤ 0.10)`);
console.log(`speedup, measured vs Amdahl's with that s:`);
for (const r of runs) console.log(`  ${String(r.workers).padStart(3)} workers: measured ${(one.wall / r.wall).toFixed(2)}×, Amdahl ${amdahl(r.workers).toFixed(2)}×`);
console.log(`Amdahl at 16 cores: ${amdahl(16).toFixed(2)}× (goal ≥ 11.2 = 0.7 × 16)`);
