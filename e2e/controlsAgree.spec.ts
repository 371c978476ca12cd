// t, p and the target size on /distribution are one setting: each box shows what the current t implies,
// each applies on Enter or on leaving it, a typed t is read one way (the box, ?t= in the URL, the job
// forms), a target above what the pool can give says the largest reachable size, and shares follow one
// convention (p a fraction as in the paper, every other share a percentage with "%").
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fmtInt, fmtP } from "../lib/browser/format";
import { clearEvents, engineStats, engineTargetT, waitEvent } from "./support/app";
import { E2E_DATA, FIXTURE } from "./support/workspaces";


/** The three boxes show what t implies: t as the page prints it, p = t_to_p(t), the engine's expected size at t. */
async function expectBoxesAt(page: Page, t: number) {
  const e = engineStats(FIXTURE, "--t", String(t));
  await expect(page.getByTestId("input-t")).toHaveValue(fmtInt(t));
  await expect(page.getByTestId("input-p")).toHaveValue(fmtP(e.at_t.tail_share));
  await expect(page.getByTestId("input-target-size")).toHaveValue(fmtInt(e.at_t.expected_size));
  await expect(page.getByTestId("stat-tail-share")).toHaveText(fmtP(e.at_t.tail_share));
}

async function open(page: Page, query = "") {
  await page.goto(`/distribution?workspace=${FIXTURE}${query}`);
  await waitEvent(page, "expected-size");
}

const manifest = () => JSON.parse(readFileSync(path.join(E2E_DATA, FIXTURE, "manifest.json"), "utf8"));

test("on opening, the p and target-size boxes show what the workspace's t implies", async ({ page }) => {
  await open(page);
  await expectBoxesAt(page, manifest().balance.t);
});

test("a t typed as the page prints it (1,000) applies on leaving the box; the others follow", async ({ page }) => {
  await open(page);
  const { max_count: maxCount } = engineStats(FIXTURE);
  await clearEvents(page);
  await page.getByTestId("input-t").fill("41");
  await page.getByTestId("input-t").press("Tab");
  await waitEvent(page, "figures", { t: 41 });
  await expectBoxesAt(page, 41);
  await page.getByTestId("input-t").fill("1,000");
  await page.getByTestId("input-p").focus();
  await waitEvent(page, "figures", { t: 1000 });
  await expectBoxesAt(page, 1000);
  expect(page.url()).toContain("t=1000");
  await expect(page.getByTestId("threshold-note")).toContainText(`above the largest count (${fmtInt(maxCount)})`);
});

test("∞ in the t box is no cap: t becomes the largest count, and the page says so", async ({ page }) => {
  await open(page);
  const { max_count: maxCount } = engineStats(FIXTURE);
  await page.getByTestId("input-t").fill("∞");
  await page.getByTestId("input-t").press("Enter");
  await waitEvent(page, "figures", { t: maxCount });
  await expectBoxesAt(page, maxCount);
  await expect(page.getByTestId("threshold-note")).toContainText(`t = ${fmtInt(maxCount)} is the largest count: no entry is capped (as with t = ∞)`);
});

test("a t that is not one (0x10, 1e400, 0) is refused with its text, and nothing moves; Escape puts the box back", async ({ page }) => {
  await open(page);
  const t = manifest().balance.t;
  await clearEvents(page);
  for (const text of ["0x10", "1e400", "0", "-5", "abc"]) {
    await page.getByTestId("input-t").fill(text);
    await page.getByTestId("input-t").press("Enter");
    await expect(page.getByTestId("threshold-error")).toContainText(`(got "${text}")`);
    await expect(page.getByTestId("input-t")).toHaveValue(text);
  }
  await page.getByTestId("input-t").press("Escape");
  await expect(page.getByTestId("threshold-error")).toHaveCount(0);
  await expectBoxesAt(page, t);
  expect(await page.evaluate(() => (window as unknown as { __metacurateEvents?: { type: string }[] }).__metacurateEvents!.filter((e) => e.type === "figures").length)).toBe(0);
});

test("p applies on Enter or on leaving the box: t is p_to_t's, and the p box shows the p that t gives (said when it differs)", async ({ page }) => {
  await open(page);
  const e = engineStats(FIXTURE, "--p", "0.2");
  await page.getByTestId("input-p").fill("0.2");
  await page.getByTestId("input-p").press("Enter");
  await waitEvent(page, "figures", { t: e.at_t.t });
  await expectBoxesAt(page, e.at_t.t);
  await expect(page.getByTestId("p-solved")).toContainText(`p = 0.2 gives t = ${fmtInt(e.at_t.t)} (p_to_t)`);
  if (fmtP(e.at_t.tail_share) !== fmtP(0.2)) await expect(page.getByTestId("p-solved")).toContainText(`the tail share at t = ${fmtInt(e.at_t.t)} is p = ${fmtP(e.at_t.tail_share)}`);

  // a percentage is the same p, applied by leaving the box
  const six = engineStats(FIXTURE, "--p", "0.06");
  await page.getByTestId("input-p").fill("6%");
  await page.getByTestId("input-t").focus();
  await waitEvent(page, "figures", { t: six.at_t.t });
  await expectBoxesAt(page, six.at_t.t);

  // a bare 6 is ambiguous (6 or 6%?), so it is refused rather than guessed
  await page.getByTestId("input-p").fill("6");
  await page.getByTestId("input-p").press("Enter");
  await expect(page.getByTestId("threshold-error")).toContainText('for 6% write "6%" or 0.06 (got "6")');
});

test("a target size applies on Enter or on leaving the box: t is the engine's, and the box shows the expected size at it", async ({ page }) => {
  await open(page);
  const want = engineTargetT(FIXTURE, 2000);
  await page.getByTestId("input-target-size").fill("2,000");
  await page.getByTestId("input-target-size").press("Tab");
  await waitEvent(page, "expected-size", { t: want });
  await expectBoxesAt(page, want);
  await expect(page.getByTestId("target-solved")).toContainText(`target 2,000 rows: t = ${fmtInt(want)} gives an expected size of`);
});

test("a target size above what the pool can give says the largest reachable size instead of picking a t", async ({ page }) => {
  await open(page);
  const t = manifest().balance.t;
  const rows = manifest().balance.rows_matched;
  const top = engineTargetT(FIXTURE, rows); // the smallest t that keeps every matched row
  await clearEvents(page);
  await page.getByTestId("input-target-size").fill(String(rows * 3));
  await page.getByTestId("input-target-size").press("Enter");
  await expect(page.getByTestId("threshold-error")).toContainText(`the largest reachable size is ${fmtInt(rows)} rows (every matched row kept, t ≥ ${fmtInt(top)})`);
  await expect(page.getByTestId("input-t")).toHaveValue(fmtInt(t));
  await page.getByTestId("use-largest").click();
  await waitEvent(page, "expected-size", { t: top });
  await expectBoxesAt(page, top);
  await expect(page.getByTestId("input-target-size")).toHaveValue(fmtInt(rows));
});

test("the URL's t is read like the box: 1,000 and ∞ work; a bad one is said, with the t shown instead, until a t is chosen", async ({ page }) => {
  const { max_count: maxCount } = engineStats(FIXTURE);
  await open(page, "&t=1%2C000");
  await expectBoxesAt(page, 1000);
  await open(page, `&t=${encodeURIComponent("∞")}`);
  await expectBoxesAt(page, maxCount);

  const t = manifest().balance.t;
  await open(page, "&t=0x10");
  const notice = page.getByTestId("url-t-error");
  await expect(notice).toHaveAttribute("role", "alert");
  await expect(notice).toContainText(`(got "0x10")`);
  await expect(notice).toContainText(`Showing t = ${fmtInt(t)} instead, the t this workspace was curated at`);
  await expectBoxesAt(page, t);
  // another change to the view keeps the link's text (and the notice)
  await page.getByTestId("toggle-overlays").uncheck();
  expect(page.url()).toContain("t=0x10");
  await expect(notice).toBeVisible();
  await page.getByTestId("input-t").fill("30");
  await page.getByTestId("input-t").press("Enter");
  await waitEvent(page, "figures", { t: 30 });
  await expect(notice).toHaveCount(0);
  expect(page.url()).toContain("t=30");

  // the other pages that read t from the URL say it too
  await page.goto(`/pairs?workspace=${FIXTURE}&t=abc`);
  await expect(page.getByTestId("url-t-error")).toContainText(`(got "abc")`);
});

test("shares follow one convention: p is a fraction as in the paper, every other share a percentage with %", async ({ page }) => {
  await open(page);
  const e = engineStats(FIXTURE, "--t", String(manifest().balance.t));
  await expect(page.getByTestId("stat-tail-share")).toHaveText(/^\d\.\d{3,}$/);
  await expect(page.getByTestId("stat-tail-share")).toHaveText(fmtP(e.at_t.tail_share));
  await expect(page.getByTestId("stat-head-share")).toHaveText(/^\d+\.\d+%$/);
  await expect(page.getByText("head share of matches (%)")).toBeVisible();
  await expect(page.getByTestId("stat-capped-matches").locator("..")).toContainText(/\d%/);
  await expect(page.getByTestId("band-table").locator("thead")).toContainText("matches before (% of all)");
  await expect(page.getByTestId("band-table").locator("tbody")).toContainText(/\(\d+\.\d%\)/);
  await expect(page.getByTestId("overlay-note")).not.toContainText(/e-\d/);
});

test("the job form's t reads and refuses the same texts as the t box", async ({ page }) => {
  await open(page);
  await page.getByTestId("input-t").fill("1,000");
  await page.getByTestId("input-t").press("Enter");
  await page.getByTestId("open-rebalance").click();
  await expect(page.getByTestId("job-form-t")).toHaveValue("1,000");
  await expect(page.getByTestId("job-form-out")).toHaveAttribute("placeholder", `${FIXTURE}-t1000`);
  await page.getByTestId("job-form-t").fill("20k");
  await expect(page.getByTestId("job-form-out")).toHaveAttribute("placeholder", `${FIXTURE}-t20000`);
  const { max_count: maxCount } = engineStats(FIXTURE);
  await page.getByTestId("job-form-t").fill("∞");
  await expect(page.getByTestId("job-form-t-note")).toContainText(`sent as t = ${fmtInt(maxCount)}, the largest count`);
  for (const text of ["0x10", "1e400", "0"]) {
    await page.getByTestId("input-t").fill(text);
    await page.getByTestId("input-t").press("Enter");
    const boxSays = (await page.getByTestId("threshold-error").textContent())!.replace(/^t /, "");
    await page.getByTestId("job-form-t").fill(text);
    await page.getByTestId("job-form-submit").click();
    await expect(page.getByTestId("job-form-error")).toHaveText(`"t": ${boxSays}`);
    await page.getByTestId("input-t").press("Escape");
  }
  const rows = manifest().balance.rows_matched;
  await page.getByTestId("job-form-t").fill("20");
  await page.getByTestId("job-form-target").fill(String(rows + 1));
  await page.getByTestId("job-form-submit").click();
  await expect(page.getByTestId("job-form-error")).toContainText(`the largest reachable size is ${fmtInt(rows)} rows`);
  await expect(page).toHaveURL(/\/distribution/);
});
