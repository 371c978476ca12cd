// eval_results.jsonl read as DataComp writes it, and DataComp's aggregates checked against
// hand-computed values: NaN and null, repeated tasks (the last wins), malformed lines by number,
// an incomplete group named and never averaged over fewer tasks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { metricOptions, noiseBand } from "../lib/evals/metrics";
import { REFERENCE_RUNS } from "../lib/evals/references";
import { aggregates, parseEvalResults } from "../lib/evals/results";
import { buildRun } from "../lib/evals/run";
import { curationLabel } from "../components/evals/runLabels";
import { tSweeps } from "../lib/evals/sweep";
import { cli } from "./support/cli";
import { tempDir } from "./support/fixtures";
import { DATACOMP_TASKS } from "../lib/evals/tasks";

/** Task i scores (i + 1) / 100: sums by hand are then sums of small integers. */
const score = (dataset: string) => (DATACOMP_TASKS.findIndex((t) => t.dataset === dataset) + 1) / 100;
const line = (key: string, dataset: string, main: string) => `{"key": "${key}", "dataset": "${dataset}", "metrics": {"acc1": ${main}, "main_metric": ${main}}}`;
const full = DATACOMP_TASKS.map((t) => line(t.key, t.dataset, String(score(t.dataset))));

test("DataComp's five aggregates of a complete run equal the hand-computed means", () => {
  const { results, problems } = parseEvalResults([...full, '{"key": "fairness/fairface", "dataset": "FairFace", "metrics": {"acc_race_all": 0.8, "main_metric": null}}'].join("\n"));
  assert.deepEqual(problems, []);
  const a = aggregates(results);
  // positions (1-based) in the task table: ImageNet 1k 12; shifts 13, 14, 15, 16, 17, 20; VTAB 1 3 4 5 7 8 18 21 22 24 26 29 30; retrieval 31 32 33
  const near = (x: number | null, y: number) => assert.ok(x !== null && Math.abs(x - y) < 1e-12, `${x} vs ${y}`);
  near(a.imagenet.value, 0.12);
  near(a.imagenet_dist_shifts.value, (13 + 14 + 15 + 16 + 17 + 20) / 6 / 100);
  near(a.vtab.value, (1 + 3 + 4 + 5 + 7 + 8 + 18 + 21 + 22 + 24 + 26 + 29 + 30) / 13 / 100);
  near(a.retrieval.value, (31 + 32 + 33) / 3 / 100);
  near(a.average.value, (38 * 39) / 2 / 38 / 100);
  assert.deepEqual([a.vtab.tasks, a.vtab.of, a.average.tasks, a.average.of], [13, 13, 38, 38]);
});

test("NaN, null, repeats and malformed lines; a missing task is named and its groups left incomplete", () => {
  const lines = [...full];
  lines[11] = line("imagenet1k", "ImageNet 1k", "NaN"); // line 12
  lines.splice(20, 1); // Oxford Flowers-102 (a VTAB task) missing
  lines.push("{not json", line("cifar10", "CIFAR-10", "0.9"), '{"dataset": 3}', '{"key": "x", "dataset": "Extra", "metrics": {"main_metric": Infinity}, "note": "kept"}');
  const { results, problems } = parseEvalResults(lines.join("\n"));
  assert.deepEqual(problems.map((p) => p.line), [38, 40]);
  assert.match(problems[0].message, /not JSON/);
  const cifar = results.filter((r) => r.dataset === "CIFAR-10");
  assert.equal(cifar.length, 1);
  assert.equal(cifar[0].main, 0.9, "the last line of a repeated task wins");
  assert.equal(results.find((r) => r.dataset === "ImageNet 1k")!.main, null, "NaN is no score");
  assert.equal(results.find((r) => r.dataset === "Extra")!.main, null);
  const a = aggregates(results);
  assert.equal(a.imagenet.value, null);
  assert.deepEqual(a.imagenet.missing, ["ImageNet 1k"]);
  assert.equal(a.vtab.value, null);
  assert.deepEqual(a.vtab.missing, ["Oxford Flowers-102"]);
  assert.equal(a.vtab.tasks, 12);
  assert.equal(a.average.value, null, "never averaged over fewer than 38");
  assert.deepEqual(a.average.missing.sort(), ["ImageNet 1k", "Oxford Flowers-102"]);
  assert.ok(a.retrieval.value !== null);
});

test("NaN inside a string stays text; bare NaN, -Infinity are no score", () => {
  const { results, problems } = parseEvalResults('{"key": "k", "dataset": "Note: NaN, here", "metrics": {"main_metric": -Infinity, "acc1": NaN, "label": "x: NaN,"}}');
  assert.deepEqual(problems, []);
  assert.equal(results[0].dataset, "Note: NaN, here");
  assert.equal(results[0].metrics.label, "x: NaN,");
  assert.equal(results[0].main, null);
});

/** A folder of runs: two DataComp-style runs (one complete, one missing a task and with a bad line), one of ours, and things that are not runs. */
function runsTree(root: string): void {
  const write = (rel: string, text: string) => { mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); writeFileSync(path.join(root, rel), text); };
  write("sweep/full/eval_results.jsonl", full.join("\n") + "\n");
  write("sweep/partial/eval_results.jsonl", [...full.slice(0, 11), "{oops", ...full.slice(12)].join("\n") + "\n"); // ImageNet 1k replaced by a bad line 12
  write("ours/run-t40/eval_results.jsonl", '{"key": "fashion_mnist", "dataset": "Fashion-MNIST", "metrics": {"acc1": 0.75, "acc_head": 0.8, "acc_tail": 0.7, "acc_class:0": 1, "acc_class:1": 0.5, "main_metric": 0.75}}\n');
  write("ours/run-t40/run.json", JSON.stringify({ tool: "metacurate", kind: "train", workspace: "/x/demo", metadata_hash: "abc", subset: "curated", subset_size: 900, t: 40, tail_share: 0.5, balance_seed: 0, seed: 1, samples_seen: 3000, passes: 3.3, tower: "mlp" }));
  write("ours/run-t40/.metacurate-gen-abc/eval_results.jsonl", full.join("\n")); // a staged generation: not a run
  write("notes/readme.txt", "not a run");
}

test("evals summary: every run at any depth, aggregates with task counts, bad lines by number (CLI, --json)", (t) => {
  const root = tempDir(t);
  runsTree(root);
  const outside = tempDir(t);
  writeFileSync(path.join(outside, "eval_results.jsonl"), full.join("\n"));
  symlinkSync(outside, path.join(root, "escape")); // a symlink out of the folder is not followed
  const r = cli("evals", "summary", root, "--json");
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const base = path.basename(root);
  assert.deepEqual(rows.map((x) => x.run), [`${base}/ours/run-t40`, `${base}/sweep/full`, `${base}/sweep/partial`]);
  const [ours, fullRun, partial] = rows;
  assert.ok(Math.abs(fullRun.average - (38 * 39) / 2 / 38 / 100) < 1e-12);
  assert.ok(Math.abs(fullRun.imagenet - 0.12) < 1e-12);
  assert.deepEqual(fullRun.tasks, { imagenet: 1, imagenet_dist_shifts: 6, vtab: 13, retrieval: 3, average: 38 });
  assert.equal(partial.imagenet, null);
  assert.equal(partial.average, null);
  assert.equal(partial.tasks.average, 37);
  assert.deepEqual(partial.missing.average, ["ImageNet 1k"]);
  assert.ok(partial.vtab !== null, "VTAB does not need ImageNet");
  assert.deepEqual(partial.problems.map((p: { line: number }) => p.line), [12]);
  assert.deepEqual(ours.other_tasks, { "Fashion-MNIST": 0.75 });
  const text = cli("evals", "summary", root);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /– \(37\/38\)/);
  assert.match(text.stdout, /sweep\/partial: eval_results\.jsonl line 12: not JSON/);
  assert.equal(cli("evals", "summary", path.join(root, "notes")).code, 3, "no run below a folder is an input error");
  assert.equal(cli("evals", "summary", path.join(root, "nope")).code, 3);
});

test("evals import copies runs byte for byte, atomically; a re-import replaces its own copy, never another's", (t) => {
  const root = tempDir(t);
  runsTree(root);
  const data = tempDir(t);
  const first = cli("evals", "import", root, "--data-dir", data, "--json");
  assert.equal(first.code, 0, first.stderr);
  const rows = first.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const base = path.basename(root);
  assert.deepEqual(rows.map((x) => x.id), [`runs/${base}/ours/run-t40`, `runs/${base}/sweep/full`, `runs/${base}/sweep/partial`]);
  for (const rel of ["ours/run-t40/eval_results.jsonl", "ours/run-t40/run.json", "sweep/partial/eval_results.jsonl"]) {
    assert.deepEqual(readFileSync(path.join(data, "runs", base, rel)), readFileSync(path.join(root, rel)), rel);
  }
  const imported = JSON.parse(readFileSync(path.join(data, "runs", base, "sweep/full/imported.json"), "utf8"));
  assert.equal(imported.source, path.join(root, "sweep/full"));
  // DataComp appends tasks as they finish: importing again replaces the copy
  writeFileSync(path.join(root, "sweep/partial/eval_results.jsonl"), full.join("\n"));
  const again = cli("evals", "import", path.join(root, "sweep"), "--data-dir", data, "--json");
  assert.equal(again.code, 0, again.stderr);
  const partial = again.stdout.trim().split("\n").map((l) => JSON.parse(l)).find((x) => x.id.endsWith("partial"));
  assert.equal(partial.replaced, true);
  assert.ok(partial.average !== null);
  assert.equal(partial.id, `runs/${base}/sweep/partial`, "a run imported again (from any folder above it) keeps its place");
  assert.deepEqual(readFileSync(path.join(data, "runs", base, "sweep/partial/eval_results.jsonl"), "utf8"), full.join("\n"));
  // another folder of the same name gets its own copy
  const other = tempDir(t);
  mkdirSync(path.join(other, "sweep/full"), { recursive: true });
  writeFileSync(path.join(other, "sweep/full/eval_results.jsonl"), full.slice(0, 3).join("\n"));
  const third = cli("evals", "import", path.join(other, "sweep"), "--data-dir", data, "--json");
  assert.equal(third.code, 0, third.stderr);
  assert.deepEqual(third.stdout.trim().split("\n").map((l) => JSON.parse(l).id), ["runs/sweep/full"]);
  writeFileSync(path.join(other, "sweep/full/eval_results.jsonl"), full.slice(0, 4).join("\n"));
  const fourth = tempDir(t);
  mkdirSync(path.join(fourth, "sweep/full"), { recursive: true });
  writeFileSync(path.join(fourth, "sweep/full/eval_results.jsonl"), full.slice(0, 5).join("\n"));
  const clash = cli("evals", "import", path.join(fourth, "sweep"), "--data-dir", data, "--json");
  assert.deepEqual(clash.stdout.trim().split("\n").map((l) => JSON.parse(l).id), ["runs/sweep/full-2"], "a name held by another source gets a suffix");
  assert.equal(readFileSync(path.join(data, "runs/sweep/full/eval_results.jsonl"), "utf8"), full.slice(0, 3).join("\n"), "and the other copy is untouched");
  // a folder inside the data directory is refused (the dashboard shows it already)
  const inside = cli("evals", "import", path.join(data, "runs"), "--data-dir", data);
  assert.equal(inside.code, 2);
  assert.match(inside.stderr, /inside the data directory/);
});

test("reference runs: DataComp Table 3 and MetaCLIP Tables 4, 5 and 8 with their sources", () => {
  const dc = REFERENCE_RUNS.filter((r) => r.source.paper === "DataComp");
  const mc = REFERENCE_RUNS.filter((r) => r.source.paper === "MetaCLIP");
  assert.equal(dc.length, 25);
  assert.equal(mc.length, 17);
  const dc1b = dc.find((r) => r.scale === "xlarge" && r.name.includes("DataComp-1B"))!;
  assert.deepEqual(dc1b.aggregates, { imagenet: 0.792, imagenet_dist_shifts: 0.679, vtab: 0.652, retrieval: 0.608, average: 0.663 });
  assert.equal(dc1b.source.table, "Table 3");
  const b32 = mc.find((r) => r.name === "B/32 MetaCLIP 400M")!;
  assert.equal(b32.tasks.length, 26);
  assert.equal(b32.tasks[0].dataset, "ImageNet 1k");
  assert.equal(b32.tasks[0].main, 0.655);
  assert.equal(b32.average26, 0.582);
  assert.equal(b32.aggregates.average, 0.535, "Table 8: DataComp's 38-task average");
  assert.equal(b32.t, 20_000);
  for (const r of mc) {
    // the 26-task average the paper prints is the mean of its 26 cells (to its rounding)
    const mean = r.tasks.reduce((a, x) => a + x.main, 0) / 26;
    assert.ok(Math.abs(mean - r.average26!) < 0.0006, `${r.name}: ${mean} vs ${r.average26}`);
  }
});

test("t sweeps group runs that differ only in t; seeds are points, their mean a line; raw and matched are baselines", () => {
  const run = (id: string, subset: string, tt: number | null, seed: number, acc: number, samples = 30_000) => buildRun(id,
    `{"key": "fashion_mnist", "dataset": "Fashion-MNIST", "metrics": {"acc1": ${acc}, "acc_tail": ${acc / 2}, "main_metric": ${acc}}}`,
    JSON.stringify({ kind: "train", metadata_hash: "m", workspace: "/w/demo", subset, t: tt, seed, samples_seen: samples, tower: "mlp" }));
  const runs = [run("raw-0", "raw", null, 0, 0.6), run("raw-1", "raw", null, 1, 0.62), run("a", "curated", 40, 0, 0.7), run("b", "curated", 40, 1, 0.74),
    run("c", "curated", 80, 0, 0.8), run("d", "curated", 80, 1, 0.7, 29_952), run("other", "curated", 40, 0, 0.1, 60_000)];
  const [sweep, ...rest] = tSweeps(runs, "task:Fashion-MNIST");
  assert.equal(rest.length, 0, "a group with one t is no sweep");
  assert.deepEqual(sweep.means.map((m) => [m.t, m.n, Number(m.mean.toFixed(12))]), [[40, 2, 0.72], [80, 2, 0.75]]);
  assert.ok(Math.abs(sweep.means[0].sd! - Math.sqrt(0.0008)) < 1e-12);
  assert.deepEqual(sweep.baselines, [{ subset: "raw", mean: 0.61, n: 2 }]);
  assert.equal(tSweeps(runs, "task:Fashion-MNIST:acc_tail")[0].means[0].mean, 0.36);
  assert.deepEqual(metricOptions(runs).map((m) => m.id), ["task:Fashion-MNIST", "task:Fashion-MNIST:acc_tail"]);
  assert.equal(noiseBand("agg:imagenet"), 0.002);
  assert.equal(noiseBand("agg:average"), 0.006);
});

test("a run trained on a worldwide workspace says so (run.json's languages): its label names English's t, apart from an English-only run at the same t", () => {
  const evals = '{"key": "fashion_mnist", "dataset": "Fashion-MNIST", "metrics": {"acc1": 0.7, "acc_head": 0.8, "acc_tail": 0.6}}\n';
  const record = { tool: "metacurate", kind: "train", workspace: "/x/demo-worldwide", metadata_hash: "abc", subset: "curated", subset_size: 900, t: 57, tail_share: 0.06, balance_seed: 0, seed: 1, samples_seen: 3000, passes: 3.3, tower: "mlp" };
  const worldwide = buildRun("ww", evals, JSON.stringify({ ...record, languages: ["ar", "de", "en"] }));
  const english = buildRun("en", evals, JSON.stringify({ ...record, workspace: "/x/demo-en", languages: null }));
  assert.deepEqual(worldwide.curation.languages, ["ar", "de", "en"]);
  assert.equal(curationLabel(worldwide), "worldwide, English's t = 57");
  assert.equal(curationLabel(english), "t = 57");
  const bad = buildRun("bad", evals, JSON.stringify({ ...record, languages: "en" }));
  assert.match(bad.problems.map((p) => p.message).join("\n"), /"languages": /);
});
