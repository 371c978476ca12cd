// A target size on /distribution gives the t the engine's `balance --target-size` gives, to the integer.
import { expect, test } from "@playwright/test";
import { engineTargetT } from "./support/app";
import { FIXTURE } from "./support/workspaces";


test("a target size typed on /distribution sets the engine's t; a bad one is named", async ({ page }) => {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await expect(page.getByTestId("stat-expected-size")).not.toBeEmpty({ timeout: 60_000 });
  for (const size of [700, 2000]) {
    const want = engineTargetT(FIXTURE, size);
    await page.getByTestId("input-target-size").fill(String(size));
    await page.getByTestId("input-target-size").press("Enter");
    await expect(page.getByTestId("input-t")).toHaveValue(String(want));
    await expect(page.getByTestId("target-solved")).toContainText(`t = ${want.toLocaleString("en-US")} gives an expected size of`);
  }
  await page.getByTestId("input-target-size").fill("12.5");
  await page.getByTestId("input-target-size").press("Enter");
  await expect(page.getByTestId("threshold-error")).toContainText('target size must be a whole number of rows, at least 1 (got "12.5")');
});
