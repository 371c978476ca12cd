/**
 * The dashboard benchmark's workspace, made by the engine: a synthetic pool of 1,000,000 captions, each
 * 1–4 entries of the 500k benchmark metadata (tests/support/metadataLists.ts) drawn with Zipf(1) over
 * a seeded shuffle of the list, curated with `metacurate curate --p 0.06`. Every caption matches, so
 * matches.parquet has 1,000,000 rows and entry_counts.parquet 500,000 entries with a long tail.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mulberry32 } from "../lib/demo/captions";
import { wordnetDbDir, wordnetLemmas } from "../lib/metadata/wordnet";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { laionCaptions, REPO } from "../tests/support/fixtures";
import { list500k } from "../tests/support/metadataLists";

export const BENCH_ROWS = 1_000_000;
export const BENCH_ENTRIES = 500_000;
const RECIPE = `zipf1-k1to4-rows${BENCH_ROWS}-entries${BENCH_ENTRIES}-seed7-v1`;

/** Builds `<dataDir>/<name>` unless a workspace from the same recipe is already there. */
export async function ensureDashboardWorkspace(dataDir: string, name: string): Promise<string> {
  const ws = path.join(dataDir, name);
  const stamp = path.join(ws, "bench-recipe.txt");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === RECIPE && existsSync(path.join(ws, "manifest.json"))) return ws;
  rmSync(ws, { recursive: true, force: true });
  const src = path.join(dataDir, `${name}-source`);
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });

  const t0 = performance.now();
  // DuckDB's JSON reader refuses lone surrogates, so the few such probe entries are left out
  const entries = (await list500k(await laionCaptions(), BENCH_ENTRIES + 10)).filter((e) => e.isWellFormed()).slice(0, BENCH_ENTRIES);
  const lemmas = new Set(await wordnetLemmas(wordnetDbDir()));
  const rng = mulberry32(7);
  const order = Uint32Array.from(entries.keys());
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  // usable entries only: no blanks, no whitespace at the ends (a caption is the entries joined by spaces)
  const usable = Array.from(order).filter((i) => entries[i].trim() === entries[i] && entries[i].length > 0 && !/[\n\r\t]/.test(entries[i]));
  const logN = Math.log(usable.length + 1);
  const lines: string[] = [];
  for (let row = 0; row < BENCH_ROWS; row++) {
    const k = 1 + Math.floor(rng() * 4), words: string[] = [];
    for (let j = 0; j < k; j++) words.push(entries[usable[Math.min(usable.length, Math.floor(Math.exp(rng() * logN))) - 1]]);
    const uid = createHash("md5").update(`bench:${row}`).digest("hex");
    lines.push(JSON.stringify({ uid, url: `https://img.example/${uid}.jpg`, text: words.join(" ") }));
  }
  const poolJson = path.join(src, "pool.ndjson"), metaJson = path.join(src, "metadata.ndjson");
  writeFileSync(poolJson, lines.join("\n") + "\n");
  writeFileSync(metaJson, entries.map((entry) => JSON.stringify({ entry, source: lemmas.has(entry) ? "wordnet" : "captions" })).join("\n") + "\n");
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT * FROM read_json(${sqlString(poolJson)}, format = 'newline_delimited', columns = {'uid': 'VARCHAR', 'url': 'VARCHAR', 'text': 'VARCHAR'}))
      TO ${sqlString(path.join(src, "pool.parquet"))} (FORMAT parquet)`);
    await con.run(`COPY (SELECT * FROM read_json(${sqlString(metaJson)}, format = 'newline_delimited', columns = {'entry': 'VARCHAR', 'source': 'VARCHAR'}))
      TO ${sqlString(path.join(src, "metadata.parquet"))} (FORMAT parquet)`);
  } finally {
    con.closeSync();
    rmSync(poolJson);
    rmSync(metaJson);
  }
  const curate = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "curate", "--metadata", path.join(src, "metadata.parquet"),
    "--pool", path.join(src, "pool.parquet"), "--out", ws, "--p", "0.06", "--seed", "0"], { stdio: ["ignore", "ignore", "inherit"] });
  if (curate.status !== 0) throw new Error("metacurate curate failed on the benchmark pool");
  writeFileSync(stamp, RECIPE);
  console.log(`built the benchmark workspace in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${ws}`);
  return ws;
}
