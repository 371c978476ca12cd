// /evals on the demo's shipped runs (the fixture's training experiment): the t sweep and the papers'
// reference rows; two runs selected give the per-task chart and the curation comparison, linked back to
// /distribution; a dropped broken eval_results.jsonl names its bad line and the rest is read.
import { expect, test, type Locator } from "@playwright/test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { waitEvent } from "./support/app";
import { E2E_DATA, EXPERIMENT, FIXTURE } from "./support/workspaces";

const runDirs = () => readdirSync(path.join(E2E_DATA, EXPERIMENT), { withFileTypes: true }).filter((d) => d.isDirectory() && /-s\d+$/.test(d.name)).map((d) => d.name);
const runCount = () => runDirs().length;

/**
 * The experiment's runs as their files say (the reference the charts are checked against): subset
 * (raw, matched, curated, or filtered: DataComp's CLIP-score top 30%, alone or then balanced), the t of
 * a balanced run of the raw pool (the sweep's), seed, Fashion-MNIST top-1, head and tail.
 */
function experimentRuns() {
  return runDirs().map((name) => {
    const m = /^(raw|matched|curated|clip30)(?:-t(\d+))?-s(\d+)$/.exec(name);
    if (!m) throw new Error(`an experiment run this test does not know: ${name}`);
    const line = JSON.parse(readFileSync(path.join(E2E_DATA, EXPERIMENT, name, "eval_results.jsonl"), "utf8"));
    const subset = m[1] === "clip30" ? "filtered" : m[1];
    return { name, subset, t: m[2] && subset === "curated" ? Number(m[2]) : null, seed: Number(m[3]), value: line.metrics.main_metric as number, head: line.metrics.acc_head as number, tail: line.metrics.acc_tail as number };
  });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const tText = (t: number) => t.toLocaleString("en-US");

/** Every mark of a chart lies inside its SVG: nothing is clipped at an edge. */
async function marksInside(chart: Locator, selector: string) {
  const out = await chart.locator("svg").first().evaluate((svg, sel) => {
    const frame = svg.getBoundingClientRect();
    return [...svg.querySelectorAll(sel)].map((el) => el.getBoundingClientRect()).filter((b) => b.width > 0 && (b.left < frame.left - 0.5 || b.right > frame.right + 0.5 || b.top < frame.top - 0.5 || b.bottom > frame.bottom + 0.5)).length;
  }, selector);
  expect(out, `marks outside the chart (${selector})`).toBe(0);
}

test("the demo's runs: the t sweep with its seeds, head vs tail, and the papers' reference rows", async ({ page }) => {
  await page.goto("/evals");
  await expect(page.getByTestId("run-row")).toHaveCount(runCount());
  await expect(page.getByTestId("evals-count")).toContainText(`${runCount()} runs; 42 reference runs`);
  // the sweep: every curated run a point, grouped by t; raw and matched as baselines
  await waitEvent(page, "chart:drawn", { id: "sweep" });
  await expect(page.getByTestId("sweep-note")).toContainText(/1 sweep: fixture · mlp · [\d,]+ seen \(\d+ values of t, \d+ runs\)/);
  await expect(page.getByTestId("chart-sweep").locator("circle")).toHaveCount(experimentRuns().filter((r) => r.t !== null).length); // raw and matched are lines; the filtered runs are another pool
  // the baselines are drawn inside the plot, labelled with their values (the means of their seeds, from the files)
  const runs = experimentRuns();
  const raw = mean(runs.filter((r) => r.subset === "raw").map((r) => r.value));
  const matched = mean(runs.filter((r) => r.subset === "matched").map((r) => r.value));
  const sweep = page.getByTestId("chart-sweep");
  await expect(sweep.locator("svg text", { hasText: `raw ${raw.toFixed(3)} (mean of 2 seeds)` })).toHaveCount(1);
  await expect(sweep.locator("svg text", { hasText: `matched ${matched.toFixed(3)} (mean of 2 seeds)` })).toHaveCount(1);
  await marksInside(sweep, "text, circle, line, path");
  // a tick label at every swept t
  const ts = [...new Set(runs.flatMap((r) => (r.t === null ? [] : [r.t])))].sort((a, b) => a - b);
  expect(ts.length).toBeGreaterThanOrEqual(6);
  for (const t of ts) await expect(sweep.locator("svg text").filter({ hasText: new RegExp(`^${tText(t)}$`) })).toHaveCount(1);
  // the gain over raw at each t: mean ± sd over the seeds, as the files give it
  const gains = page.getByTestId("sweep-gain");
  await expect(gains).toHaveCount(ts.length);
  for (const t of ts) {
    const xs = runs.filter((r) => r.t === t).map((r) => r.value - raw);
    const g = page.locator(`[data-testid="sweep-gain"][data-t="${t}"]`);
    expect(Number(await g.getAttribute("data-mean"))).toBeCloseTo(mean(xs), 9);
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
    await expect(g).toContainText(`t = ${tText(t)}: ${mean(xs) >= 0.0005 ? "+" : mean(xs) <= -0.0005 ? "−" : ""}${Math.abs(mean(xs)).toFixed(3)} ± ${sd.toFixed(3)}`);
  }
  await waitEvent(page, "chart:drawn", { id: "head-tail" });
  // head vs tail: t on an ordered scale (its legend in the order of t), raw and matched as marks of their own, nothing clipped
  const headTail = page.getByTestId("chart-head-tail");
  const legend = await headTail.locator("div, span").filter({ hasText: /^t = [\d,]+$/ }).allTextContents();
  expect(legend).toEqual(ts.map((t) => `t = ${tText(t)}`));
  for (const kind of ["raw pool", "matched", "balanced (colour: t)", "filtered (DataComp)", "filtered, then balanced"]) await expect(headTail.getByText(kind, { exact: true })).toHaveCount(1);
  // DataComp's CLIP-score baseline is named as such, alone and then balanced (not a raw pool, not a point of the sweep)
  const demoT = JSON.parse(readFileSync(path.join(E2E_DATA, FIXTURE, "manifest.json"), "utf8")).balance.t;
  await expect(page.locator('[data-testid="run-row"][data-id$="/clip30-s0"]')).toContainText("clip_score top 30%");
  await expect(page.locator(`[data-testid="run-row"][data-id$="/clip30-t${demoT}-s0"]`)).toContainText(`clip_score top 30%, then t = ${demoT}`);
  await marksInside(headTail, "g[aria-label=dot] > *, g[aria-label=text] > *");
  // marks at one spot say how many runs they are: every spot the files share is signed
  const spots = new Map<string, number>();
  for (const r of runs) spots.set(`${r.tail.toFixed(4)}|${r.head.toFixed(4)}`, (spots.get(`${r.tail.toFixed(4)}|${r.head.toFixed(4)}`) ?? 0) + 1);
  const shared = [...spots.values()].filter((n) => n > 1).sort();
  const signs = (await headTail.locator("g[aria-label=text] text").evaluateAll((els) => els.map((el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE || n.nodeName === "tspan").map((n) => n.textContent).join("")))).filter((x) => /^×\d+$/.test(x)).map((x) => Number(x.slice(1))).sort();
  expect(signs).toEqual(shared);
  // DataComp's filter beside balancing: each curation's gain over raw as the files give it, and the paper's small-scale baselines
  await waitEvent(page, "chart:drawn", { id: "filter-balance" });
  const gainOf = (names: string[]) => mean(runs.filter((r) => names.includes(r.name)).map((r) => r.value)) - raw;
  const filtered = runs.filter((r) => /^clip30-s\d+$/.test(r.name)).map((r) => r.name), both = runs.filter((r) => /^clip30-t\d+-s\d+$/.test(r.name)).map((r) => r.name);
  expect(filtered.length).toBeGreaterThan(0);
  expect(Number(await page.locator('[data-testid="condition-gain"][data-label="clip_score top 30%"]').getAttribute("data-mean"))).toBeCloseTo(gainOf(filtered), 9);
  expect(Number(await page.locator(`[data-testid="condition-gain"][data-label="clip_score top 30%, then t = ${demoT}"]`).getAttribute("data-mean"))).toBeCloseTo(gainOf(both), 9);
  expect(Number(await page.locator('[data-testid="condition-gain"][data-label="t = 80"]').getAttribute("data-mean"))).toBeCloseTo(gainOf(runs.filter((r) => r.t === 80).map((r) => r.name)), 9);
  await expect(page.getByTestId("chart-datacomp-baselines").locator("svg text", { hasText: "+0.041 (3.8M)" })).toHaveCount(1); // CLIP score (L/14 30%): 0.173 − 0.132
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
  // ticked curated first: the reference (A) is still the less curated run
  await curated.getByTestId("run-select").check();
  await raw.getByTestId("run-select").check();
  await expect(page).toHaveURL(/sel=fixture-experiment\/curated-t40-s0,fixture-experiment\/raw-s0/);
  await expect(page.getByTestId("compare-title")).toHaveText("Compare: A = fixture-experiment/raw-s0 (reference), B = fixture-experiment/curated-t40-s0");
  // "beyond noise?" from the spread over the two seeds of each (the files' values)
  const runs = experimentRuns();
  const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
  const sdRaw = sd(runs.filter((r) => r.subset === "raw").map((r) => r.value)), sdT = sd(runs.filter((r) => r.t === 40).map((r) => r.value));
  const threshold = 2 * Math.sqrt(sdRaw ** 2 + sdT ** 2);
  const verdict = page.getByTestId("compare-verdict").first();
  await expect(verdict).toHaveAttribute("data-kind", "seeds");
  await expect(verdict).toContainText(`${threshold.toFixed(4)}, twice the sd of a difference, from the seeds (A 2, B 2)`);
  const delta = runs.find((r) => r.name === "curated-t40-s0")!.value - runs.find((r) => r.name === "raw-s0")!.value;
  await expect(verdict).toContainText(Math.abs(delta) > threshold ? "yes" : "no");
  // the other order reads the same; pinning B makes it the reference, in the URL
  await raw.getByTestId("run-select").uncheck();
  await curated.getByTestId("run-select").uncheck();
  await raw.getByTestId("run-select").check();
  await curated.getByTestId("run-select").check();
  await expect(page.getByTestId("compare-title")).toHaveText("Compare: A = fixture-experiment/raw-s0 (reference), B = fixture-experiment/curated-t40-s0");
  await page.getByTestId("compare-pin-b").click();
  await expect(page.getByTestId("compare-title")).toHaveText("Compare: A = fixture-experiment/curated-t40-s0 (reference), B = fixture-experiment/raw-s0");
  await expect(page.getByTestId("compare-reference")).toHaveText("A is pinned as the reference.");
  await expect(page).toHaveURL(/ref=fixture-experiment\/curated-t40-s0/);
  await page.getByTestId("compare-unpin").click();
  await expect(page.getByTestId("compare-title")).toContainText("A = fixture-experiment/raw-s0 (reference)");
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

test("a rerun is not a new seed: the same curation, trainer, seed and samples seen again is one experiment, counted once", async ({ page, request }) => {
  const out = "e2e-rerun-t51";
  const runs = experimentRuns();
  const demoT = 51; // the fixture's own t: its curated-t51 runs trained on the fixture workspace itself, as the form does
  expect(runs.some((r) => r.t === demoT)).toBe(true);
  try {
    const res = await request.post("/api/jobs", { data: { kind: "train", workspace: FIXTURE, subset: "curated", "samples-seen": 8192, seed: 0, out } });
    expect(res.status()).toBe(202);
    const { id } = await res.json();
    await expect.poll(async () => ((await (await request.get(`/api/jobs/${id}`)).json()) as { state: string }).state, { timeout: 180_000 }).toBe("succeeded");
    await page.goto("/evals");
    const n = runCount();
    await expect(page.getByTestId("run-row")).toHaveCount(n + 1);
    await expect(page.getByTestId("evals-count")).toContainText(`${n + 1} runs, ${n} experiments (1 run repeats another's curation, trainer and seed: counted once)`);
    await expect(page.locator(`[data-testid="run-row"][data-id="${out}"]`).getByTestId("run-repeat")).toHaveText(`repeat of curated-t${demoT}-s0`);
    // the sweep: still one point per seed, and the t's gain as before the rerun
    await waitEvent(page, "chart:drawn", { id: "sweep" });
    await expect(page.getByTestId("sweep-note")).toContainText(`(${new Set(runs.map((r) => r.t).filter((t) => t !== null)).size} values of t, ${runs.filter((r) => r.t !== null).length} runs)`);
    await expect(page.getByTestId("sweep-note")).toContainText("1 repeat of an experiment (same curation, trainer, seed and samples seen) counted once.");
    await expect(page.getByTestId("chart-sweep").locator("g[aria-label=dot] circle")).toHaveCount(runs.filter((r) => r.t !== null).length);
    const raw = mean(runs.filter((r) => r.subset === "raw").map((r) => r.value));
    const gain = Number(await page.locator(`[data-testid="sweep-gain"][data-t="${demoT}"]`).getAttribute("data-mean"));
    expect(gain).toBeCloseTo(mean(runs.filter((r) => r.t === demoT).map((r) => r.value)) - raw, 9);
    await expect(page.getByTestId("chart-sweep").locator("svg text", { hasText: "×2" })).toHaveCount(1);
  } finally {
    rmSync(path.join(E2E_DATA, out), { recursive: true, force: true }); // the other tests count the experiment's runs
  }
});
