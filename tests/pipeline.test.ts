// match → balance → curated outputs through the real CLI: reproducibility, sharding, formats.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { draw } from "../lib/curation/draw";
import { ExpectedSize, keepProbability } from "../lib/curation/balance";
import { readUidNpy } from "../lib/pool/npy";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { MIN_MEMORY_LIMIT_GB } from "../lib/pipeline/stagedRun";
import { tToP } from "../lib/curation/threshold";
import { runBalance } from "../lib/pipeline/balance";
import { runCurate } from "../lib/pipeline/curate";
import { runMatch, writePreview } from "../lib/pipeline/match";
import { cli, cliWith } from "./support/cli";
import { bundleIsFresh } from "../bin/bundle.mjs";
import { LAION_10K, LAION_SKIP, readParquet, tempDir, writeParquet } from "./support/fixtures";

const DATA_FILES = ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet", "curated.parquet", "subset.npy"];

function sha(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function fileHashes(dir: string): Record<string, string> {
  return Object.fromEntries(DATA_FILES.filter((f) => readdirSync(dir).includes(f)).map((f) => [f, sha(path.join(dir, f))]));
}

const METADATA = ["dog", "photo", "of", "the", "a", "Black", "red car", "T-shirt", "St. Louis", "Image", "and", "for", "with", "in",
  "white", "background", "vector", "on", "de", "to", "women", "New", "New York", "set", "design", "wedding", "art", "stock"];

async function splitInto(file: string, parts: number, dir: string): Promise<string[]> {
  const con = await openDuckDB();
  try {
    const n = Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(file)})`)).getRows()[0][0]);
    const files: string[] = [];
    const size = Math.ceil(n / parts);
    for (let k = 0; k < parts; k++) {
      const f = path.join(dir, `part-${k}.parquet`);
      await con.run(`COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(file)}, file_row_number = true)
        WHERE file_row_number >= ${k * size} AND file_row_number < ${(k + 1) * size} ORDER BY file_row_number) TO ${sqlString(f)} (FORMAT parquet)`);
      files.push(f);
    }
    return files;
  } finally {
    con.closeSync();
  }
}

async function demoPool(dir: string, rows = 3000): Promise<string> {
  // DataComp style: uid column of 32 hex digits
  const words = ["dog", "photo", "of", "the", "a", "Black", "red car", "T-shirt", "white", "New York", "art", "wedding", "x", "y"];
  const data = Array.from({ length: rows }, (_, i) => ({
    uid: createHash("md5").update(`row${i}`).digest("hex"),
    url: `https://img.example/${i}.jpg`,
    text: Array.from({ length: 1 + (i % 7) }, (_, k) => words[(i * 31 + k * 17) % words.length]).join(k2(i)),
  }));
  const file = path.join(dir, "pool.parquet");
  await writeParquet(file, data);
  return file;
}
function k2(i: number): string { return i % 5 === 0 ? ", " : " "; }

/** A DataComp-style demo pool matched into dir/ws by the real command. */
async function matchedWorkspace(t: { after: (fn: () => void) => void }): Promise<{ dir: string; pool: string; ws: string }> {
  const dir = tempDir(t);
  const pool = await demoPool(dir);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(METADATA));
  const ws = path.join(dir, "ws");
  const r = cli("match", "--metadata", metadata, "--pool", pool, "--out", ws);
  assert.equal(r.code, 0, r.stderr);
  return { dir, pool, ws };
}

test("1 worker, 2 workers and the pool split into 7 files give byte-identical outputs", { skip: LAION_SKIP, timeout: 300_000 }, async (t) => {
  const dir = tempDir(t);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(METADATA));
  const shards = await splitInto(LAION_10K, 7, dir);
  const runs = [
    ["--pool", LAION_10K, "--workers", "1"],
    ["--pool", LAION_10K, "--workers", "2"],
    ["--pool", ...shards, "--workers", "2"],
  ].map((args, k) => {
    const out = path.join(dir, `out${k}`);
    const r = cli("curate", "--metadata", metadata, ...args, "--out", out, "--t", "150", "--seed", "7");
    assert.equal(r.code, 0, r.stderr);
    return out;
  });
  const hashes = runs.map(fileHashes);
  assert.deepEqual(Object.keys(hashes[0]).sort(), ["curated.parquet", "entry_counts.parquet", "matches.parquet", "preview.parquet", "size_curve.parquet", "subset.npy"]);
  assert.deepEqual(hashes[1], hashes[0]);
  assert.deepEqual(hashes[2], hashes[0]);
  const manifests = runs.map((d) => JSON.parse(readFileSync(path.join(d, "manifest.json"), "utf8")));
  assert.equal(manifests[2].match.pool.files.length, 7);
  assert.equal(manifests[0].balance.expected_size, manifests[2].balance.expected_size);
});

test("the bundled command (dist/) and the command run from source write byte-identical outputs", async (t) => {
  assert.ok(bundleIsFresh(), "dist/ is missing or older than the sources: npm test builds it first (npm run build:cli)");
  const dir = tempDir(t);
  const pool = await demoPool(dir);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(METADATA));
  const envs: Record<string, string>[] = [{}, { METACURATE_FROM_SOURCE: "1" }];
  const [bundled, source] = envs.map((env, k) => {
    const out = path.join(dir, `out${k}`);
    const r = cliWith(env, "curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100", "--seed", "5", "--workers", "2");
    assert.equal(r.code, 0, r.stderr);
    return out;
  });
  assert.deepEqual(Object.keys(fileHashes(bundled)).length, DATA_FILES.length);
  assert.deepEqual(fileHashes(bundled), fileHashes(source));
});

test("same seed → same files; another seed → another sample; manifest records hash, t, seed and counts", async (t) => {
  const dir = tempDir(t);
  const pool = await demoPool(dir);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(METADATA));
  const run = (name: string, seed: string) => {
    const out = path.join(dir, name);
    const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100", "--seed", seed);
    assert.equal(r.code, 0, r.stderr);
    return out;
  };
  const a = run("a", "1"), b = run("b", "1"), c = run("c", "2");
  assert.deepEqual(fileHashes(a), fileHashes(b));
  assert.notEqual(fileHashes(a)["curated.parquet"], fileHashes(c)["curated.parquet"]);
  const m = JSON.parse(readFileSync(path.join(a, "manifest.json"), "utf8"));
  assert.equal(m.balance.t, 100);
  assert.equal(m.balance.seed, 1);
  assert.match(m.balance.metadata_hash, /^[0-9a-f]{64}$/);
  assert.equal(m.balance.metadata_hash, createHash("sha256").update(JSON.stringify(METADATA)).digest("hex"));
  assert.equal(m.match.rows_read, 3000);
  assert.equal(m.match.pool.files[0].sha256, sha(pool));
  assert.ok(m.balance.rows_kept > 0 && m.balance.rows_kept < m.match.rows_matched);
  // peak resident memory: at least the Node runtime's own, and it does not fall from match to balance (one
  // process); Linux reads its RSS counters per CPU, approximately (6.2+), so a reading may be ~1 MB under the last
  assert.ok(m.match.peak_rss_mb > 20 && m.balance.peak_rss_mb >= m.match.peak_rss_mb - 2, `${m.match.peak_rss_mb} / ${m.balance.peak_rss_mb} MB`);
});

test("preview.parquet holds the matched pairs whose md5(uid) sorts first, with their url, text and entry ids", async (t) => {
  const { pool, ws } = await matchedWorkspace(t);
  const preview = await readParquet(path.join(ws, "preview.parquet"));
  const matches = new Map((await readParquet(path.join(ws, "matches.parquet"))).map((m) => [m.uid as string, m.entry_ids]));
  const poolRows = new Map((await readParquet(pool)).map((x) => [x.uid as string, x]));
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  const expectedUids = [...matches.keys()].sort((a, b) => (md5(a) < md5(b) ? -1 : md5(a) > md5(b) ? 1 : 0)).slice(0, 20_000);
  assert.deepEqual(preview.map((p) => p.uid), expectedUids);
  for (const p of preview) {
    assert.deepEqual(p.entry_ids, matches.get(p.uid as string));
    assert.equal(p.text, poolRows.get(p.uid as string)!.text);
    assert.equal(p.url, poolRows.get(p.uid as string)!.url);
  }
});

test("the preview's md5 cutoff picks the rows that sorting every row picks, and falls back when too few pass it", async (t) => {
  const { pool, ws } = await matchedWorkspace(t);
  const { match } = JSON.parse(readFileSync(path.join(ws, "manifest.json"), "utf8"));
  const poolDesc = { files: match.pool.files, textColumn: match.pool.columns.text, urlColumn: match.pool.columns.url, uidColumn: match.pool.columns.uid, rows: match.rows_read };
  const poolRows = await readParquet(pool);
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  const target = path.join(ws, "preview-test.parquet");
  const con = await openDuckDB();
  try {
    await con.run(`CREATE TABLE matched AS SELECT file_row_number AS k, uid, entry_ids, pool_row
      FROM read_parquet(${sqlString(path.join(ws, "matches.parquet"))}, file_row_number = true)`);
    const matched = await readParquet(path.join(ws, "matches.parquet"));
    for (const limit of [40, 600]) {
      assert.ok(2 * limit < matched.length, "the cutoff applies");
      await writePreview(con, poolDesc, target, matched.length, limit);
      const order = matched.map((m, k) => ({ k, h: md5(m.uid as string) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : a.k - b.k)).slice(0, limit);
      const got = await readParquet(target);
      assert.deepEqual(got.map((g) => g.uid), order.map((o) => matched[o.k].uid), `limit ${limit}`);
      assert.deepEqual(got.map((g) => g.url), order.map((o) => poolRows[Number(matched[o.k].pool_row)].url));
    }
    // one uid whose md5 ("0cc175b9…") sorts after the cutoff ("08888888" at 40 of 3000 rows): none pass it
    await con.run(`UPDATE matched SET uid = 'a'`);
    await writePreview(con, poolDesc, target, matched.length, 40);
    const got = await readParquet(target);
    assert.deepEqual(got.map((g) => g.url), matched.slice(0, 40).map((m) => poolRows[Number(m.pool_row)].url), "the first 40 rows, in k order");
  } finally {
    con.closeSync();
  }
});

test("curated rows are exactly those whose draw falls below their keep probability; subset.npy matches", async (t) => {
  const { pool, ws: out } = await matchedWorkspace(t);
  const r = cli("balance", "--in", out, "--t", "80", "--seed", "3");
  assert.equal(r.code, 0, r.stderr);
  const counts = (await readParquet(path.join(out, "entry_counts.parquet"))).map((x) => Number(x.count));
  const matches = await readParquet(path.join(out, "matches.parquet"));
  const poolRows = new Map((await readParquet(pool)).map((x) => [x.uid as string, x]));
  const expected = matches.flatMap((m) => {
    const ids = m.entry_ids as number[];
    const p = keepProbability(ids, 0, ids.length, counts, 80);
    return draw(3, m.uid as string) < p ? [{ uid: m.uid, url: poolRows.get(m.uid as string)!.url, text: poolRows.get(m.uid as string)!.text, p_keep: p, entry_ids: ids }] : [];
  });
  const curated = await readParquet(path.join(out, "curated.parquet"));
  assert.deepEqual(curated, expected);
  const npy = readFileSync(path.join(out, "subset.npy"));
  assert.equal(npy.subarray(0, 6).toString("latin1"), "\x93NUMPY");
  assert.equal(npy.length, 128 + 16 * curated.length);
  assert.equal(npy.subarray(10, 128).toString("latin1"),
    `{'descr': [('f0', '<u8'), ('f1', '<u8')], 'fortran_order': False, 'shape': (${curated.length},), }`.padEnd(117, " ") + "\n");
  assert.deepEqual(readUidNpy(npy), curated.map((x) => x.uid as string).sort());
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(m.balance.rows_kept, curated.length);
  assert.ok(Math.abs(m.balance.expected_size - expected.length) < 5 * Math.sqrt(matches.length), "kept count near its expectation");
});

test("curate = match then balance, byte for byte; a repeated uid keeps each row's own url and text", async (t) => {
  const dir = tempDir(t);
  // DataComp style, but rows 2000.. repeat the uids of rows 0.. with other urls and captions
  const words = ["dog", "photo", "of", "the", "a", "Black", "red car", "T-shirt", "white", "New York", "art", "wedding", "x", "y"];
  const data = Array.from({ length: 3000 }, (_, i) => ({
    uid: createHash("md5").update(`row${i % 2000}`).digest("hex"),
    url: `https://img.example/${i}.jpg`,
    text: Array.from({ length: 1 + (i % 7) }, (_, k) => words[(i * 37 + k * 11) % words.length]).join(" "),
  }));
  const pool = path.join(dir, "pool.parquet");
  await writeParquet(pool, data);
  const shards = await splitInto(pool, 3, dir);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(METADATA));
  const curated = path.join(dir, "curated"), matched = path.join(dir, "matched");
  assert.equal(cli("curate", "--metadata", metadata, "--pool", ...shards, "--out", curated, "--t", "80", "--seed", "3").code, 0);
  assert.equal(cli("match", "--metadata", metadata, "--pool", ...shards, "--out", matched).code, 0);
  const r = cli("balance", "--in", matched, "--t", "80", "--seed", "3");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fileHashes(matched), fileHashes(curated));
  const { match } = JSON.parse(readFileSync(path.join(curated, "manifest.json"), "utf8"));
  assert.deepEqual(match.pool.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256]), shards.map((f) => [f, sha(f)]), "each shard's own sha256, in order");

  const counts = (await readParquet(path.join(curated, "entry_counts.parquet"))).map((x) => Number(x.count));
  const matches = await readParquet(path.join(curated, "matches.parquet"));
  assert.deepEqual(matches.map((m) => Number(m.pool_row)), [...matches.map((m) => Number(m.pool_row))].sort((a, b) => a - b), "in pool order");
  const expected = matches.flatMap((m) => {
    const ids = m.entry_ids as number[];
    const p = keepProbability(ids, 0, ids.length, counts, 80);
    const row = data[Number(m.pool_row)];
    assert.equal(row.uid, m.uid);
    return draw(3, m.uid as string) < p ? [{ uid: row.uid, url: row.url, text: row.text, p_keep: p, entry_ids: ids }] : [];
  });
  const got = await readParquet(path.join(curated, "curated.parquet"));
  assert.deepEqual(got, expected);
  assert.ok(got.some((g) => Number(/(\d+)\.jpg$/.exec(g.url as string)![1]) >= 2000), "some kept rows repeat an earlier uid");
});

test("curated.parquet written slice by slice (and subset.npy from spilled runs) is the same, byte for byte, however the pool is sharded", async (t) => {
  const dir = tempDir(t);
  const pool = await demoPool(dir);
  const shards = await splitInto(pool, 3, dir);
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify(METADATA));
  const balance = { t: 100, seed: 4 };
  // the sliced runs also sort subset.npy's uids in spilled runs of 300
  const curate = async (name: string, files: string[], sliceRows?: number) => {
    const out = path.join(dir, name);
    const slices = sliceRows ? { curatedSlices: { oneStatementMax: sliceRows, sliceRows }, subsetRunRecords: 300 } : {};
    await runCurate(out, { metadata, pool: files, columns: {}, ...balance, ...slices });
    return path.join(out, "curated.parquet");
  };
  const whole = await curate("whole", [pool]);
  const sliced = await curate("sliced", [pool], 700);
  const shardedSliced = await curate("sharded", shards, 700);
  const expected = await readParquet(whole);
  const { match } = JSON.parse(readFileSync(path.join(dir, "whole", "manifest.json"), "utf8"));
  assert.ok(match.rows_matched > 2 * 700 && expected.length > 0, `${match.rows_matched} matched rows: more than two slices`);
  assert.deepEqual(await readParquet(sliced), expected);
  assert.equal(sha(shardedSliced), sha(sliced));
  const subset = (curated: string) => sha(path.join(path.dirname(curated), "subset.npy"));
  assert.equal(subset(sliced), subset(whole));
  assert.equal(subset(shardedSliced), subset(whole));
  // balance from a workspace on disk takes the same path
  const matched = path.join(dir, "matched");
  await runMatch(matched, { metadata, pool: shards, columns: {} });
  await runBalance(matched, undefined, { ...balance, curatedSlices: { oneStatementMax: 700, sliceRows: 700 }, subsetRunRecords: 300 });
  assert.equal(sha(path.join(matched, "curated.parquet")), sha(sliced));
  assert.equal(sha(path.join(matched, "subset.npy")), subset(whole));
});

test("raising t only adds rows; --p picks t = p_to_t(counts, p)", async (t) => {
  const { dir, ws } = await matchedWorkspace(t);
  const keptAt = async (t: string) => {
    const out = path.join(dir, `t${t}`);
    assert.equal(cli("balance", "--in", ws, "--t", t, "--out", out).code, 0);
    return new Set((await readParquet(path.join(out, "curated.parquet"))).map((x) => x.uid));
  };
  const small = await keptAt("30"), large = await keptAt("300");
  for (const uid of small) assert.ok(large.has(uid));
  assert.ok(large.size > small.size);
  const s = cli("stats", "--in", ws, "--p", "0.2", "--json");
  assert.equal(s.code, 0, s.stderr);
  const stats = JSON.parse(s.stdout);
  const counts = (await readParquet(path.join(ws, "entry_counts.parquet"))).map((x) => Number(x.count)).sort((a, b) => a - b);
  const total = counts.reduce((a, b) => a + b, 0);
  let cum = 0, best = Infinity, tExp = 0;
  for (const c of counts) { cum += c; const d = Math.abs(cum / total - 0.2); if (d < best) { best = d; tExp = c; } }
  assert.equal(stats.at_t.t, tExp);
  const b = cli("balance", "--in", ws, "--p", "0.2", "--out", path.join(dir, "p"));
  assert.equal(b.code, 0, b.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(dir, "p", "manifest.json"), "utf8")).balance.t, tExp);
});

test("size_curve.parquet holds the exact expected size on a log grid, matching stats at those t", async (t) => {
  const { ws } = await matchedWorkspace(t);
  const curve = await readParquet(path.join(ws, "size_curve.parquet"));
  const ts = curve.map((r) => Number(r.t));
  assert.equal(ts[0], 1);
  const counts = (await readParquet(path.join(ws, "entry_counts.parquet"))).map((x) => Number(x.count));
  assert.equal(ts[ts.length - 1], Math.max(...counts));
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] > ts[i - 1]);
  for (const row of curve) {
    assert.equal(row.tail_share, tToP(counts, Number(row.t)), `tail share at t = ${row.t}`);
    assert.equal(Number(row.head_entries), counts.filter((c) => c > Number(row.t)).length, `head entries at t = ${row.t}`);
  }
  const matches = await readParquet(path.join(ws, "matches.parquet"));
  for (const row of [curve[3], curve[Math.floor(curve.length / 2)], curve[curve.length - 1]]) {
    const sum = new ExpectedSize();
    for (const m of matches) { const ids = m.entry_ids as number[]; sum.add(keepProbability(ids, 0, ids.length, counts, Number(row.t))); }
    const e = sum.value;
    assert.equal(row.expected_size, e, `t = ${row.t}`);
    const s = JSON.parse(cli("stats", "--in", ws, "--t", String(row.t), "--json").stdout);
    assert.equal(s.at_t.expected_size, e);
  }
  assert.equal(curve[curve.length - 1].expected_size, matches.length);
});

test("LAION-style pools get md5(url \\t text) uids and a subset.npy; non-hex uids get none, and a stale one is removed", async (t) => {
  const dir = tempDir(t);
  const pool = path.join(dir, "laion.parquet");
  await writeParquet(pool, [
    { URL: "http://a", TEXT: "a photo of a dog" },
    { URL: null, TEXT: "Black dog" },
    { URL: "http://c", TEXT: "nothing here" },
  ]);
  const metadata = path.join(dir, "m.txt");
  writeFileSync(metadata, "dog\nphoto\n");
  const out = path.join(dir, "ws");
  const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "1000");
  assert.equal(r.code, 0, r.stderr);
  const curated = await readParquet(path.join(out, "curated.parquet"));
  assert.deepEqual(curated.map((x) => x.uid), [
    createHash("md5").update("http://a\ta photo of a dog").digest("hex"),
    createHash("md5").update("\tBlack dog").digest("hex"),
  ]);
  assert.equal(readdirSync(out).includes("subset.npy"), true);
  // non-hex uids: no subset.npy, and a stale one from an earlier balance is removed
  const pool2 = path.join(dir, "named.parquet");
  await writeParquet(pool2, [{ id: "first", caption: "a dog" }, { id: "second", caption: "a photo" }]);
  const r2 = cli("curate", "--metadata", metadata, "--pool", pool2, "--out", out, "--t", "5", "--uid-col", "id", "--text-col", "caption");
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(readdirSync(out).includes("subset.npy"), false);
  assert.deepEqual((await readParquet(path.join(out, "curated.parquet"))).map((x) => [x.uid, x.url, x.text]), [["first", null, "a dog"], ["second", null, "a photo"]]);
});

test("a million rows of 41 matches each match under the smallest DuckDB cap (matched rows reach DuckDB in small packs)", async (t) => {
  // with one packed row per 8,192-row group, one DuckDB scan held every group's id lists, 164 MB here: past the cap
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet");
  const words = Array.from({ length: 40 }, (_, i) => `x${i}`);
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT 'http://img.example/' || i || '.jpg' AS url, 'w' || (i % 7) || ' ${words.join(" ")}' AS text
      FROM range(1000000) r(i)) TO ${sqlString(pool)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  const metadata = path.join(dir, "m.json");
  writeFileSync(metadata, JSON.stringify([...words, "w1"]));
  const out = path.join(dir, "ws");
  const r = cli("match", "--metadata", metadata, "--pool", pool, "--out", out, "--memory-limit", String(MIN_MEMORY_LIMIT_GB));
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(m.match.rows_matched, 1_000_000);
  assert.equal(m.match.total_matches, 40_000_000 + Math.ceil((1_000_000 - 1) / 7));
  const [last] = (await (async () => {
    const c = await openDuckDB();
    try {
      return (await c.runAndReadAll(`SELECT uid, len(entry_ids), pool_row FROM read_parquet(${sqlString(path.join(out, "matches.parquet"))}) WHERE pool_row = 999999`)).getRows();
    } finally {
      c.closeSync();
    }
  })());
  assert.deepEqual(last, [createHash("md5").update("http://img.example/999999.jpg\tw0 " + words.join(" ")).digest("hex"), 40n, 999999n]);
});
