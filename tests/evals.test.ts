// eval_results.jsonl read as DataComp writes it, and DataComp's aggregates checked against
// hand-computed values: NaN and null, repeated tasks (the last wins), malformed lines by number,
// an incomplete group named and never averaged over fewer tasks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregates, parseEvalResults } from "../lib/evals/results";
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
