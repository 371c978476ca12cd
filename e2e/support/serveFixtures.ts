/** Makes the e2e workspaces with the real engine (the demo pool, curated) and a broken one, then serves them. */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { serve } from "../../bin/serve";
import { openDuckDB, queryRows, sqlString } from "../../lib/pool/duckdb";
import { BROKEN, E2E_DATA, FIXTURE, JOB_GATE, LOWERCASE, REPO, WEBDATASET, WORLDWIDE, WORLDWIDE_RUNS } from "./workspaces";

const port = Number(process.argv[2] ?? 3210);
rmSync(E2E_DATA, { recursive: true, force: true });
mkdirSync(E2E_DATA, { recursive: true });
writeFileSync(JOB_GATE, ""); // open: jobs (and the commands below) pass the pause point
const fixture = path.join(E2E_DATA, FIXTURE);
// the demo pool, curated, and its training experiment (raw, matched, a sweep of t; 2 seeds): the runs /evals shows (~75 s)
const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "demo", "--out", fixture, "--rows", "4000", "--experiment", "--seeds", "2"], { stdio: "inherit" });
if (r.status !== 0) throw new Error("could not build the fixture workspace");
const wds = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "demo", "--out", path.join(E2E_DATA, WEBDATASET), "--rows", "1500", "--webdataset"], { stdio: "inherit" });
if (wds.status !== 0) throw new Error("could not build the webdataset fixture workspace");
// the worldwide demo and its experiment (one seed); the experiment's runs then move out of the data directory
const worldwide = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "demo", "--worldwide", "--out", path.join(E2E_DATA, WORLDWIDE), "--rows", "3000", "--experiment", "--seeds", "1"], { stdio: "inherit" });
if (worldwide.status !== 0) throw new Error("could not build the worldwide fixture workspace");
rmSync(WORLDWIDE_RUNS, { recursive: true, force: true });
renameSync(path.join(E2E_DATA, `${WORLDWIDE}-experiment`), WORLDWIDE_RUNS);
// a short lower-case list over the same pool: the case-sensitivity note
writeFileSync(path.join(E2E_DATA, "lowercase-list.json"), JSON.stringify(["jumper", "tee", "kicks"]));
const lower = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "curate", "--metadata", path.join(E2E_DATA, "lowercase-list.json"), "--pool", path.join(fixture, "source", "pool.parquet"), "--out", path.join(E2E_DATA, LOWERCASE), "--t", "50", "--progress", "none"], { stdio: "inherit" });
if (lower.status !== 0) throw new Error("could not build the lower-case workspace");
// MetaCLIP-style metadata.json files to open beside the fixture's entry_counts: its own list, and one entry short
const con = await openDuckDB();
const entries = (await queryRows(con, `SELECT entry FROM read_parquet(${sqlString(path.join(fixture, "entry_counts.parquet"))}) ORDER BY entry_id`)).map((e) => String(e.entry));
con.closeSync();
writeFileSync(path.join(E2E_DATA, "metadata.json"), JSON.stringify(entries));
writeFileSync(path.join(E2E_DATA, "metadata-short.json"), JSON.stringify(entries.slice(0, -1)));
const broken = path.join(E2E_DATA, BROKEN);
mkdirSync(broken);
for (const f of ["manifest.json", "matches.parquet", "preview.parquet", "size_curve.parquet"]) cpSync(path.join(fixture, f), path.join(broken, f), { dereference: true });
writeFileSync(path.join(broken, "entry_counts.parquet"), "PAR1 this is not really parquet PAR1");
if (!existsSync(path.join(broken, "manifest.json"))) throw new Error("broken fixture incomplete");
await serve({ dataDir: E2E_DATA, port, host: "127.0.0.1", rebuild: false });
