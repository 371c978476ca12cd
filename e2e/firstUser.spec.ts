// What tripped a first-time user (issue 18), each checked as a user meets it: the test build leaves the
// app a person is using alone; the entry detail's true counts; the nav keeps the workspace; paper overlays
// only where they mean something; stale and swallowed input; the matched share with the case rule;
// loading and empty states, the pager below the grid. Screenshots of every page, light and dark, are kept.
import { expect, test, type Page } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { openDuckDB, queryRows, sqlString } from "../lib/pool/duckdb";
import { scaledBands } from "../lib/browser/sql";
import { waitEvent } from "./support/app";
import { E2E_DATA, FIXTURE, LOWERCASE, REPO } from "./support/workspaces";

const manifest = (ws: string) => JSON.parse(readFileSync(path.join(E2E_DATA, ws, "manifest.json"), "utf8"));

async function nativeRows(sql: string) {
  const con = await openDuckDB();
  try { return await queryRows(con, sql); } finally { con.closeSync(); }
}

test("the app under test is served from the tests' own build folder, not the .next a running dashboard uses", async ({ request }) => {
  const dir = process.env.METACURATE_NEXT_DIR;
  test.skip(!dir, "METACURATE_NEXT_DIR is not set (scripts/test.sh sets it)");
  const buildId = readFileSync(path.join(REPO, dir!, "BUILD_ID"), "utf8").trim();
  const html = await (await request.get("/")).text();
  expect(html).toContain(buildId);
  if (existsSync(path.join(REPO, ".next", "BUILD_ID"))) expect(readFileSync(path.join(REPO, ".next", "BUILD_ID"), "utf8").trim()).not.toBe(buildId);
});

test("the entry detail gives the true matching and kept counts, the first cards, and a link to all of them on /pairs", async ({ page }) => {
  const m = manifest(FIXTURE);
  const ws = path.join(E2E_DATA, FIXTURE);
  // the entry most preview pairs match, and the reference counts: preview rows listing it, and those in curated.parquet
  const [top] = await nativeRows(`SELECT e, count(*)::INT n FROM (SELECT unnest(entry_ids) e FROM read_parquet(${sqlString(path.join(ws, "preview.parquet"))})) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`);
  const [{ kept }] = await nativeRows(`SELECT count(*)::INT kept FROM read_parquet(${sqlString(path.join(ws, "preview.parquet"))}) p
    WHERE list_contains(p.entry_ids, ${Number(top.e)}) AND p.uid IN (SELECT uid FROM read_parquet(${sqlString(path.join(ws, "curated.parquet"))}))`);
  expect(Number(top.n)).toBeGreaterThan(24);
  await page.goto(`/entries?workspace=${FIXTURE}&t=${m.balance.t}&seed=${m.balance.seed}&entry=${top.e}`);
  const detail = page.getByTestId("entry-detail-pairs");
  await expect(detail).toHaveAttribute("data-matching", String(top.n));
  await expect(detail).toHaveAttribute("data-kept", String(kept));
  await expect(detail).toContainText(`${Number(top.n).toLocaleString("en-US")} preview pairs match it; the balanced draw keeps ${Number(kept).toLocaleString("en-US")}`);
  await waitEvent(page, "pairs:shown", { context: "entry" });
  await expect(page.getByTestId("entry-detail").getByTestId("pair")).toHaveCount(24);
  await page.getByTestId("entry-detail-all-pairs").click();
  await expect(page).toHaveURL(new RegExp(`/pairs\\?workspace=${FIXTURE}&t=${m.balance.t}&seed=${m.balance.seed}&entry=${top.e}`));
  await expect(page.getByTestId("pairs-summary")).toContainText(`${Number(top.n).toLocaleString("en-US")} of`);
});

test("the nav carries the workspace: from / (after using one), Distribution, Entries and Pairs open it", async ({ page }) => {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "chart:drawn", { id: "rank" });
  await page.getByRole("link", { name: "Workspaces" }).click();
  await expect(page).toHaveURL(/\/\?workspace=fixture|\/$/);
  for (const name of ["Distribution", "Entries", "Pairs"]) await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name })).toHaveAttribute("href", new RegExp(`workspace=${FIXTURE}`));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Entries" }).click();
  await expect(page.getByTestId("entries-total")).toContainText("entries");
  await expect(page.getByText("No workspace open")).toHaveCount(0);
});

test("paper overlays and Table 13 bands on a small pool: shown only where they mean something, and why not", async ({ page }) => {
  const m = manifest(FIXTURE);
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "chart:drawn", { id: "cumulative" });
  // 9,889 matches: MetaCLIP's 20k/90k/170k all scale to t = 1, which caps every entry at 1 — no line for them, and a note
  await expect(page.getByTestId("overlay-note")).toContainText("all meaningless here");
  await expect(page.getByTestId("overlay-note")).toContainText("20k → 1 (every entry capped at 1)");
  await expect(page.getByTestId("chart-cumulative")).not.toContainText("(paper)");
  // every band is a row (none dropped); paper bands closer than one match here are one row, said so
  await waitEvent(page, "tables");
  const bands = scaledBands(m.match.total_matches);
  await expect(page.getByTestId("band-row")).toHaveCount(bands.length);
  await expect(page.getByTestId("band-note")).toContainText("scale to less than one match apart");
  const entries = (await page.getByTestId("band-row").evaluateAll((rows) => rows.map((r) => Number(r.children[2].textContent!.replace(/,/g, ""))))).reduce((a, b) => a + b, 0);
  expect(entries).toBe(m.match.entries);
  await expect(page.getByTestId("band-table")).not.toContainText("1–1");
});

test("stale and swallowed input: a p error goes when t moves; t above the largest count is said; the pairs entry box takes text", async ({ page }) => {
  const m = manifest(FIXTURE);
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "chart:drawn", { id: "rank" });
  await page.getByTestId("input-p").fill("2");
  await page.getByTestId("input-p").press("Enter");
  await expect(page.getByTestId("threshold-error")).toContainText("p must be a number in [0, 1]");
  await page.getByTestId("slider-t").focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("threshold-error")).toHaveCount(0);
  // a bad p again, then a t from elsewhere (typed): the p error is gone too
  await page.getByTestId("input-p").fill("-1");
  await page.getByTestId("input-p").press("Enter");
  await expect(page.getByTestId("threshold-error")).toBeVisible();
  await page.getByTestId("input-t").fill("30");
  await page.getByTestId("input-t").press("Enter");
  await expect(page.getByTestId("threshold-error")).toHaveCount(0);
  await page.getByTestId("input-t").fill(String(m.match.max_count + 100));
  await page.getByTestId("input-t").press("Enter");
  await expect(page.getByTestId("threshold-note")).toContainText(`above the largest count (${m.match.max_count.toLocaleString("en-US")})`);
  // the pairs page: an entry by its text is found and named; one that is no entry says so and filters nothing
  const [top] = await nativeRows(`SELECT entry, entry_id FROM read_parquet(${sqlString(path.join(E2E_DATA, FIXTURE, "entry_counts.parquet"))}) ORDER BY count DESC, entry_id LIMIT 1`);
  await page.goto(`/pairs?workspace=${FIXTURE}`);
  await waitEvent(page, "pairs:shown", { context: "grid" });
  await page.getByTestId("filter-entry").fill(String(top.entry));
  await expect(page.getByTestId("filter-entry-name")).toContainText(`filtering on “${top.entry}” (entry ${top.entry_id})`);
  await expect(page).toHaveURL(new RegExp(`entry=${top.entry_id}`));
  await expect(page.getByTestId("filter-entry")).toHaveValue(String(top.entry));
  await page.getByTestId("filter-entry").fill("No Such Entry Here");
  await expect(page.getByTestId("filter-entry-error")).toContainText("no entry is exactly “No Such Entry Here” (entries match case-sensitively)");
  await expect(page).not.toHaveURL(/entry=/);
});

test("the matched share is shown with the case-sensitivity rule, and a warning when few rows match", async ({ page }) => {
  for (const ws of [FIXTURE, LOWERCASE]) {
    const m = manifest(ws);
    const share = m.match.rows_matched / m.match.rows_read;
    await page.goto(`/distribution?workspace=${ws}`);
    const note = page.getByTestId("matched-share");
    await expect(note).toHaveAttribute("data-value", String(share));
    await expect(note).toContainText(`${m.match.rows_matched.toLocaleString("en-US")} of ${m.match.rows_read.toLocaleString("en-US")} rows matched (${(100 * share).toFixed(2)}%). Matching is case-sensitive`);
    if (share < 0.5) await expect(note).toContainText("Few rows match");
    else await expect(note).not.toContainText("Few rows match");
  }
  expect(manifest(LOWERCASE).match.rows_matched / manifest(LOWERCASE).match.rows_read).toBeLessThan(0.5);
});

test("loading and empty states: the entries list says it is loading and when nothing matches; the pager is also below the grid", async ({ page }) => {
  await page.goto(`/entries?workspace=${FIXTURE}`);
  await expect(page.getByTestId("entries-total")).not.toHaveAttribute("data-loading", "true");
  await expect(page.getByTestId("entries-total")).toContainText(/^[\d,]+ entries$/);
  await page.getByTestId("entries-search").fill("zzqqxx");
  await expect(page.getByTestId("entries-empty")).toContainText("No entry contains “zzqqxx”");
  await expect(page.getByTestId("entries-total")).toContainText("0 entries contain “zzqqxx”");
  await page.goto(`/pairs?workspace=${FIXTURE}`);
  await waitEvent(page, "pairs:shown", { context: "grid" });
  await page.getByTestId("page-next-bottom").click();
  await expect(page.getByTestId("page-label")).toContainText("page 2 of");
  await expect(page.getByTestId("page-label-bottom")).toContainText("page 2 of");
  await page.getByTestId("filter-text").fill("no caption says this zzqq");
  await expect(page.getByTestId("pairs-empty")).toBeVisible();
});

async function shot(page: Page, name: string, dark: boolean, fullPage = false) {
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: test.info().outputPath(`${name}-${dark ? "dark" : "light"}.png`), fullPage });
}

for (const dark of [false, true]) {
  test(`screenshots of every page at 1400×900, ${dark ? "dark" : "light"}, kept as artifacts; no page asks for a missing favicon or logs an error`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    if (dark) await context.addInitScript(() => localStorage.setItem("metacurate-theme", "dark"));
    const page = await context.newPage();
    const missing: string[] = [];
    page.on("response", (r) => { if (r.status() === 404) missing.push(r.url()); });
    // the console stays free of errors on every page (an unhandled rejection is one)
    const errors: string[] = [];
    page.on("console", (msg) => { if (msg.type() === "error") errors.push(`${page.url()}: ${msg.text()}`); });
    page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
    const m = manifest(FIXTURE);
    await page.goto("/");
    await expect(page.getByTestId("workspace-list")).toBeVisible();
    await shot(page, "workspaces", dark);
    await page.goto(`/distribution?workspace=${FIXTURE}`);
    await waitEvent(page, "chart:drawn", { id: "cumulative" });
    await waitEvent(page, "tables");
    await shot(page, "distribution", dark);
    const [top] = await nativeRows(`SELECT entry_id FROM read_parquet(${sqlString(path.join(E2E_DATA, FIXTURE, "entry_counts.parquet"))}) ORDER BY count DESC, entry_id LIMIT 1`);
    await page.goto(`/entries?workspace=${FIXTURE}&entry=${top.entry_id}`);
    await waitEvent(page, "pairs:shown", { context: "entry" });
    await shot(page, "entries", dark);
    await page.goto(`/pairs?workspace=${FIXTURE}&t=${m.balance.t}`);
    await waitEvent(page, "pairs:shown", { context: "grid" });
    await shot(page, "pairs", dark);
    await page.goto("/jobs");
    await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
    await shot(page, "jobs", dark);
    await page.goto("/evals?sel=fixture-experiment/raw-s0,fixture-experiment/curated-t40-s0");
    await waitEvent(page, "chart:drawn", { id: "tasks" });
    await waitEvent(page, "chart:drawn", { id: "sweep" });
    await waitEvent(page, "chart:drawn", { id: "head-tail" });
    await waitEvent(page, "chart:drawn", { id: "compare-distribution" });
    await shot(page, "evals", dark);
    await shot(page, "evals-full", dark, true); // the charts are below the fold
    expect(missing).toEqual([]);
    expect(errors, "console errors").toEqual([]);
    // /favicon.ico leads to the app's icon
    const icon = await page.request.get("/favicon.ico");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
    await context.close();
  });
}
