// /evals on the demo's shipped runs (the fixture's training experiment): the t sweep and the papers'
// reference rows; two runs selected give the per-task chart and the curation comparison, linked back to
// /distribution; a dropped broken eval_results.jsonl names its bad line and the rest is read.
import { expect, test } from "@playwright/test";
import { readdirSync } from "node:fs";
import path from "node:path";
import { waitEvent } from "./support/app";
import { E2E_DATA, EXPERIMENT, FIXTURE } from "./support/workspaces";

const runCount = () => readdirSync(path.join(E2E_DATA, EXPERIMENT), { withFileTypes: true }).filter((d) => d.isDirectory() && /-s\d+$/.test(d.name)).length;

test("the demo's runs: the t sweep with its seeds, head vs tail, and the papers' reference rows", async ({ page }) => {
  await page.goto("/evals");
  await expect(page.getByTestId("run-row")).toHaveCount(runCount());
  await expect(page.getByTestId("evals-count")).toContainText(`${runCount()} runs; 42 reference runs`);
  // the sweep: every curated run a point, grouped by t; raw and matched as baselines
  await waitEvent(page, "chart:drawn", { id: "sweep" });
  await expect(page.getByTestId("sweep-note")).toContainText(/1 sweep: fixture · mlp · [\d,]+ seen \(\d+ values of t, \d+ runs\)/);
  await expect(page.getByTestId("chart-sweep").locator("circle")).toHaveCount(runCount() - 4); // raw and matched (2 seeds each) are lines
  await expect(page.getByTestId("chart-sweep")).toContainText("raw (mean of 2)");
  await waitEvent(page, "chart:drawn", { id: "head-tail" });
  // the papers' runs: DataComp Table 3 and MetaCLIP, with their sources; on the ImageNet–Average chart too
  await expect(page.getByTestId("reference-row")).toHaveCount(42);
  await expect(page.getByTestId("reference-table")).toContainText("DataComp Table 3, xlarge / Image-based ∩ CLIP score (L/14 30%) = DataComp-1B");
  await expect(page.getByTestId("reference-table")).toContainText("0.663");
  await waitEvent(page, "chart:drawn", { id: "imagenet-average" });
  await expect(page.getByTestId("scatter-note")).toContainText("None of these runs has all 38 DataComp tasks");
  // sortable by the metric, by keyboard
  await page.getByTestId("sort-main").focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/sort=main&dir=desc/);
  const firstTwo = await page.getByTestId("run-row").evaluateAll((rows) => rows.slice(0, 2).map((r) => Number(r.children[8].textContent)));
  expect(firstTwo[0]).toBeGreaterThanOrEqual(firstTwo[1]);
});

test("two runs selected: per-task chart with chance, and their curations compared, linked to /distribution", async ({ page }) => {
  await page.goto("/evals");
  const raw = page.locator('[data-testid="run-row"][data-id$="/raw-s0"]');
  const curated = page.locator('[data-testid="run-row"][data-id$="/curated-t40-s0"]');
  await raw.getByTestId("run-select").check();
  await curated.getByTestId("run-select").check();
  await expect(page).toHaveURL(/sel=fixture-experiment\/raw-s0,fixture-experiment\/curated-t40-s0/);
  await waitEvent(page, "chart:drawn", { id: "tasks" });
  await expect(page.getByTestId("chart-tasks")).toContainText("Fashion-MNIST");
  const compare = page.getByTestId("compare");
  await expect(compare.getByTestId("compare-curation")).toContainText("raw pool");
  await expect(compare.getByTestId("compare-curation")).toContainText("t = 40");
  await expect(compare.getByTestId("compare-evals")).toContainText("Fashion-MNIST");
  await waitEvent(page, "chart:drawn", { id: "compare-distribution" });
  await expect(compare.getByTestId("chart-compare-distribution")).toContainText("fixture before balancing");
  // the curation links back to its workspace at its t
  const link = compare.getByRole("link", { name: FIXTURE }).last();
  await expect(link).toHaveAttribute("href", `/distribution?workspace=${FIXTURE}&t=40&seed=0`);
  // the selection lives in the URL: a reload keeps it
  await page.reload();
  await expect(page.getByTestId("compare")).toBeVisible();
  await link.click().catch(async () => { await page.getByTestId("compare").getByRole("link", { name: FIXTURE }).last().click(); });
  await expect(page).toHaveURL(/\/distribution\?workspace=fixture&t=40/);
  await expect(page.getByTestId("input-t")).toHaveValue("40");
});

test("a dropped eval_results.jsonl: its bad line is named, the rest read and added as a run", async ({ page }) => {
  await page.goto("/evals");
  await expect(page.getByTestId("run-row")).toHaveCount(runCount());
  const text = [
    '{"key": "imagenet1k", "dataset": "ImageNet 1k", "metrics": {"acc1": 0.5, "main_metric": 0.5}}',
    '{"key": "cifar10", "dataset": "CIFAR-10", "metrics": {"acc1": 0.9, "main_metric": NaN',
    '{"key": "vtab/svhn", "dataset": "SVHN", "metrics": {"acc1": 0.3, "main_metric": 0.3}}',
  ].join("\n");
  await page.getByTestId("runs-file").setInputFiles({ name: "eval_results.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(text) });
  await expect(page.getByTestId("drop-problems")).toContainText("eval_results.jsonl line 2: not JSON");
  await expect(page.getByTestId("run-row")).toHaveCount(runCount() + 1);
  const row = page.locator('[data-testid="run-row"][data-id="dropped/eval_results"]');
  await expect(row).toContainText("0.500"); // ImageNet: its one task is there
  await expect(row).toContainText("– (2/38)");
  await page.getByTestId("runs-file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await expect(page.getByTestId("drop-problems")).toContainText("notes.txt: not an eval_results.jsonl or run.json");
});
