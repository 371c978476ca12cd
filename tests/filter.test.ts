// Issue 25: DataComp's baseline filters. Each rule is checked against an independent computation in
// Python and numpy written from DataComp's code (text.split(), len(text), np.minimum/np.maximum, the
// fraction threshold -np.sort(-scores)[int(N * f)], uids as sorted "u8,u8" saved with np.save), on real
// LAION captions with widths, heights and scores that hold ties, NaN, nulls and zero sizes; numpy loads
// our subset.npy as DataComp's resharder does. Bad input gets a clear error or a stated rule.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { pythonLength, pythonWordCount } from "../lib/filters/pythonText";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";
import { makePool, ODD_TEXTS } from "./support/filterPool";

/** The pool's columns as Python reads them (numbers as text, so NaN survives the JSON). */
async function exportRows(pool: string, file: string): Promise<void> {
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT uid, text, CAST(original_width AS VARCHAR) AS w, CAST(original_height AS VARCHAR) AS h,
        CAST(clip_b32_similarity_score AS VARCHAR) AS b32, CAST(CAST(clip_l14_similarity_score AS DOUBLE) AS VARCHAR) AS l14
      FROM read_parquet(${sqlString(pool)}, file_row_number = true) ORDER BY file_row_number) TO ${sqlString(file)} (FORMAT json)`);
  } finally {
    con.closeSync();
  }
}

/** DataComp's rules in Python: the kept uids, saved as DataComp saves them, and the counts. */
const REFERENCE = String.raw`
import json, sys
import numpy as np
rows = [json.loads(l) for l in open(sys.argv[1])]
mode, ours = sys.argv[2], sys.argv[3]
num = lambda v: np.nan if v is None else float(v)
text = [r["text"] for r in rows]
out = {}
if mode == "basic":
    w = np.array([num(r["w"]) for r in rows]); h = np.array([num(r["h"]) for r in rows])
    # a null caption: DataComp's len() would raise; metacurate removes it (its stated rule)
    words = np.array([len(t.split()) if t is not None else -1 for t in text])
    chars = np.array([len(t) if t is not None else -1 for t in text])
    mn, mx = np.minimum(w, h), np.maximum(w, h)
    with np.errstate(divide="ignore", invalid="ignore"):
        aspect = mx / mn
    conds = [words > 2, chars > 5, mn >= 200, aspect <= 3.0]
    out["alone"] = [int((~c).sum()) for c in conds]
    mask = conds[0] & conds[1] & conds[2] & conds[3]
else:
    kind, arg, col = mode.split(":")
    s = np.array([num(r[col]) for r in rows])
    if kind == "fraction":
        n = int(len(s) * float(arg))
        tau = -np.sort(-s)[n]
    else:
        tau = float(arg)
    out["tau"] = float(tau)
    mask = s >= tau
uids = np.array([(int(u[:16], 16), int(u[16:32], 16)) for u, m in zip([r["uid"] for r in rows], mask) if m], np.dtype("u8,u8"))
uids.sort()
np.save(sys.argv[4], uids)
mine = np.load(ours)
out["kept"] = int(mask.sum())
out["same"] = bool(mine.dtype == uids.dtype and np.array_equal(mine, uids))
out["kept_rows"] = [i for i, m in enumerate(mask) if m]
print(json.dumps(out))
`;

function reference(dir: string, rowsJson: string, mode: string, ours: string): { kept: number; same: boolean; tau?: number; alone?: number[]; kept_rows: number[] } {
  const script = path.join(dir, "datacomp_rules.py");
  writeFileSync(script, REFERENCE);
  return JSON.parse(execFileSync("python3", [script, rowsJson, mode, ours, path.join(dir, `ref-${mode.replace(/\W/g, "_")}.npy`)], { encoding: "utf8" }));
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")).filter;

test("Python's len(text.split()) and len(text), to the character", () => {
  for (const t of ODD_TEXTS) {
    const py = JSON.parse(execFileSync("python3", ["-c", "import json,sys; t=json.loads(sys.argv[1]); print(json.dumps([len(t.split()), len(t)]))", JSON.stringify(t)], { encoding: "utf8" }));
    assert.deepEqual([pythonWordCount(t), pythonLength(t)], py, JSON.stringify(t));
  }
});

test("basic_filter --lid none and clip_score by threshold and by fraction (ties) keep exactly what DataComp's rules keep", { timeout: 240_000 }, async (t) => {
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet");
  const n = await makePool(pool);
  const rowsJson = path.join(dir, "rows.json");
  await exportRows(pool, rowsJson);
  const all = await readParquet(pool);
  const cases: { args: string[]; mode: string }[] = [
    { args: ["--name", "basic_filter", "--lid", "none"], mode: "basic" },
    { args: ["--name", "clip_score", "--threshold", "0.3"], mode: "threshold:0.3:b32" },
    { args: ["--name", "clip_score", "--fraction", "0.3"], mode: "fraction:0.3:b32" },
    { args: ["--name", "clip_score", "--arch", "l14", "--fraction", "0.25"], mode: "fraction:0.25:l14" },
  ];
  for (const c of cases) {
    const out = path.join(dir, `out-${c.mode.replace(/\W/g, "_")}`);
    const r = cli("filter", "--pool", pool, "--out", out, ...c.args, "--progress", "none");
    assert.equal(r.code, 0, r.stderr);
    const ref = reference(dir, rowsJson, c.mode, path.join(out, "subset.npy"));
    const m = manifestOf(out);
    assert.equal(m.rows_read, n);
    assert.equal(m.rows_kept, ref.kept, c.mode);
    assert.ok(ref.same, `${c.mode}: numpy loads our subset.npy and it equals DataComp's sorted u8,u8 uids`);
    if (ref.tau !== undefined) assert.equal(m.threshold, ref.tau, `${c.mode}: the threshold`);
    if (c.mode.startsWith("fraction")) assert.ok(ref.kept >= Math.floor(n * Number(c.mode.split(":")[1])), "ties at the threshold are all kept");
    if (ref.alone) assert.deepEqual(m.conditions.map((x: { removed_alone: number }) => x.removed_alone), ref.alone, "rows each condition removes alone");
    assert.equal(m.conditions.reduce((a: number, x: { removed_in_order: number }) => a + x.removed_in_order, 0), n - m.rows_kept, "in order, the removals add up");
    // filtered.parquet: the kept pool rows, every column, in pool order
    const filtered = await readParquet(path.join(out, "filtered.parquet"));
    assert.deepEqual(filtered, ref.kept_rows.map((i) => all[i]));
  }
  // no_filter keeps everything
  const none = path.join(dir, "none");
  assert.equal(cli("filter", "--pool", pool, "--out", none, "--name", "no_filter", "--progress", "none").code, 0);
  assert.equal(manifestOf(none).rows_kept, n);
});

test("language: fastText (basic_filter) and CLD3 (laion2b) keep the English captions of unambiguous sentences; the language of every row is stored", { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const sentences = {
    en: ["This is a beautiful photograph of the mountains at sunset with a lake in front of them", "A vintage wooden chair standing in an empty room next to the window"],
    de: ["Dies ist ein wunderschönes Foto der Berge bei Sonnenuntergang mit einem See davor", "Ein alter Holzstuhl steht in einem leeren Zimmer neben dem Fenster"],
    fr: ["Ceci est une magnifique photographie des montagnes au coucher du soleil avec un lac devant", "Une vieille chaise en bois dans une pièce vide à côté de la fenêtre"],
    zh: ["这是一张日落时分山脉的美丽照片，前面有一个湖泊", "一把旧木椅放在窗户旁边的空房间里"],
  };
  const rows = Object.entries(sentences).flatMap(([lang, ts]) => ts.map((text, k) => ({ lang, text, k })));
  const pool = path.join(dir, "pool.parquet");
  const con = await openDuckDB();
  await con.run(`COPY (SELECT * FROM (VALUES ${rows.map((r, i) => `(md5('${i}'), ${sqlString(r.text)}, 640, 480, 0.5)`).join(", ")}) v(uid, text, original_width, original_height, clip_b32_similarity_score)) TO ${sqlString(pool)} (FORMAT parquet)`);
  con.closeSync();
  for (const [name, lid] of [["basic_filter", "fasttext"], ["laion2b", "cld3"]] as const) {
    const out = path.join(dir, name);
    const r = cli("filter", "--pool", pool, "--out", out, "--name", name, "--progress", "none");
    assert.equal(r.code, 0, r.stderr);
    const m = manifestOf(out);
    assert.equal(m.params.lid, lid);
    assert.match(m.lid_model, lid === "fasttext" ? /^fasttext\.wasm 1\.0\.1 \(lid\.176\.ftz\)/ : /^cld3-asm 4\.0\.0/);
    const kept = (await readParquet(path.join(out, "filtered.parquet"))).map((x) => x.text);
    assert.deepEqual(kept, sentences.en, `${name} keeps the English sentences`);
    const langs = await readParquet(path.join(out, "language.parquet"));
    assert.deepEqual(langs.map((x) => x.language), rows.map((r) => r.lang), `${lid}: every row's language`);
    assert.ok(langs.every((x) => typeof x.confidence === "number" && (x.confidence as number) > 0.5));
  }
});

test("bad input: each a clear error or a stated rule", { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet");
  await makePool(pool);
  const run = (...args: string[]) => cli("filter", "--pool", pool, "--out", path.join(dir, `o${Math.random()}`), "--progress", "none", ...args);
  const refused = (r: ReturnType<typeof cli>, code: number, text: string | RegExp) => {
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, typeof text === "string" ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : text);
  };
  refused(run("--name", "clip_score", "--fraction", "0"), 2, "must be a fraction of the pool in (0, 1)");
  refused(run("--name", "clip_score", "--fraction", "1.5"), 2, "must be a fraction of the pool in (0, 1)");
  refused(run("--name", "clip_score"), 2, "clip_score needs one of --threshold X or --fraction F");
  refused(run("--name", "basic_filter", "--threshold", "0.3"), 2, "are for clip_score and laion2b");
  refused(run("--name", "clip_score", "--threshold", "0.3", "--score-col", "nope"), 3, `has no column "nope" (the score)`);
  refused(run("--name", "clip_score", "--threshold", "0.3", "--score-col", "text"), 3, `column "text" (the score) holds VARCHAR, not numbers`);
  refused(run("--name", "basic_filter", "--lid", "none", "--width-col", "url"), 3, `column "url" (image width) holds VARCHAR, not numbers`);
  refused(run("--name", "nothing"), 2, "must be one of no_filter, basic_filter, clip_score, laion2b");
  // NaN and null scores are no score (pandas' NaN >= τ is false): removed, and counted
  const out = path.join(dir, "nan");
  assert.equal(cli("filter", "--pool", pool, "--out", out, "--name", "clip_score", "--threshold", "-1", "--progress", "none").code, 0);
  const m = manifestOf(out);
  assert.ok(m.rows_without_score > 0);
  assert.equal(m.rows_kept, m.rows_read - m.rows_without_score);
  // a fraction that reaches past the scored rows would set τ = NaN in DataComp (keeping nothing): refused, with the largest that works
  refused(run("--name", "clip_score", "--fraction", "0.95"), 3, /only [\d,]+ rows have a score \(the others are null or NaN\); choose a fraction below 0\.\d{4}/);
});

test("a filter job (job submit, the same flags as a spec) writes what the command writes, byte for byte", { timeout: 180_000 }, async (t) => {
  const data = tempDir(t);
  const pool = path.join(data, "pool.parquet");
  await makePool(pool);
  const spec = path.join(data, "..", `${path.basename(data)}-spec.json`);
  writeFileSync(spec, JSON.stringify({ kind: "filter", pool: ["pool.parquet"], out: "top30", name: "clip_score", fraction: 0.3 }));
  t.after(() => rmSync(spec, { force: true }));
  const job = cli("job", "submit", "--data-dir", data, "--spec", spec, "--wait");
  assert.equal(job.code, 0, job.stderr);
  const direct = path.join(tempDir(t), "direct");
  assert.equal(cli("filter", "--pool", pool, "--out", direct, "--name", "clip_score", "--fraction", "0.3", "--progress", "none").code, 0);
  for (const f of ["subset.npy", "filtered.parquet"]) assert.ok(readFileSync(path.join(data, "top30", f)).equals(readFileSync(path.join(direct, f))), f);
  assert.deepEqual(manifestOf(path.join(data, "top30")).conditions, manifestOf(direct).conditions);
  // its spec is refused at submit when it mixes filters' parameters
  writeFileSync(spec, JSON.stringify({ kind: "filter", pool: ["pool.parquet"], out: "bad", name: "basic_filter", fraction: 0.3 }));
  const bad = cli("job", "submit", "--data-dir", data, "--spec", spec);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /are for clip_score and laion2b/);
});

test("both orders compose: filter then balance keeps a subset of the filter's rows; balance then filter keeps exactly the balanced rows the filter's rule keeps (curated.parquet carries the pool's columns)", { timeout: 240_000 }, async (t) => {
  const dir = tempDir(t);
  const pool = path.join(dir, "pool.parquet");
  await makePool(pool);
  const metadata = path.join(dir, "metadata.json");
  writeFileSync(metadata, JSON.stringify(["photo", "dress", "shirt", "black", "white", "with", "and", "for", "the", "of", "new", "item"]));
  const uids = async (file: string) => new Set((await readParquet(file)).map((r) => String(r.uid)));
  const ok = (r: ReturnType<typeof cli>) => assert.equal(r.code, 0, r.stderr);
  // filter, then balance the filtered pool
  ok(cli("filter", "--pool", pool, "--out", path.join(dir, "F"), "--name", "basic_filter", "--lid", "none", "--progress", "none"));
  ok(cli("curate", "--metadata", metadata, "--pool", path.join(dir, "F", "filtered.parquet"), "--out", path.join(dir, "FB"), "--t", "30", "--skip-null-text", "--progress", "none"));
  const F = await uids(path.join(dir, "F", "filtered.parquet")), FB = await uids(path.join(dir, "FB", "curated.parquet"));
  assert.ok(FB.size > 0 && FB.size < F.size);
  for (const u of FB) assert.ok(F.has(u), "filter-then-balance keeps only rows the filter kept");
  // balance, then filter the curated set: it has the pool's columns (sizes, scores) after its own
  ok(cli("curate", "--metadata", metadata, "--pool", pool, "--out", path.join(dir, "B"), "--t", "30", "--skip-null-text", "--progress", "none"));
  const curated = await readParquet(path.join(dir, "B", "curated.parquet"));
  assert.deepEqual(Object.keys(curated[0]), ["uid", "url", "text", "p_keep", "entry_ids", "original_width", "original_height", "clip_b32_similarity_score", "clip_l14_similarity_score"]);
  const all = new Map((await readParquet(pool)).map((r) => [String(r.uid), r]));
  for (const r of curated) assert.equal(r.original_width, all.get(String(r.uid))!.original_width);
  ok(cli("filter", "--pool", path.join(dir, "B", "curated.parquet"), "--out", path.join(dir, "BF"), "--name", "basic_filter", "--lid", "none", "--progress", "none"));
  const B = await uids(path.join(dir, "B", "curated.parquet")), BF = await uids(path.join(dir, "BF", "filtered.parquet"));
  assert.deepEqual([...BF].sort(), [...B].filter((u) => F.has(u)).sort(), "balance-then-filter = the balanced rows the rule keeps");
});
