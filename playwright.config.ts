import { defineConfig } from "@playwright/test";
import { JOB_GATE } from "./e2e/support/workspaces";

const PORT = Number(process.env.E2E_PORT ?? 3210);

export default defineConfig({
  testDir: "./e2e",
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [["list"]],
  outputDir: ".tmp/e2e-results",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: "chromium",
    viewport: { width: 1300, height: 1000 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    // builds the fixture workspaces with the engine, then runs `metacurate serve` (next start) on them
    command: `node --import tsx e2e/support/serveFixtures.ts ${PORT}`,
    url: `http://127.0.0.1:${PORT}/api/workspaces`,
    reuseExistingServer: false,
    timeout: 300_000,
    // jobs hold before their commit while the gate file is missing (e2e/support/workspaces.ts JOB_GATE)
    env: { NEXT_TELEMETRY_DISABLED: "1", METACURATE_PAUSE_AT: "commit:staged", METACURATE_PAUSE_UNTIL: JOB_GATE },
  },
});
