// Memory benchmark (npm run bench:memory; issue 26, goal 4). Not a test: prints figures. `metacurate
// match` of 1,000,000 and of 10,000,000 distinct rows (LAION captions made distinct as in a crawl)
// against the 500k-entry list, at the same --memory-limit, through the real command: the peak RSS of
// each (the process's VmHWM, which the manifest records), the ratio 10M : 1M (the goal: ≤ 1.3), and
// the highest RSS sampled in each stage, to show where it grows. `-- --rows N` sets the large pool's rows, `-- --memory-limit GB` the cap (1).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { LAION_10K, REPO } from "../tests/support/fixtures";
import { laionBenchInputs } from "./laionInputs";

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const SMALL = 1_000_000;
const LARGE = arg("--rows", 10_000_000);
const LIMIT = arg("--memory-limit", 1);
const { out: OUT, captions, metadata500k: metadata } = await laionBenchInputs("bench:memory");

/** N distinct rows (url + "#" + n, caption + " " + n % 997), in files of 1M rows. */
async function pool(rows: number): Promise<string[]> {
  const files = Array.from({ length: Math.ceil(rows / SMALL) }, (_, i) => path.join(OUT, `distinct-${i}.parquet`));
  const con = await openDuckDB();
  try {
    for (const [i, f] of files.entries()) {
      if (existsSync(f)) continue;
      await con.run(`COPY (SELECT URL || '#' || CAST(n AS VARCHAR) AS URL, TEXT || ' ' || CAST(n % 997 AS VARCHAR) AS TEXT
          FROM (SELECT URL, TEXT, ${i * SMALL} + row_number() OVER () - 1 AS n FROM read_parquet(${sqlString(LAION_10K)}), range(${Math.ceil(SMALL / captions.length)}) LIMIT ${SMALL}))
        TO ${sqlString(f + ".tmp")} (FORMAT parquet)`);
      renameSync(f + ".tmp", f); // whole files only: a bench stopped midway leaves none half-written
    }
  } finally {
    con.closeSync();
  }
  return files;
}

interface Run { rows: number; wall: number; peakMb: number; byStage: Record<string, number>; timings: Record<string, number> }

/** One match, its RSS sampled every 100 ms from /proc and filed under the stage its --progress json last named. */
async function match(files: string[], rows: number): Promise<Run> {
  const out = path.join(OUT, `memory-${rows}`);
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "match", "--metadata", metadata, "--pool", ...files, "--out", out, "--memory-limit", String(LIMIT), "--progress", "json"]);
  let stage = "start", errors = "";
  const byStage: Record<string, number> = {};
  createInterface({ input: child.stderr }).on("line", (line) => {
    try { stage = (JSON.parse(line) as { step: string }).step ?? stage; } catch { errors += line + "\n"; }
  });
  child.stdout.resume();
  const sampler = setInterval(() => {
    const rss = /^VmRSS:\s*(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (rss) byStage[stage] = Math.max(byStage[stage] ?? 0, Math.round(Number(rss[1]) / 1024));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  if (code !== 0) { console.log(errors); process.exit(1); }
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).match;
  rmSync(out, { recursive: true, force: true });
  return { rows, wall: (performance.now() - t0) / 1000, peakMb: m.peak_rss_mb, byStage, timings: m.timings_ms };
}

const files = await pool(LARGE);
const small = await match(files.slice(0, 1), SMALL);
const large = await match(files, LARGE);
console.log(`match, distinct LAION rows × 500k entries, --memory-limit ${LIMIT} GB (peak RSS: the process's VmHWM, as the manifest records it)\n`);
for (const r of [small, large]) {
  console.log(`${r.rows.toLocaleString("en").padStart(11)} rows: peak RSS ${r.peakMb.toLocaleString("en")} MB, wall ${r.wall.toFixed(1)} s; stages (ms) ${Object.entries(r.timings).map(([k, v]) => `${k.replace(/_ms$/, "")} ${v}`).join(", ")}`);
  console.log(`${"".padStart(17)}highest RSS sampled in each stage (MB): ${Object.entries(r.byStage).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ")}`);
}
console.log(`\nbaseline = the 1M-row match: the ${(LARGE / SMALL).toFixed(0)}× pool peaks at ${(large.peakMb / small.peakMb).toFixed(2)}× its RSS (goal: ≤ 1.3×)`);
