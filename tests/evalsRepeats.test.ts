// Issue 24: a rerun is not a new seed (repeats.ts), the sweep's gain over raw, the comparison's fixed
// reference and its noise verdict from the seeds — each checked against hand-computed values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { conditionGains } from "../lib/evals/conditions";
import { curationStrength, noiseVerdict, orderForComparison, seedSpread } from "../lib/evals/compare";
import { experiments, repeatOf } from "../lib/evals/repeats";
import { buildRun, type EvalRun } from "../lib/evals/run";
import { tSweeps } from "../lib/evals/sweep";
import { curationHash } from "../lib/workspace/curationHash";
import type { Manifest } from "../lib/workspace/manifest";

interface R { subset?: string; t?: number | null; seed?: number; acc: number; pairs?: string | null; manifest?: string | null; samples?: number; balanceSeed?: number; filter?: string; pool?: string }
const run = (id: string, r: R): EvalRun => buildRun(id,
  `{"key": "fashion_mnist", "dataset": "Fashion-MNIST", "metrics": {"acc1": ${r.acc}, "main_metric": ${r.acc}}}`,
  JSON.stringify({ kind: "train", metadata_hash: "m", workspace: "/w/demo", subset: r.subset ?? "curated", t: r.t ?? null, seed: r.seed ?? 0, balance_seed: r.balanceSeed ?? 0,
    samples_seen: r.samples ?? 8192, tower: "mlp", ...(r.pairs !== null ? { curation_sha256: r.pairs ?? `pairs-${r.filter ?? ""}-${r.subset ?? "curated"}-${r.t ?? "none"}` } : {}), ...(r.manifest ? { workspace_manifest_sha256: r.manifest } : {}),
    ...(r.filter ? { pool_filter: { name: r.filter, score_column: "s", threshold: 0.4, fraction: 0.3, rows_read: 10, rows_kept: 3 }, pool_sha256: "filtered-pool" } : { pool_sha256: r.pool ?? "pool" }) }));

test("a run with the same pairs, trainer, seed and samples seen as another is a repeat; any difference makes a new experiment", () => {
  const runs = [run("t160-s0", { t: 160, acc: 0.5 }), run("t160-s1", { t: 160, seed: 1, acc: 0.48 }), run("rerun", { t: 160, acc: 0.5 }),
    run("more-samples", { t: 160, acc: 0.52, samples: 16_384 }), run("other-draw", { t: 160, acc: 0.51, pairs: "pairs-x" }),
    run("no-hash", { t: 160, acc: 0.5, pairs: null }), run("no-hash-2", { t: 160, acc: 0.5, pairs: null })];
  assert.deepEqual([...repeatOf(runs)], [["t160-s0", "rerun"]], "without times, the first by id stands for the experiment");
  // the server knows when each was written: the earlier is the original, the rerun repeats it
  runs[0].madeAt = 1000;
  runs[2].madeAt = 2000;
  assert.deepEqual([...repeatOf(runs)], [["rerun", "t160-s0"]]);
  assert.equal(experiments(runs).length, 6, "runs without a hash are never taken for repeats");
  // an older run knows only its workspace's manifest: it repeats a newer run trained on that same workspace
  const old = run("old", { t: 80, acc: 0.4, pairs: null, manifest: "man-80" }), fresh = run("fresh", { t: 80, acc: 0.4, pairs: "p80", manifest: "man-80" });
  const again = run("again", { t: 80, acc: 0.4, pairs: "p80", manifest: "man-80-elsewhere" });
  assert.deepEqual(experiments([old, fresh, again]).map((e) => e.runs.map((r) => r.id)), [["again", "fresh", "old"]]);
});

test("the sweep counts a repeat once; the gain over raw at each t is mean ± sd over the seeds", () => {
  const runs = [run("raw-0", { subset: "raw", acc: 0.5, seed: 0 }), run("raw-1", { subset: "raw", acc: 0.52, seed: 1 }),
    run("a0", { t: 40, acc: 0.6, seed: 0 }), run("a1", { t: 40, acc: 0.64, seed: 1 }), run("a0-rerun", { t: 40, acc: 0.6, seed: 0 }),
    run("b0", { t: 80, acc: 0.55, seed: 0 }), run("b1", { t: 80, acc: 0.53, seed: 1 })];
  const [s] = tSweeps(runs, "task:Fashion-MNIST");
  assert.equal(s.points.length, 4);
  assert.equal(s.repeats, 1);
  assert.equal(s.points.find((p) => p.run === "a0")!.repeats, 1);
  const raw = 0.51;
  assert.deepEqual(s.gains.map((g) => [g.t, g.n]), [[40, 2], [80, 2]]);
  assert.ok(Math.abs(s.gains[0].mean - (0.62 - raw)) < 1e-12);
  assert.ok(Math.abs(s.gains[0].sd! - Math.sqrt(((0.6 - 0.62) ** 2 + (0.64 - 0.62) ** 2) / 1)) < 1e-12);
  assert.ok(Math.abs(s.gains[1].mean - (0.54 - raw)) < 1e-12);
  assert.equal(s.label, "demo · mlp · 8,192 seen");
  assert.deepEqual(tSweeps(runs.filter((r) => !r.id.startsWith("raw")), "task:Fashion-MNIST")[0].gains, [], "no raw baseline, no gain");
});

test("compare: the reference is the pinned run, else the less curated (raw, matched, then the larger t), whichever was ticked first", () => {
  const raw = run("raw", { subset: "raw", acc: 0.5 }), matched = run("matched", { subset: "matched", acc: 0.5 }), t40 = run("t40", { t: 40, acc: 0.6 }), t1k = run("t1k", { t: 1000, acc: 0.55 });
  assert.ok(curationStrength(raw) < curationStrength(matched) && curationStrength(matched) < curationStrength(t1k) && curationStrength(t1k) < curationStrength(t40));
  for (const [x, y, ref] of [[raw, t40, "raw"], [t40, raw, "raw"], [t40, t1k, "t1k"], [t1k, t40, "t1k"], [t40, matched, "matched"]] as const) {
    assert.equal(orderForComparison(x, y, null)[0].id, ref);
  }
  assert.equal(orderForComparison(raw, t40, "t40")[0].id, "t40");
  assert.equal(orderForComparison(t40, raw, "someone-else")[0].id, "raw");
});

test("beyond noise: from the seeds' spread (2·√(sd_A² + sd_B²)), else DataComp's band, else no estimate", () => {
  const runs = [run("raw-0", { subset: "raw", acc: 0.5, seed: 0 }), run("raw-1", { subset: "raw", acc: 0.52, seed: 1 }),
    run("a0", { t: 40, acc: 0.6, seed: 0 }), run("a1", { t: 40, acc: 0.66, seed: 1 }), run("a0-rerun", { t: 40, acc: 0.6, seed: 0 })];
  const sdRaw = Math.sqrt(2 * 0.01 ** 2), sdA = Math.sqrt(2 * 0.03 ** 2);
  assert.deepEqual(seedSpread(runs[2], runs, "task:Fashion-MNIST").n, 2, "a rerun is not a seed");
  assert.ok(Math.abs(seedSpread(runs[2], runs, "task:Fashion-MNIST").sd! - sdA) < 1e-12);
  const v = noiseVerdict(runs[0], runs[2], runs, "task:Fashion-MNIST");
  assert.equal(v.kind, "seeds");
  if (v.kind !== "seeds") return;
  assert.ok(Math.abs(v.threshold - 2 * Math.sqrt(sdRaw ** 2 + sdA ** 2)) < 1e-12);
  assert.equal(v.beyond, 0.1 > v.threshold);
  assert.deepEqual([v.nA, v.nB], [2, 2]);
  // one seed each: a metric with DataComp's band uses it; else there is no estimate
  const one = [run("x", { subset: "raw", acc: 0.5 }), run("y", { t: 40, acc: 0.51 })];
  assert.deepEqual(noiseVerdict(one[0], one[1], one, "task:Fashion-MNIST"), { kind: "none" });
});

test("the pairs' hash: the same inputs, t and seed wherever the workspace lives and however long it took; a new t or seed is new pairs", () => {
  const manifest = (t: number, seed: number, where: string, ms: number) => ({
    tool: "metacurate", version: "0.1.0",
    match: { metadata: { file: `${where}/metadata.parquet`, metadataHash: "mh" }, pool: { files: [{ path: `${where}/pool.parquet`, bytes: 10, sha256: "ph" }], columns: { text: "text", url: "url", uid: "uid" }, uid: "column \"uid\"" }, timings_ms: { total_ms: ms } },
    balance: { t, seed, draw: "murmur3", source: where, timings_ms: { total_ms: ms } },
  }) as unknown as Manifest;
  assert.equal(curationHash(manifest(160, 0, "/a", 5), "curated"), curationHash(manifest(160, 0, "/b/c", 9), "curated"));
  assert.notEqual(curationHash(manifest(160, 0, "/a", 5), "curated"), curationHash(manifest(80, 0, "/a", 5), "curated"));
  assert.notEqual(curationHash(manifest(160, 0, "/a", 5), "curated"), curationHash(manifest(160, 1, "/a", 5), "curated"));
  assert.equal(curationHash(manifest(160, 0, "/a", 5), "raw"), curationHash(manifest(80, 1, "/a", 5), "raw"), "the raw pool does not depend on t");
  assert.notEqual(curationHash(manifest(160, 0, "/a", 5), "raw"), curationHash(manifest(160, 0, "/a", 5), "matched"));
});

test("filtering beside balancing: each condition's gain over raw (mean ± sd over seeds); filtered pools are never a sweep's points", () => {
  const runs = [run("raw-0", { subset: "raw", acc: 0.5, seed: 0 }), run("raw-1", { subset: "raw", acc: 0.52, seed: 1 }),
    run("t40-0", { t: 40, acc: 0.6, seed: 0 }), run("t40-1", { t: 40, acc: 0.62, seed: 1 }), run("t80-0", { t: 80, acc: 0.58, seed: 0 }),
    run("clip-0", { subset: "raw", acc: 0.56, seed: 0, filter: "clip_score" }), run("clip-1", { subset: "raw", acc: 0.6, seed: 1, filter: "clip_score" }),
    run("clip-t40-0", { t: 40, acc: 0.59, seed: 0, filter: "clip_score" })];
  const [set, ...none] = conditionGains(runs, "task:Fashion-MNIST");
  assert.equal(none.length, 0);
  assert.equal(set.raw.n, 2);
  const at = (filter: boolean, t: number | null) => set.conditions.find((c) => !!c.filter === filter && c.t === t)!;
  assert.ok(Math.abs(at(false, 40).mean - 0.1) < 1e-12 && Math.abs(at(false, 40).sd! - Math.sqrt(2 * 0.01 ** 2)) < 1e-12);
  assert.ok(Math.abs(at(true, null).mean - 0.07) < 1e-12 && at(true, null).n === 2);
  assert.ok(Math.abs(at(true, 40).mean - 0.08) < 1e-12 && at(true, 40).sd === null);
  assert.deepEqual(set.conditions.map((c) => c.mean), [...set.conditions.map((c) => c.mean)].sort((a, b) => b - a), "largest gain first");
  // the sweep sees only the pool's own t: the filtered pool's t = 40 is no point of it, its raw runs no baseline
  const [sweep] = tSweeps(runs, "task:Fashion-MNIST");
  assert.deepEqual(sweep.points.map((p) => p.run), ["t40-0", "t40-1", "t80-0"]);
  assert.deepEqual(sweep.baselines, [{ subset: "raw", mean: 0.51, n: 2 }]);
  // without a filtered pool there is nothing to set beside balancing
  assert.deepEqual(conditionGains(runs.filter((r) => !r.curation.poolFilter), "task:Fashion-MNIST"), []);
});
