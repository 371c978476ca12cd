// The embedded trainer: its custom gradients against tfjs's own (cpu backend); on the demo, loss
// falls, the same seed gives the same weights and eval_results.jsonl, the default short run reaches
// 70% zero-shot top-1; a workspace without images or without a test set is named; a train job can
// be cancelled and leaves no run folder.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cancelJob } from "../lib/jobs/control";
import { JobStore } from "../lib/jobs/store";
import { mulberry32, normal } from "../lib/util/rng";
import { makeOps } from "../lib/train/ops";
import { loadTf } from "../lib/train/tf";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { cli } from "./support/cli";
import { REPO, tempDir, writeParquet } from "./support/fixtures";
import { waitEnded } from "./support/sharded";

const hasMnist = existsSync("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") || !!process.env.METACURATE_FASHION_MNIST_DIR;
const MNIST_SKIP = hasMnist ? false : "Debian's dataset-fashion-mnist is not installed";

const rand = (shape: number[], seed: number) => { const r = mulberry32(seed); return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => normal(r)); };
const relDiff = (a: Float32Array, b: Float32Array) => { let d = 0, m = 0; for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(a[i])); } return d / m; };

test("the custom matmul and conv gradients equal tfjs's own on the cpu backend", async () => {
  const tf = await loadTf("cpu");
  const ops = makeOps(tf);
  const A = tf.tensor2d(rand([8, 12], 1), [8, 12]), B = tf.tensor2d(rand([12, 5], 2), [12, 5]), W = tf.tensor2d(rand([8, 5], 3), [8, 5]);
  // a loss that weighs every output differently, so every gradient entry is tested
  const mine = tf.grads((a, b) => tf.sum(tf.mul(ops.mm(a, b), W)))([A, B]);
  const theirs = tf.grads((a, b) => tf.sum(tf.mul(tf.matMul(a, b), W)))([A, B]);
  for (let i = 0; i < 2; i++) assert.ok(relDiff(mine[i].dataSync() as Float32Array, theirs[i].dataSync() as Float32Array) < 1e-5, `mm gradient ${i}`);
  for (const [H, C, O] of [[28, 1, 16], [14, 16, 32], [6, 3, 4]]) {
    const X = tf.tensor4d(rand([3, H, H, C], 4), [3, H, H, C]), K = tf.tensor4d(rand([3, 3, C, O], 5), [3, 3, C, O]);
    const G = tf.tensor4d(rand([3, H / 2, H / 2, O], 6), [3, H / 2, H / 2, O]);
    const m = tf.grads((x, k) => tf.sum(tf.mul(ops.conv3x3s2(x as never, k as never, true), G)))([X, K]);
    const t = tf.grads((x, k) => tf.sum(tf.mul(tf.conv2d(x as never, k as never, 2, "same"), G)))([X, K]);
    assert.ok(relDiff(m[0].dataSync() as Float32Array, t[0].dataSync() as Float32Array) < 1e-5, `conv input gradient ${H}x${H}x${C}`);
    assert.ok(relDiff(m[1].dataSync() as Float32Array, t[1].dataSync() as Float32Array) < 1e-5, `conv filter gradient ${H}x${H}x${C}`);
    // the forward is tfjs's own conv
    assert.ok(relDiff(ops.conv3x3s2(X, K, false).dataSync() as Float32Array, tf.conv2d(X, K, 2, "same").dataSync() as Float32Array) < 1e-6);
  }
});

let demo: string | null = null;
/** The demo workspace (15,000 rows), built once for these tests. */
function demoWorkspace(): string {
  if (demo) return demo;
  demo = path.join(REPO, ".tmp", "train-demo");
  if (!existsSync(path.join(demo, "manifest.json"))) {
    rmSync(demo, { recursive: true, force: true });
    const r = cli("demo", "--out", demo, "--progress", "none");
    assert.equal(r.code, 0, r.stderr);
  }
  return demo;
}

test("the default short run on the demo's curated set: loss falls, >= 70% zero-shot top-1; the same seed gives the same weights and eval_results.jsonl", { skip: MNIST_SKIP, timeout: 300_000 }, async (t) => {
  const ws = demoWorkspace();
  const out = tempDir(t);
  const runs = ["a", "b"].map((name) => {
    const r = cli("train", "--workspace", ws, "--out", path.join(out, name), "--progress", "none");
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(readFileSync(path.join(out, name, "run.json"), "utf8"));
  });
  const [a] = runs;
  assert.equal(a.subset, "curated");
  assert.equal(a.samples_seen, a.steps * a.batch);
  assert.ok(Math.abs(a.passes - a.samples_seen / a.subset_size) < 1e-9);
  assert.ok(a.losses.at(-1).loss < a.losses[0].loss - 0.5, `loss ${a.losses[0].loss} → ${a.losses.at(-1).loss}`);
  assert.ok(a.eval.metrics.acc1 >= 0.7, `top-1 ${a.eval.metrics.acc1}`);
  assert.equal(a.eval.key, "fashion_mnist");
  assert.equal(a.eval.metrics.main_metric, a.eval.metrics.acc1);
  for (const f of ["weights.bin", "eval_results.jsonl"]) assert.ok(readFileSync(path.join(out, "a", f)).equals(readFileSync(path.join(out, "b", f))), `${f} differs between two runs of one seed`);
  const line = JSON.parse(readFileSync(path.join(out, "a", "eval_results.jsonl"), "utf8"));
  assert.deepEqual(Object.keys(line), ["key", "dataset", "metrics"]);
  // eval of the run reproduces its line; in place it keeps the run whole
  const e = cli("eval", "--run", path.join(out, "a"), "--out", path.join(out, "e"), "--progress", "none");
  assert.equal(e.code, 0, e.stderr);
  assert.equal(readFileSync(path.join(out, "e", "eval_results.jsonl"), "utf8"), readFileSync(path.join(out, "a", "eval_results.jsonl"), "utf8"));
  assert.equal(cli("eval", "--run", path.join(out, "b"), "--progress", "none").code, 0);
  for (const f of ["run.json", "weights.bin", "model.json", "eval_results.jsonl"]) assert.ok(existsSync(path.join(out, "b", f)), f);
  assert.equal(readFileSync(path.join(out, "b", "eval_results.jsonl"), "utf8"), readFileSync(path.join(out, "a", "eval_results.jsonl"), "utf8"));
  // another seed: other weights
  const c = cli("train", "--workspace", ws, "--out", path.join(out, "c"), "--seed", "1", "--samples-seen", "2560", "--progress", "none");
  assert.equal(c.code, 0, c.stderr);
  assert.notEqual(JSON.parse(readFileSync(path.join(out, "c", "run.json"), "utf8")).weights_sha256, a.weights_sha256);
});

test("a workspace without readable images, or without a labelled test set, is named; bad flags are refused", { skip: MNIST_SKIP, timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  await writeParquet(path.join(dir, "pool.parquet"), Array.from({ length: 50 }, (_, i) => ({ url: `http://example.invalid/${i}.jpg`, text: `a red dog ${i}` })));
  writeFileSync(path.join(dir, "metadata.json"), JSON.stringify(["dog", "red"]));
  assert.equal(cli("curate", "--metadata", path.join(dir, "metadata.json"), "--pool", path.join(dir, "pool.parquet"), "--out", path.join(dir, "ws"), "--t", "5", "--progress", "none").code, 0);
  const noTask = cli("train", "--workspace", path.join(dir, "ws"), "--out", path.join(dir, "run"));
  assert.equal(noTask.code, 3);
  assert.match(noTask.stderr, /no labelled test set: .*source\/eval\.json does not exist/);
  mkdirSync(path.join(dir, "ws", "source"));
  writeFileSync(path.join(dir, "ws", "source", "eval.json"), readFileSync(path.join(demoWorkspace(), "source", "eval.json")));
  const noImages = cli("train", "--workspace", path.join(dir, "ws"), "--out", path.join(dir, "run"));
  assert.equal(noImages.code, 3);
  assert.match(noImages.stderr, /has no readable images for its curated pairs/);
  assert.equal(existsSync(path.join(dir, "run")), false, "no run folder left");
  const bad = cli("train", "--workspace", path.join(dir, "ws"), "--out", path.join(dir, "run"), "--subset", "best");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--subset: must be raw, matched or curated/);
  const into = cli("train", "--workspace", demoWorkspace(), "--out", demoWorkspace(), "--samples-seen", "256");
  assert.equal(into.code, 4);
  assert.ok(existsSync(path.join(demoWorkspace(), "manifest.json")), "the workspace is left whole");
  // a run never replaces a workspace, even one it does not read
  const over = cli("train", "--workspace", demoWorkspace(), "--out", path.join(dir, "ws"), "--samples-seen", "256");
  assert.equal(over.code, 4, over.stderr);
  assert.match(over.stderr, /ws is a workspace; a run never replaces a workspace/);
  assert.ok(existsSync(path.join(dir, "ws", "manifest.json")), "the other workspace is left whole");
});

test("a train job: cancelled while training, it ends cancelled and leaves no run folder", { skip: MNIST_SKIP, timeout: 300_000 }, async (t) => {
  const data = tempDir(t);
  const ws = demoWorkspace();
  rmSync(path.join(data, "demo"), { force: true });
  // the data directory holds the workspace (a link is resolved inside it by the spec's path rules)
  const r = cli("demo", "--out", path.join(data, "demo"), "--rows", "3000", "--progress", "none");
  assert.equal(r.code, 0, r.stderr);
  void ws;
  writeFileSync(path.join(data, "spec.json"), JSON.stringify({ kind: "train", workspace: "demo", subset: "raw", "samples-seen": 5_000_000, out: "run1" }));
  const submitted = cli("job", "submit", "--data-dir", data, "--spec", path.join(data, "spec.json"));
  assert.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  const store = new JobStore(data);
  for (let i = 0; ; i++) {
    const j = await store.read(id);
    if (j.progress?.step === "train" && (j.progress.done ?? 0) > 0) break;
    assert.ok(i < 1200, `never trained: ${j.state} ${j.error}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  const job = await store.read(id);
  assert.equal(typeof job.progress?.loss, "number", "live loss in the job's progress");
  const cancelled = await cancelJob(store, id);
  assert.equal(cancelled.state, "cancelled");
  const ended = await waitEnded(store, id, 10_000);
  assert.equal(ended.state, "cancelled");
  assert.equal(existsSync(path.join(data, "run1")), false, "no run folder");
});

test("score: a trained tiny CLIP scores the pool (every pool column kept); true pairs score above captions shifted to another image; the same run gives the same bytes; clip_score filters on it", { skip: MNIST_SKIP, timeout: 300_000 }, async (t) => {
  const ws = demoWorkspace();
  const dir = tempDir(t);
  const run = path.join(dir, "run");
  assert.equal(cli("train", "--workspace", ws, "--out", run, "--samples-seen", "20000", "--progress", "none").code, 0);
  const pool = path.join(ws, "source", "pool.parquet");
  const score = (p: string, out: string) => { const r = cli("score", "--run", run, "--pool", p, "--images-from", ws, "--out", out, "--progress", "none"); assert.equal(r.code, 0, r.stderr); return out; };
  const a = score(pool, path.join(dir, "a")), b = score(pool, path.join(dir, "b"));
  assert.ok(readFileSync(path.join(a, "scored.parquet")).equals(readFileSync(path.join(b, "scored.parquet"))), "the same run and pool give the same bytes");
  const con = await openDuckDB();
  try {
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const scored = sqlString(path.join(a, "scored.parquet"));
    const [cols] = await q(`SELECT list(column_name) AS c FROM (DESCRIBE SELECT * FROM read_parquet(${scored}))`);
    const [poolCols] = await q(`SELECT list(column_name) AS c FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(pool)}))`);
    assert.deepEqual(cols.c, [...(poolCols.c as string[]), "tiny_clip_similarity_score"]);
    const [n] = await q(`SELECT count(*)::INT AS n, count(tiny_clip_similarity_score)::INT AS scored, min(tiny_clip_similarity_score) AS lo, max(tiny_clip_similarity_score) AS hi FROM read_parquet(${scored})`);
    assert.equal(n.n, n.scored, "every demo row has its image");
    assert.ok((n.lo as number) >= -1 - 1e-6 && (n.hi as number) <= 1 + 1e-6, "a cosine");
    // the same images with each caption moved to the next row's image: the model tells true pairs apart
    const shifted = path.join(dir, "shifted.parquet");
    await con.run(`COPY (SELECT * EXCLUDE (file_row_number) REPLACE (coalesce(lead("text") OVER (ORDER BY file_row_number), "text") AS "text") FROM read_parquet(${sqlString(pool)}, file_row_number = true) ORDER BY file_row_number) TO ${sqlString(shifted)} (FORMAT parquet)`);
    const s = score(shifted, path.join(dir, "s"));
    const [m] = await q(`SELECT avg(a.tiny_clip_similarity_score) AS truth, avg(b.tiny_clip_similarity_score) AS moved FROM read_parquet(${scored}, file_row_number = true) a JOIN read_parquet(${sqlString(path.join(s, "scored.parquet"))}, file_row_number = true) b USING (file_row_number)`);
    assert.ok((m.truth as number) > (m.moved as number) + 0.05, `true pairs ${m.truth} against moved captions ${m.moved}`);
  } finally {
    con.closeSync();
  }
  // a pool without DataComp's scores can now be CLIP-score filtered
  const f = cli("filter", "--pool", path.join(a, "scored.parquet"), "--out", path.join(dir, "top30"), "--name", "clip_score", "--score-col", "tiny_clip_similarity_score", "--fraction", "0.3", "--progress", "none");
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /kept [\d,]+ of [\d,]+/);
});
