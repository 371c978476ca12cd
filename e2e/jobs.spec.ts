// Jobs from the dashboard, against the real server and real supervisors: re-balance the open workspace
// at a chosen t from /distribution, watch the job to its end, open the result; cancel a running job.
import { expect, test } from "@playwright/test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { E2E_DATA, FIXTURE } from "./support/workspaces";

test("re-balance at a chosen t from /distribution, watch it on the job page, open the result", async ({ page }) => {
  const out = `e2e-rebalanced-${Date.now()}`;
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await page.getByTestId("input-t").fill("40");
  await page.getByTestId("input-t").press("Enter");
  await page.getByTestId("open-rebalance").click();
  // the form checks with the CLI's schema before anything is sent
  await page.getByTestId("rebalance-target").fill("2.5");
  await page.getByTestId("submit-rebalance").click();
  await expect(page.getByTestId("rebalance-error")).toContainText('"target-size": must be a whole number of rows');
  await page.getByTestId("rebalance-target").fill("");
  await page.getByTestId("rebalance-out").fill(out);
  await page.getByTestId("submit-rebalance").click();
  await expect(page).toHaveURL(/\/jobs\/\d{8}-\d{6}-[0-9a-f]{6}$/);
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("job-log")).toContainText("t = 40");
  await page.getByTestId("open-workspace").click();
  await expect(page).toHaveURL(new RegExp(`/distribution\\?workspace=${out}`));
  await expect(page.getByText(`curated at t = 40`)).toBeVisible({ timeout: 60_000 });
  await page.goto("/jobs");
  await expect(page.getByTestId("job-row").first()).toContainText(out);
});

test("cancel a running job from its page: it ends cancelled", async ({ page, request }) => {
  const dir = path.join(E2E_DATA, "big-in");
  mkdirSync(dir, { recursive: true });
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT md5(i::VARCHAR) AS uid, 'http://x/' || i AS url, 'a red dog number ' || (i % 5000) AS text FROM range(2000000) t(i)) TO ${sqlString(path.join(dir, "pool.parquet"))} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  writeFileSync(path.join(dir, "metadata.json"), JSON.stringify(["dog", "red dog", "number"]));
  const res = await request.post("/api/jobs", { data: { kind: "curate", metadata: "big-in/metadata.json", pool: ["big-in/pool.parquet"], t: 100, out: "e2e-cancelled" } });
  expect(res.status()).toBe(202);
  const { id } = await res.json();
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "running", { timeout: 60_000 });
  await page.getByTestId("cancel-job").click();
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "cancelled", { timeout: 30_000 });
  const job = await (await request.get(`/api/jobs/${id}`)).json();
  expect(job.state).toBe("cancelled");
});
