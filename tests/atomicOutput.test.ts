// Output folders are committed in one step and locked: `kill -9` anywhere in a `curate` (the
// commit included) leaves the old outputs or the new ones, never a mix; a rerun is byte-identical
// and leaves no temporary folder; two runs cannot write one folder; inputs inside --out are never
// overwritten; an --out that cannot be made fails at once.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { OUTPUT_NAMES } from "../lib/util/stagedOutput";
import { cli } from "./support/cli";
import { REPO, tempDir, writeParquet } from "./support/fixtures";

const CURATE_OUTPUTS = ["manifest.json", "matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet", "curated.parquet", "subset.npy"];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 2 ** 32; };
}

async function makePool(file: string, rows: number, seed: number): Promise<void> {
  const next = rng(seed);
  const words = ["dog", "hot dog", "cat", "red car", "photo", "the", "a", "tree", "house", "blue"];
  await writeParquet(file, Array.from({ length: rows }, (_, i) => ({
    uid: createHash("md5").update(`${seed}:${i}`).digest("hex"),
    url: `http://example.com/${seed}/${i}.jpg`,
    text: Array.from({ length: 1 + Math.floor(next() * 8) }, () => words[Math.floor(next() * words.length)]).join(" "),
  })));
}

/** What the folder holds: each output name that resolves, by content hash (the manifest by its inputs and t, as it records timings). */
function folderState(dir: string): Record<string, string> {
  const state: Record<string, string> = {};
  const generations = new Set<string>();
  for (const name of OUTPUT_NAMES) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    generations.add(path.dirname(realpathSync(file)));
    if (name === "manifest.json") {
      const m = JSON.parse(readFileSync(file, "utf8"));
      state[name] = JSON.stringify([m.match.pool.files.map((f: { sha256: string }) => f.sha256), m.balance?.t]);
    } else {
      state[name] = createHash("sha256").update(readFileSync(file)).digest("hex");
    }
  }
  assert.ok(generations.size <= 1, `outputs resolve into ${generations.size} folders: ${[...generations].join(", ")}`);
  return state;
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(".metacurate-") && n !== ".metacurate-current" && !n.startsWith(".metacurate-gen-"))
    .concat(readdirSync(dir).filter((n) => n.startsWith(".metacurate-gen-")).slice(1));
}

interface Setup { dir: string; metadata: string; poolOld: string; poolNew: string; refOld: Record<string, string>; refNew: Record<string, string>; }

async function setup(t: { after: (fn: () => void) => void }): Promise<Setup> {
  const dir = tempDir(t);
  const metadata = path.join(dir, "metadata.json");
  writeFileSync(metadata, JSON.stringify(["dog", "hot dog", "cat", "red car", "photo", "tree", "house", "blue"]));
  const poolOld = path.join(dir, "old.parquet"), poolNew = path.join(dir, "new.parquet");
  await makePool(poolOld, 2_000, 1);
  await makePool(poolNew, 150_000, 2);
  const refs = [path.join(dir, "ref-old"), path.join(dir, "ref-new")];
  assert.equal(cli("curate", "--metadata", metadata, "--pool", poolOld, "--out", refs[0], "--t", "300").code, 0);
  assert.equal(cli("curate", "--metadata", metadata, "--pool", poolNew, "--out", refs[1], "--t", "5000").code, 0);
  return { dir, metadata, poolOld, poolNew, refOld: folderState(refs[0]), refNew: folderState(refs[1]) };
}

const curateNew = (s: Setup, out: string) => ["curate", "--metadata", s.metadata, "--pool", s.poolNew, "--out", out, "--t", "5000"];

/** Starts the CLI; kills it with SIGKILL when `when` says so (a time in ms, or a line on stderr). */
function runAndKill(args: string[], env: Record<string, string>, when: { afterMs?: number; onLine?: string }): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let killed = false;
    const kill = () => { if (!killed && child.exitCode === null) { killed = true; child.kill("SIGKILL"); } };
    if (when.afterMs !== undefined) setTimeout(kill, when.afterMs);
    let err = "";
    child.stderr.on("data", (d) => { err += d; if (when.onLine && err.includes(when.onLine)) kill(); });
    child.on("exit", (code) => resolve({ killed, code }));
  });
}

test("kill -9 at every step of the commit and at random points: the folder is the old run's or the new one's; a rerun is byte-identical and clean", async (t) => {
  const s = await setup(t);
  const base = path.join(s.dir, "base");
  assert.equal(cli("curate", "--metadata", s.metadata, "--pool", s.poolOld, "--out", base, "--t", "300").code, 0);
  const labels = ["commit:staged", "commit:links", "commit:swapped", "commit:unlinked", "commit:old-removed"];
  const next = rng(42);
  const points: { afterMs?: number; onLine?: string; label: string }[] = labels.map((l) => ({ onLine: `paused at ${l}`, label: l }));
  for (let i = 0; i < 6; i++) { const ms = Math.round(100 + next() * 2500); points.push({ afterMs: ms, label: `${ms} ms` }); }
  const seen = new Set<string>();
  for (const point of points) {
    const out = path.join(s.dir, `kill-${point.label.replace(/\W/g, "_")}`);
    cpSync(base, out, { recursive: true, verbatimSymlinks: true });
    const env: Record<string, string> = point.onLine ? { METACURATE_PAUSE_AT: point.label } : {};
    const r = await runAndKill(curateNew(s, out), env, point);
    const state = folderState(out);
    const which = JSON.stringify(state) === JSON.stringify(s.refOld) ? "old" : JSON.stringify(state) === JSON.stringify(s.refNew) ? "new" : "mix";
    assert.notEqual(which, "mix", `killed at ${point.label} (killed: ${r.killed}): ${JSON.stringify(state)}`);
    if (point.onLine) assert.ok(r.killed, `never reached ${point.label}`);
    seen.add(which);
    // the dead run's lock and generation do not stop the next run, which cleans them up
    const again = cli(...curateNew(s, out));
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(folderState(out), s.refNew, `rerun after a kill at ${point.label}`);
    assert.deepEqual(leftovers(out), [], `rerun after a kill at ${point.label} left temporary files`);
  }
  assert.deepEqual([...seen].sort(), ["new", "old"], "the kills landed both before and after the commit point");
});

test("a folder written by an older version (plain files) is replaced whole; dead runs' temporary folders are removed", async (t) => {
  const s = await setup(t);
  const out = path.join(s.dir, "legacy");
  mkdirSync(out);
  for (const name of CURATE_OUTPUTS) cpSync(path.join(s.dir, "ref-old", name), path.join(out, name)); // plain files, as before generations
  mkdirSync(path.join(out, ".metacurate-tmp-abc123"));
  writeFileSync(path.join(out, ".metacurate-tmp-abc123", "curated.parquet"), Buffer.alloc(1 << 20));
  mkdirSync(path.join(out, ".metacurate-gen-dead01"));
  writeFileSync(path.join(out, ".metacurate-gen-dead01", "matches.parquet"), "half");
  const r = cli(...curateNew(s, out));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(folderState(out), s.refNew);
  assert.deepEqual(leftovers(out), []);
});

test("two runs cannot write one --out at once; the second is refused naming the first", async (t) => {
  const s = await setup(t);
  const out = path.join(s.dir, "busy");
  const release = path.join(s.dir, "release");
  // the first run holds at its commit until the second has been refused
  const first = spawn(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), ...curateNew(s, out)],
    { env: { ...process.env, METACURATE_PAUSE_AT: "commit:staged", METACURATE_PAUSE_UNTIL: release }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve) => first.stderr.on("data", (d) => { if (String(d).includes("paused at")) resolve(); }));
  const second = cli("curate", "--metadata", s.metadata, "--pool", s.poolOld, "--out", out, "--t", "300");
  assert.equal(second.code, 4, second.stderr);
  assert.match(second.stderr, new RegExp(`is being written by another metacurate run \\(pid ${first.pid} `));
  writeFileSync(release, "");
  const code = await new Promise((resolve) => first.on("exit", resolve));
  assert.equal(code, 0);
  assert.deepEqual(folderState(out), s.refNew, "the first run's outputs, untouched by the second");
});

test("an input inside --out named like an output, or an earlier output used as input, is refused and left as it was", async (t) => {
  const s = await setup(t);
  const out = path.join(s.dir, "inputs");
  mkdirSync(out);
  const userPool = path.join(out, "matches.parquet");
  cpSync(s.poolOld, userPool);
  const before = readFileSync(userPool);
  const r = cli("curate", "--metadata", s.metadata, "--pool", userPool, "--out", out, "--t", "5");
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /--pool .*matches\.parquet is inside the output folder .* and would be replaced/);
  assert.deepEqual(readFileSync(userPool), before);
  // metadata built into a folder, then used for a run into the same folder
  const meta = path.join(s.dir, "meta"), counts = path.join(s.dir, "counts.tsv");
  writeFileSync(counts, "dog\t500\ncat\t400\n");
  assert.equal(cli("metadata", "build", "--out", meta, "--unigrams", counts, "--min-count", "1").code, 0);
  const metaFile = path.join(meta, "metadata.json");
  const metaBefore = readFileSync(metaFile);
  const r2 = cli("curate", "--metadata", metaFile, "--pool", s.poolOld, "--out", meta, "--t", "5");
  assert.equal(r2.code, 4, r2.stderr);
  assert.match(r2.stderr, /--metadata .*metadata\.json is inside the output folder/);
  assert.deepEqual(readFileSync(metaFile), metaBefore);
  // balance in place reads the workspace's own outputs and keeps them: allowed
  const ws = path.join(s.dir, "ws");
  assert.equal(cli("curate", "--metadata", s.metadata, "--pool", s.poolOld, "--out", ws, "--t", "300").code, 0);
  const matches = readFileSync(path.join(ws, "matches.parquet"));
  const b = cli("balance", "--in", ws, "--t", "100");
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(readFileSync(path.join(ws, "matches.parquet")), matches);
  assert.equal(JSON.parse(readFileSync(path.join(ws, "manifest.json"), "utf8")).balance.t, 100);
  assert.deepEqual(leftovers(ws), []);
  // into another folder: a whole workspace, its match outputs hard links to the input's
  const other = path.join(s.dir, "ws-other");
  assert.equal(cli("balance", "--in", ws, "--t", "50", "--out", other).code, 0);
  for (const name of ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet"]) {
    assert.equal(statSync(path.join(other, name)).ino, statSync(path.join(ws, name)).ino, name);
  }
  assert.equal(JSON.parse(readFileSync(path.join(other, "manifest.json"), "utf8")).balance.t, 50);
});

test("an --out under /proc (or another place no folder can be made) fails at once with the place named", (t) => {
  const dir = tempDir(t);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, "[\"dog\"]");
  for (const out of ["/proc/x", "/proc/self/x/y", "/sys/x"]) {
    const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "match", "--metadata", metadata, "--pool", metadata, "--out", out],
      { encoding: "utf8", timeout: 20_000 });
    assert.equal(r.signal, null, `${out}: still running after 20 s`);
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot write output folder ${out}: cannot create `));
  }
});
