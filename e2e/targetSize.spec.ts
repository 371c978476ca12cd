// A target size on /distribution gives the t the engine's `balance --target-size` gives, to the integer.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_DATA, FIXTURE, REPO } from "./support/workspaces";

function engineT(size: number): number {
  const out = mkdtempSync(path.join(os.tmpdir(), "mc-target-"));
  try {
    const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "balance", "--in", path.join(E2E_DATA, FIXTURE), "--target-size", String(size), "--out", path.join(out, "ws")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(readFileSync(path.join(out, "ws", "manifest.json"), "utf8")).balance.t;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test("a target size typed on /distribution sets the engine's t; a bad one is named", async ({ page }) => {
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await expect(page.getByTestId("stat-expected-size")).not.toBeEmpty({ timeout: 60_000 });
  for (const size of [700, 2000]) {
    const want = engineT(size);
    await page.getByTestId("input-target-size").fill(String(size));
    await page.getByTestId("input-target-size").press("Enter");
    await expect(page.getByTestId("input-t")).toHaveValue(String(want));
    await expect(page.getByTestId("target-solved")).toContainText(`t = ${want.toLocaleString("en-US")} gives an expected size of`);
  }
  await page.getByTestId("input-target-size").fill("12.5");
  await page.getByTestId("input-target-size").press("Enter");
  await expect(page.getByTestId("threshold-error")).toContainText('target size must be a whole number of rows, at least 1 (got "12.5")');
});
