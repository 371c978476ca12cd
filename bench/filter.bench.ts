// Filter benchmark (npm run bench:filter). Not a test: prints figures and ratios against a named
// baseline measured in the same run — DuckDB doing the same rule in one SQL query (read the pool,
// keep the rows, write them as parquet). Data: the 10,000 LAION captions of ../shared repeated to
// 1,000,000 DataComp-style rows (uid, url, text, original_width/height, both CLIP scores).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDuckDB, PARQUET_ROW_OPTIONS, sqlString } from "../lib/pool/duckdb";
import { LAION_10K, REPO, hasLaion } from "../tests/support/fixtures";

const ROWS = Number(process.argv.find((a) => a.startsWith("--rows="))?.slice(7) ?? 1_000_000);
const OUT = path.join(REPO, "bench/out/filter");
if (!hasLaion) {
  console.log(`bench:filter needs ${LAION_10K}`);
  process.exit(1);
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const pool = path.join(OUT, "pool.parquet");
const fmt = (x: number) => Math.round(x).toLocaleString("en");

const con = await openDuckDB(path.join(OUT, "spill"));
await con.run(`COPY (SELECT md5('row' || i) AS uid, 'http://example.invalid/' || i AS url, c.TEXT AS text,
    100 + (i * 37) % 900 AS original_width, 100 + (i * 53) % 900 AS original_height,
    ((i * 7919) % 1000) / 1000.0 AS clip_b32_similarity_score, ((i * 104729) % 1000) / 1000.0 AS clip_l14_similarity_score
  FROM range(${ROWS}) t(i) JOIN (SELECT file_row_number AS k, TEXT FROM read_parquet(${sqlString(LAION_10K)}, file_row_number = true)) c ON c.k = i % 10000
  ORDER BY i) TO ${sqlString(pool)} (${PARQUET_ROW_OPTIONS})`);
console.log(`data: ${fmt(ROWS)} DataComp-style rows (the LAION captions repeated), ${os.availableParallelism()} cores\n`);

/** The same rule in one DuckDB query: read, keep, write parquet. Lengths by DuckDB's own functions (close to Python's, not exact). */
const SQL: Record<string, string> = {
  no_filter: "true",
  basic_lid_none: `len(string_split_regex(trim(text), '\\s+')) > 2 AND length(text) > 5 AND least(original_width, original_height) >= 200
    AND greatest(original_width, original_height) / least(original_width, original_height) <= 3`,
  clip_score_fraction: `clip_l14_similarity_score >= (SELECT clip_l14_similarity_score FROM read_parquet(${sqlString(pool)}) ORDER BY clip_l14_similarity_score DESC NULLS LAST LIMIT 1 OFFSET ${Math.floor(ROWS * 0.3)})`,
  laion2b_score_only: "clip_b32_similarity_score >= 0.28",
};

async function duck(name: string): Promise<{ s: number; kept: number }> {
  const t0 = performance.now();
  const r = await con.runAndReadAll(`COPY (SELECT * FROM read_parquet(${sqlString(pool)}) WHERE ${SQL[name]}) TO ${sqlString(path.join(OUT, `duck-${name}.parquet`))} (${PARQUET_ROW_OPTIONS})`);
  return { s: (performance.now() - t0) / 1000, kept: Number(r.getRows()[0][0]) };
}

function ours(args: string[], out: string): { s: number; kept: number; filterMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "filter", "--pool", pool, "--out", path.join(OUT, out), ...args, "--progress", "none"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(readFileSync(path.join(OUT, out, "manifest.json"), "utf8")).filter;
  return { s: (performance.now() - t0) / 1000, kept: m.rows_kept, filterMs: m.timings_ms.filter_ms };
}

const rows: string[][] = [["rule", "metacurate filter", "rows/s", "of which per-row pass", "DuckDB, one query (baseline)", "rows/s", "ratio", "kept (ours / DuckDB's)"]];
const cases: { rule: string; args: string[]; baseline: string }[] = [
  { rule: "no_filter", args: ["--name", "no_filter"], baseline: "no_filter" },
  { rule: "basic_filter --lid none", args: ["--name", "basic_filter", "--lid", "none"], baseline: "basic_lid_none" },
  { rule: "clip_score --arch l14 --fraction 0.3", args: ["--name", "clip_score", "--arch", "l14", "--fraction", "0.3"], baseline: "clip_score_fraction" },
  { rule: "basic_filter (fastText)", args: ["--name", "basic_filter"], baseline: "basic_lid_none" },
  { rule: "laion2b (CLD3)", args: ["--name", "laion2b"], baseline: "laion2b_score_only" },
];
for (const c of cases) {
  const d = await duck(c.baseline);
  const o = ours(c.args, c.rule.replace(/\W+/g, "-"));
  rows.push([c.rule, `${o.s.toFixed(2)} s`, fmt(ROWS / o.s), `${(o.filterMs / 1000).toFixed(2)} s`, `${d.s.toFixed(2)} s${c.baseline !== c.rule.split(" ")[0] && c.rule.includes("(") ? " (no language ID)" : ""}`, fmt(ROWS / d.s), `${(o.s / d.s).toFixed(1)}x`, `${fmt(o.kept)} / ${fmt(d.kept)}`]);
}
con.closeSync();
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
console.log("\nratio: metacurate's wall time (a process: reads the pool, checks every row in JS with Python's rules, writes subset.npy, filtered.parquet with every column, language.parquet, hashes the pool) over DuckDB's one query (no subset.npy, no hashing, DuckDB's own word split).");
