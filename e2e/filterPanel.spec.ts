// Issue 25: the /distribution filter panel on the demo — its numbers are the CLI's (metacurate filter's
// counts, rows and threshold; curate's expected size on the filtered pool), its charts drawn; "Filter…"
// starts a filter job that writes those numbers; a workspace without per-row columns says how to add them.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitEvent, type AppEvent } from "./support/app";
import { E2E_DATA, EXPERIMENT, FIXTURE, LOWERCASE, REPO } from "./support/workspaces";

interface CliFilter { rows_read: number; rows_kept: number; threshold: number | null; conditions: { condition: string; removed_alone: number; removed_in_order: number }[] }
const manifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), ...args, "--progress", "none"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
};

function expectSameAsCli(ev: AppEvent, f: CliFilter) {
  expect(ev.rows).toBe(f.rows_read);
  expect(ev.rowsKept).toBe(f.rows_kept);
  expect(ev.threshold).toBe(f.threshold);
  expect((ev.conditions as { condition: string; removedAlone: number; removedInOrder: number }[]).map((c) => [c.condition, c.removedAlone, c.removedInOrder]))
    .toEqual(f.conditions.map((c) => [c.condition, c.removed_alone, c.removed_in_order]));
}

test("the filter panel on the demo: each condition's removals, the rows kept and filter-then-balance are the CLI's", async ({ page }) => {
  test.setTimeout(180_000);
  const ws = manifest(path.join(E2E_DATA, FIXTURE));
  const t = ws.balance.t as number;
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  // the demo's default: DataComp's CLIP-score baseline, the top 30% by the tiny CLIP's score (the experiment's clip30)
  const ev = await waitEvent(page, "filter:preview", { t });
  expect(ev.choice).toEqual({ name: "clip_score", scoreCol: "tiny_clip_similarity_score", fraction: 0.3 });
  const clip30 = manifest(path.join(E2E_DATA, EXPERIMENT, "clip30")).filter as CliFilter;
  expectSameAsCli(ev, clip30);
  const clipWs = manifest(path.join(E2E_DATA, EXPERIMENT, "clip30-ws"));
  expect(clipWs.balance.t).toBe(t);
  expect(ev.filterThenBalance).toBe(clipWs.balance.expected_size); // to the bit: the same rows, counts and summation
  expect(ev.matchedKept).toBe(clipWs.match.rows_matched);
  expect(ev.balance).toBe(ws.balance.expected_size);
  await expect(page.getByTestId("filter-kept")).toHaveAttribute("data-value", String(clip30.rows_kept));
  await expect(page.getByTestId("filter-condition")).toHaveCount(1);
  await expect(page.getByTestId("filter-condition")).toHaveAttribute("data-alone", String(clip30.conditions[0].removed_alone));
  await expect(page.getByTestId("filter-size-filter-balance")).toHaveAttribute("data-value", String(clipWs.balance.expected_size));
  // drawn together: five rank–count series and five sizes
  await waitEvent(page, "chart:drawn", { id: "filter-rank" });
  await expect(page.getByTestId("chart-filter-rank").locator("svg g[aria-label=line] path")).toHaveCount(5);
  await expect(page.getByTestId("chart-filter-sizes").locator("svg g[aria-label=bar] rect")).toHaveCount(5);
  const bad = page.getByTestId("filter-value");
  await bad.fill("1.5");
  await expect(page.getByTestId("filter-problem")).toContainText("fraction");

  // basic_filter with fastText at the demo's own image size: the CLI on the workspace's pool, then curate on what it keeps
  await page.getByTestId("filter-name").selectOption("basic_filter");
  await page.getByTestId("filter-minSide").fill("28");
  const ev2 = await page.waitForFunction(() => (window as unknown as { __metacurateEvents: AppEvent[] }).__metacurateEvents
    .filter((e) => e.type === "filter:preview" && (e.choice as { name: string; minSide?: number }).name === "basic_filter" && (e.choice as { minSide?: number }).minSide === 28).at(-1) ?? null).then((h) => h.jsonValue() as Promise<AppEvent>);
  expect(ev2.choice).toEqual({ name: "basic_filter", lid: "fasttext", minWords: 2, minChars: 5, minSide: 28, maxAspect: 3 });
  const dir = mkdtempSync(path.join(os.tmpdir(), "mc-e2e-filter-"));
  try {
    const pool = path.join(E2E_DATA, EXPERIMENT, "scored", "scored.parquet");
    cli("filter", "--pool", pool, "--out", path.join(dir, "F"), "--name", "basic_filter", "--min-side", "28");
    const f = manifest(path.join(dir, "F")).filter as CliFilter;
    expectSameAsCli(ev2, f);
    expect(f.rows_kept).toBeGreaterThan(0);
    expect(f.rows_kept).toBeLessThan(f.rows_read);
    cli("curate", "--metadata", ws.match.metadata.file, "--pool", path.join(dir, "F", "filtered.parquet"), "--out", path.join(dir, "FB"), "--t", String(t));
    expect(ev2.filterThenBalance).toBe(manifest(path.join(dir, "FB")).balance.expected_size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("\"Filter…\" starts a filter job over the demo's pool that writes the panel's numbers", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  const ev = await waitEvent(page, "filter:preview");
  const out = `e2e-filter-${Date.now()}`;
  await page.getByTestId("open-filter-job").click();
  await expect(page.getByTestId("filter-job-form")).toContainText("metacurate filter --name clip_score --score-col tiny_clip_similarity_score --fraction 0.3");
  await page.getByTestId("filter-job-out").fill(out);
  await page.getByTestId("filter-job-submit").click();
  await page.waitForURL(/\/jobs\/[^/?]+/);
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "succeeded", { timeout: 120_000 });
  const f = manifest(path.join(E2E_DATA, out)).filter as CliFilter;
  expectSameAsCli(ev, f);
  rmSync(path.join(E2E_DATA, out), { recursive: true, force: true });
});

test("a workspace without per-row columns says how to add them; the rest of the page works", async ({ page }) => {
  await page.goto(`/distribution?workspace=${LOWERCASE}`);
  await expect(page.getByTestId("filter-columns-missing")).toContainText("npx metacurate columns --workspace DIR");
  await expect(page.getByTestId("stat-head-entries")).not.toHaveText("");
});

test("\"Curate at this t\" can filter first: the job is the experiment's filter-then-balance, byte for byte", async ({ page }) => {
  test.setTimeout(180_000);
  const ws = manifest(path.join(E2E_DATA, FIXTURE));
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "filter:preview");
  await page.getByTestId("open-curate").click();
  await page.getByTestId("job-form-filter-first").check();
  await expect(page.getByTestId("job-form-shards")).toHaveCount(0);
  const out = `e2e-filter-first-${Date.now()}`;
  await page.getByTestId("job-form-out").fill(out);
  await page.getByTestId("job-form-submit").click();
  // the job's page opens the new workspace when the job succeeds
  await page.waitForURL(new RegExp(`/distribution\\?.*workspace=${out}`), { timeout: 150_000 });
  const clipWs = path.join(E2E_DATA, EXPERIMENT, "clip30-ws");
  expect(manifest(clipWs).balance.seed).toBe(ws.balance.seed);
  for (const f of ["curated.parquet", "subset.npy", "entry_counts.parquet"]) expect(readFileSync(path.join(E2E_DATA, out, f)).equals(readFileSync(path.join(clipWs, f))), f).toBe(true);
  // gone again: a served copy of clip30-ws would otherwise be the workspace /evals names for the experiment's runs
  rmSync(path.join(E2E_DATA, out), { recursive: true, force: true });
});
