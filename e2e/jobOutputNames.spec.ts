// The job form's output name under the job rules: a name that holds a workspace or a run is shown as
// taken as the user types, and the job starts only once replacing it is confirmed (then the spec says
// "replace": true); a run never replaces a workspace; a 409 the server still answers (a name taken
// after the form looked) is shown in the form, and the workspace on the page stays as it was.
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { clearEvents, stat, waitEvent, type AppEvent } from "./support/app";
import { E2E_DATA, FIXTURE } from "./support/workspaces";

/** Submits a job through the API and waits for it to succeed. */
async function finishedJob(request: APIRequestContext, spec: Record<string, unknown>): Promise<void> {
  const res = await request.post("/api/jobs", { data: spec });
  expect(res.status(), await res.text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect.poll(async () => ((await (await request.get(`/api/jobs/${id}`)).json()) as { state: string }).state, { timeout: 120_000 })
    .toMatch(/^(succeeded|failed|cancelled)$/);
  const job = (await (await request.get(`/api/jobs/${id}`)).json()) as { state: string; error: string | null };
  expect(job.state, job.error ?? "").toBe("succeeded");
}

async function openFixture(page: Page, t?: number): Promise<void> {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await waitEvent(page, "workspace:ready");
  if (t !== undefined) {
    await page.getByTestId("input-t").fill(String(t));
    await page.getByTestId("input-t").press("Enter");
  }
}

/** The form as it looks, light and dark (kept as artifacts). */
async function shotLightAndDark(page: Page, form: Locator, name: string): Promise<void> {
  for (const dark of [false, true]) {
    await page.evaluate((on) => document.documentElement.classList.toggle("dark", on), dark);
    await form.screenshot({ path: test.info().outputPath(`${name}-${dark ? "dark" : "light"}.png`) });
  }
  await page.evaluate(() => document.documentElement.classList.remove("dark"));
}

test("the form refuses a taken name until replacing it is confirmed; then the job replaces it", async ({ page, request }) => {
  // a workspace of this test's own (other specs read the fixture): the fixture re-balanced at t = 50,
  // under the name the form picks by default at t = 77
  const name = `${FIXTURE}-t77`;
  await finishedJob(request, { kind: "balance", in: FIXTURE, out: name, t: 50 });
  await openFixture(page, 77);
  await page.getByTestId("open-rebalance").click();
  const form = page.getByTestId("job-form");
  const notice = page.getByTestId("job-form-name");
  const submit = page.getByTestId("job-form-submit");
  // the default name is taken: what it holds is shown, and the job cannot start
  await expect(page.getByTestId("job-form-out")).toHaveAttribute("placeholder", name);
  await expect(notice).toHaveAttribute("data-status", "taken");
  await expect(notice).toContainText(`${name} is already a workspace: curated at t = 50`);
  await expect(submit).toBeDisabled();
  await expect(page.getByTestId("job-form-submit-blocked")).toHaveText(`tick “Replace ${name}” to start`);
  await expect(submit).toHaveAttribute("title", `tick “Replace ${name}” to start`);
  await shotLightAndDark(page, form, "job-form-name-taken");
  // as the user types: a new name is free, the fixture's own name is taken
  await page.getByTestId("job-form-out").fill(`${name}-new`);
  await expect(notice).toHaveAttribute("data-status", "free");
  await expect(submit).toBeEnabled();
  await expect(page.getByTestId("job-form-submit-blocked")).toHaveCount(0);
  await page.getByTestId("job-form-out").fill(FIXTURE);
  await expect(notice).toHaveAttribute("data-status", "taken");
  await expect(submit).toBeDisabled();
  // back to the default name, confirmed: the spec carries "replace": true
  await page.getByTestId("job-form-out").fill("");
  await expect(notice).toContainText(`${name} is already a workspace`);
  await page.getByTestId("job-form-replace").check();
  await expect(submit).toBeEnabled();
  await shotLightAndDark(page, form, "job-form-name-replace-confirmed");
  const posted = page.waitForRequest((r) => r.url().endsWith("/api/jobs") && r.method() === "POST");
  await submit.click();
  expect((await posted).postDataJSON()).toMatchObject({ kind: "balance", in: FIXTURE, out: name, t: 77, replace: true });
  await expect(page).toHaveURL(/\/jobs\/\d{8}-\d{6}-[0-9a-f]{6}\?open=1$/);
  // the job replaced the workspace: it opens curated at the new t, and its manifest says so
  await expect(page).toHaveURL(new RegExp(`/distribution\\?workspace=${name}`), { timeout: 120_000 });
  await expect(page.getByText("curated at t = 77")).toBeVisible();
  const manifest = (await (await request.get(`/api/workspaces/${name}/files/manifest.json`)).json()) as { balance: { t: number } };
  expect(manifest.balance.t).toBe(77);
});

test("a run never replaces a workspace: the train form refuses a workspace's name with nothing to confirm", async ({ page }) => {
  await openFixture(page);
  await page.getByTestId("open-train").click();
  await page.getByTestId("job-form-out").fill(FIXTURE);
  const notice = page.getByTestId("job-form-name");
  await expect(notice).toHaveAttribute("data-status", "refused");
  await expect(notice).toContainText(`${FIXTURE} is a workspace (curated at t = `);
  await expect(notice).toContainText("a run never replaces a workspace, so choose another name");
  await expect(page.getByTestId("job-form-replace")).toHaveCount(0);
  await expect(page.getByTestId("job-form-submit")).toBeDisabled();
  await expect(page.getByTestId("job-form-submit-blocked")).toHaveText("choose another name to start");
  await shotLightAndDark(page, page.getByTestId("job-form"), "job-form-name-other-kind");
});

test("a name taken after the form looked: the server's 409 shows in the form, and the viewed workspace stays with its data", async ({ page }) => {
  const name = `e2e-raced-${Date.now()}`;
  const dir = path.join(E2E_DATA, name);
  try {
    await openFixture(page, 45);
    await page.getByTestId("open-rebalance").click();
    await page.getByTestId("job-form-out").fill(name);
    const notice = page.getByTestId("job-form-name");
    await expect(notice).toHaveAttribute("data-status", "free");
    // meanwhile another client makes it a workspace (its manifest and entry counts are what makes one)
    mkdirSync(dir);
    for (const f of ["manifest.json", "entry_counts.parquet"]) cpSync(path.join(E2E_DATA, FIXTURE, f), path.join(dir, f), { dereference: true });
    const url = page.url();
    const header = await page.locator("main header").textContent();
    const headEntries = await stat(page, "stat-head-entries");
    const bandRows = await page.getByTestId("band-row").count();
    expect(bandRows).toBeGreaterThan(0);
    await clearEvents(page);
    const answered = page.waitForResponse((r) => r.url().endsWith("/api/jobs") && r.request().method() === "POST");
    await page.getByTestId("job-form-submit").click();
    expect((await answered).status()).toBe(409);
    await expect(page.getByTestId("job-form-error")).toContainText(`"out": "${name}" is already a workspace`);
    // the form now knows the name is taken, and offers to replace it (unticked)
    await expect(notice).toHaveAttribute("data-status", "taken");
    await expect(page.getByTestId("job-form-replace")).not.toBeChecked();
    await expect(page.getByTestId("job-form-submit")).toBeDisabled();
    await shotLightAndDark(page, page.getByTestId("job-form"), "job-form-server-409");
    // the page did not move, and the workspace was neither unloaded nor loaded again
    expect(page.url()).toBe(url);
    await expect(page.locator("main header")).toHaveText(header!);
    expect(await stat(page, "stat-head-entries")).toBe(headEntries);
    await expect(page.getByTestId("band-row")).toHaveCount(bandRows);
    await expect(page.getByTestId("input-t")).toHaveValue("45");
    const events = await page.evaluate(() => ((window as unknown as { __metacurateEvents?: AppEvent[] }).__metacurateEvents ?? []).map((e) => e.type));
    expect(events.filter((t) => t.startsWith("workspace:"))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
