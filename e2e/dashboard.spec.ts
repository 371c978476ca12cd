// The dashboard in Debian Chromium against `metacurate serve` (next start) on workspaces made by the engine.
import { expect, test, type Page } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDuckDB, queryRows, sqlString } from "../lib/pool/duckdb";
import { clearEvents, engineStats, stat, waitEvent } from "./support/app";
import { BROKEN, E2E_DATA, FIXTURE, REPO, WEBDATASET } from "./support/workspaces";

const foreign: string[] = [];
test.beforeEach(({ page, baseURL }) => {
  page.on("request", (r) => { if (!r.url().startsWith(baseURL!) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) foreign.push(r.url()); });
});
test.afterEach(() => {
  expect(foreign, "no request leaves the app's origin").toEqual([]);
});

async function expectFiguresMatchEngine(page: Page, t: number) {
  await waitEvent(page, "figures", { t });
  await waitEvent(page, "expected-size", { t });
  const e = engineStats(FIXTURE, "--t", String(t));
  expect(Number(await stat(page, "stat-head-entries"))).toBe(e.at_t.head_entries);
  expect(Number(await stat(page, "stat-head-share"))).toBe(e.at_t.head_share);
  expect(Number(await stat(page, "stat-tail-share"))).toBe(e.at_t.tail_share);
  expect(Number(await stat(page, "stat-zero-entries"))).toBe(e.zero_count_entries);
  expect(Number(await stat(page, "stat-expected-size"))).toBe(e.at_t.expected_size);
}

test("the distribution page draws both charts and its figures are the engine's, to the last digit", async ({ page }) => {
  const manifest = JSON.parse(readFileSync(path.join(E2E_DATA, FIXTURE, "manifest.json"), "utf8"));
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "chart:drawn", { id: "rank" });
  await waitEvent(page, "chart:drawn", { id: "cumulative" });
  await expect(page.getByTestId("chart-rank").locator('g[aria-label="line"] path').first()).toBeVisible();
  await expect(page.getByTestId("chart-cumulative").locator('g[aria-label="line"] path').first()).toBeVisible();
  await expect(page.getByTestId("input-t")).toHaveValue(String(manifest.balance.t));
  await expectFiguresMatchEngine(page, manifest.balance.t);
  await expect(page.getByTestId("stat-expected-size")).toContainText(manifest.balance.expected_size.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 }));
});

test("moving t (typed, then the slider) changes the figures to the engine's values for that t", async ({ page }) => {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "expected-size");
  await clearEvents(page);
  await page.getByTestId("input-t").fill("37");
  await page.getByTestId("input-t").press("Enter");
  await expectFiguresMatchEngine(page, 37);
  await waitEvent(page, "chart:drawn", { id: "cumulative", key: `${FIXTURE}|37|true` });

  await clearEvents(page);
  await page.getByTestId("slider-t").focus();
  await page.keyboard.press("Home");
  const moved = await waitEvent(page, "figures");
  expect(moved.t).toBe(1);
  await expect(page.getByTestId("input-t")).toHaveValue(String(moved.t));
  await expectFiguresMatchEngine(page, moved.t as number);
});

test("typing p sets the t that p_to_t gives", async ({ page }) => {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "expected-size");
  const e = engineStats(FIXTURE, "--p", "0.2");
  await clearEvents(page);
  await page.getByTestId("input-p").fill("0.2");
  await page.getByTestId("input-p").press("Enter");
  await waitEvent(page, "figures", { t: e.at_t.t });
  await expect(page.getByTestId("input-t")).toHaveValue(String(e.at_t.t));
  await expectFiguresMatchEngine(page, e.at_t.t);
});

test("a copied URL restores the view", async ({ page, context }) => {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "expected-size");
  await page.getByTestId("input-t").fill("51");
  await page.getByTestId("input-t").press("Enter");
  await waitEvent(page, "figures", { t: 51 });
  await page.getByTestId("toggle-overlays").uncheck();
  const url = page.url();
  expect(url).toContain("t=51");
  const again = await context.newPage();
  await again.goto(url);
  await waitEvent(again, "chart:drawn", { id: "cumulative", key: `${FIXTURE}|51|false` });
  await expect(again.getByTestId("input-t")).toHaveValue("51");
  await expect(again.getByTestId("toggle-overlays")).not.toBeChecked();
  await expectFiguresMatchEngine(again, 51);
});

test("the entries search finds an entry and its detail shows the pairs that match it", async ({ page }) => {
  await page.goto(`/entries?workspace=${FIXTURE}`);
  await waitEvent(page, "entries:loaded", { search: "" });
  await page.getByTestId("entries-search").fill("sneaker");
  const loaded = await waitEvent(page, "entries:loaded", { search: "sneaker" });
  expect(loaded.total).toBeGreaterThan(0);
  const first = page.getByTestId("entry-row").first();
  await expect(first.getByTestId("entry-name")).toContainText("sneaker");
  const id = Number(await first.getAttribute("data-entry-id"));
  await first.click();
  const shown = await waitEvent(page, "pairs:shown", { context: "entry" });
  expect((shown.uids as string[]).length).toBeGreaterThan(0);
  const detail = page.getByTestId("entry-detail");
  await expect(detail).toHaveAttribute("data-entry-id", String(id));
  await expect(page.getByTestId("entry-detail-name")).toContainText(`“${await first.getByTestId("entry-name").textContent()}”`);
  const captions = detail.getByTestId("pair-caption");
  const n = await captions.count();
  for (let i = 0; i < n; i++) await expect(captions.nth(i).locator(`mark[data-entry-id="${id}"]`).first()).toBeVisible();
  // the URL keeps the search and the selected entry
  const again = await page.context().newPage();
  await again.goto(page.url());
  await waitEvent(again, "pairs:shown", { context: "entry" });
  await expect(again.getByTestId("entry-detail")).toHaveAttribute("data-entry-id", String(id));
  await expect(again.getByTestId("entries-search")).toHaveValue("sneaker");
});

test("the pairs grid highlights matches and marks kept/dropped exactly as the engine's curated set", async ({ page }) => {
  const ws = path.join(E2E_DATA, FIXTURE);
  const manifest = JSON.parse(readFileSync(path.join(ws, "manifest.json"), "utf8"));
  // curated.parquet's uids via the engine's own DuckDB
  const { openDuckDB } = await import("../lib/pool/duckdb");
  const con = await openDuckDB();
  const curated = new Set((await con.runAndReadAll(`SELECT uid FROM read_parquet('${path.join(ws, "curated.parquet")}')`)).getRows().map((r) => String(r[0])));
  con.closeSync();
  await page.goto(`/pairs?workspace=${FIXTURE}`);
  const shown = await waitEvent(page, "pairs:shown", { context: "grid" });
  expect(shown.t).toBe(manifest.balance.t);
  expect(shown.seed).toBe(manifest.balance.seed);
  const uids = shown.uids as string[], kept = shown.kept as boolean[];
  expect(uids.length).toBe(24);
  uids.forEach((u, i) => expect(kept[i], u).toBe(curated.has(u)));
  expect(kept.some((k) => k) && kept.some((k) => !k)).toBe(true);
  const cards = page.getByTestId("pair");
  for (let i = 0; i < 24; i++) {
    await expect(cards.nth(i).locator("mark").first()).toBeVisible();
    await expect(cards.nth(i).getByTestId("pair-status")).toHaveText(kept[i] ? "kept" : "dropped");
  }
  await expect(cards.first().locator("img")).toHaveJSProperty("complete", true);

  await clearEvents(page);
  await page.getByTestId("filter-keep").selectOption("dropped");
  const dropped = await waitEvent(page, "pairs:shown", { context: "grid" });
  expect((dropped.kept as boolean[]).every((k) => !k)).toBe(true);
  expect((dropped.uids as string[]).every((u) => !curated.has(u))).toBe(true);
  expect(page.url()).toContain("keep=dropped");
});

test("a broken parquet file gives a clear error naming it, and the app stays usable", async ({ page }) => {
  await page.goto(`/distribution?workspace=${BROKEN}`);
  await waitEvent(page, "workspace:error");
  await expect(page.getByTestId("load-error")).toContainText("entry_counts.parquet");
  await page.getByRole("link", { name: /choose another workspace/i }).click();
  await expect(page.getByTestId("workspace-list")).toContainText(FIXTURE);

  await page.getByTestId("file-input").setInputFiles({ name: "entry_counts.parquet", mimeType: "application/octet-stream", buffer: Buffer.from("not parquet at all") });
  await waitEvent(page, "workspace:error");
  await expect(page.getByTestId("load-error")).toContainText("entry_counts.parquet is not a parquet file");

  await page.goto("/");
  await page.getByRole("link", { name: FIXTURE, exact: true }).click();
  await waitEvent(page, "expected-size");
});

test("local files opened with the file picker load like a workspace", async ({ page }) => {
  const ws = path.join(E2E_DATA, FIXTURE);
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(["entry_counts.parquet", "matches.parquet", "manifest.json"].map((f) => path.join(ws, f)));
  const manifest = JSON.parse(readFileSync(path.join(ws, "manifest.json"), "utf8"));
  await waitEvent(page, "expected-size", { t: manifest.balance.t });
  await expectFiguresMatchEngine(page, manifest.balance.t);
});

test("a metadata.json opened with the files is checked against the entries and hashed as the engine does", async ({ page }) => {
  const ws = path.join(E2E_DATA, FIXTURE);
  const manifest = JSON.parse(readFileSync(path.join(ws, "manifest.json"), "utf8"));
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles([path.join(ws, "entry_counts.parquet"), path.join(E2E_DATA, "metadata.json")]);
  await waitEvent(page, "workspace:ready");
  await expect(page.getByTestId("metadata-hash")).toHaveAttribute("data-value", manifest.match.metadata.metadataHash);
  await expect(page.getByTestId("metadata-hash")).toContainText("metadata.json checked against the entries");

  await clearEvents(page);
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles([path.join(ws, "entry_counts.parquet"), path.join(E2E_DATA, "metadata-short.json")]);
  await waitEvent(page, "workspace:error");
  await expect(page.getByTestId("load-error")).toContainText(`metadata-short.json has ${manifest.match.metadata.entries - 1} entries but entry_counts.parquet has ${manifest.match.metadata.entries}`);
});

test("images in webdataset tar shards load by uid, and the pool's own URLs are never requested", async ({ page }) => {
  await page.goto(`/pairs?workspace=${WEBDATASET}`);
  await waitEvent(page, "pairs:shown", { context: "grid" });
  const rows = JSON.parse(readFileSync(path.join(E2E_DATA, WEBDATASET, "manifest.json"), "utf8")).match.rows_read as number;
  await expect(page.getByTestId("shard-note")).toContainText(`images from ${rows.toLocaleString("en-US")} in`);
  const pairs = await page.getByTestId("pair").count();
  expect(pairs).toBeGreaterThan(0);
  await expect(page.getByTestId("pair-image")).toHaveCount(pairs);
  await expect(page.getByTestId("image-placeholder")).toHaveCount(0);
  for (let i = 0; i < Math.min(pairs, 6); i++) {
    const img = page.getByTestId("pair-image").nth(i);
    await expect(img).toHaveAttribute("src", /\/image\?uid=[0-9a-f]{32}&url=https/);
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(28);
  }
});

test("the virtual entries list shows the right entries deep down, in count order", async ({ page }) => {
  const con = await openDuckDB();
  const order = (await queryRows(con, `SELECT entry_id FROM read_parquet(${sqlString(path.join(E2E_DATA, FIXTURE, "entry_counts.parquet"))}) ORDER BY count DESC, entry_id`)).map((r) => Number(r.entry_id));
  con.closeSync();
  await page.goto(`/entries?workspace=${FIXTURE}`);
  await waitEvent(page, "entries:loaded", { search: "" });
  for (const row of [40_000, 3_000, order.length - 5]) {
    await clearEvents(page);
    await page.getByTestId("entries-scroll").evaluate((el, top) => { el.scrollTop = top; }, row * 30);
    await waitEvent(page, "entries:page", { search: "", page: Math.floor(row / 200) });
    const shown = page.locator(`[data-testid="entry-row"][data-row="${row}"]`);
    await expect(shown).toHaveAttribute("data-entry-id", String(order[row]));
  }
});

test("a very long search or filter text is capped: the box keeps 200 characters, the URL stays short and reloads, the page stays its width", async ({ page }) => {
  const long = "z".repeat(20_000);
  await page.goto(`/entries?workspace=${FIXTURE}`);
  await waitEvent(page, "entries:loaded", { search: "" });
  await page.getByTestId("entries-search").fill(long);
  await waitEvent(page, "entries:loaded", { search: "z".repeat(200) });
  await expect(page.getByTestId("entries-search")).toHaveValue("z".repeat(200));
  await expect(page.getByTestId("entries-empty")).toBeVisible();
  await expect.poll(() => new URL(page.url()).search.length).toBeLessThan(400);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(await page.evaluate(() => window.innerWidth));
  const again = await page.request.get(page.url());
  expect(again.status()).toBe(200);
  // a long text in a link (one a server still takes: 2,000 characters) is cut to the same length
  await page.goto(`/pairs?workspace=${FIXTURE}&text=${"z".repeat(2_000)}`);
  await expect(page.getByTestId("filter-text")).toHaveValue("z".repeat(200));
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(await page.evaluate(() => window.innerWidth));
});

test("a caption of 20,000 characters shows six lines until opened, so its card stays the size of the others", async ({ page }) => {
  const name = `e2e-long-caption-${Date.now()}`, dir = mkdtempSync(path.join(os.tmpdir(), "mc-e2e-long-"));
  try {
    const pool = path.join(dir, "pool.parquet"), metadata = path.join(dir, "metadata.json");
    writeFileSync(metadata, JSON.stringify(["dog", "cat"]));
    const con = await openDuckDB();
    try {
      await con.run(`COPY (SELECT 'u' || i AS uid, 'https://example.org/' || i || '.jpg' AS url,
        CASE WHEN i = 0 THEN 'a dog ' || repeat('and a very long tail of words ', 700) ELSE 'a cat number ' || i END AS text FROM range(40) t(i)) TO ${sqlString(pool)} (FORMAT parquet)`);
    } finally {
      con.closeSync();
    }
    const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "curate", "--metadata", metadata, "--pool", pool, "--out", path.join(E2E_DATA, name), "--t", "100", "--progress", "none"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    await page.goto(`/pairs?workspace=${name}&entry=0`);
    const caption = page.getByTestId("pair-caption").first();
    await expect(caption).toContainText("a dog", { timeout: 60_000 });
    const shut = (await caption.boundingBox())!.height;
    expect(shut, "six lines, not thousands of pixels").toBeLessThan(200);
    await page.getByTestId("pair-caption-toggle").click();
    await expect(page.getByTestId("pair-caption-toggle")).toHaveText("show less");
    expect((await caption.boundingBox())!.height).toBeGreaterThan(4 * shut);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(E2E_DATA, name), { recursive: true, force: true });
  }
});
