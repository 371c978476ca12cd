// Jobs from the dashboard, against the real server and its queue runner: curate the open workspace's
// pool again at a chosen t from /distribution (the result opens when the job ends), re-balance it,
// follow jobs on /jobs; cancel a running job. Every job here writes a name of its own (a taken name is
// refused unless replaced: jobOutputNames.spec.ts).
import { expect, test } from "@playwright/test";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDuckDB, queryRows, sqlString } from "../lib/pool/duckdb";
import { E2E_DATA, FIXTURE, JOB_GATE, REPO } from "./support/workspaces";

const PORT = Number(process.env.E2E_PORT ?? 3210);

test("curate at a chosen t from /distribution: the job page follows it to the end and opens the result; /jobs lists it", async ({ page }) => {
  const out = `e2e-curated-${Date.now()}`;
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await page.getByTestId("input-t").fill("55");
  await page.getByTestId("input-t").press("Enter");
  await page.getByTestId("open-curate").click();
  // filled with the page's t and the workspace's seed; its pool and metadata come from the workspace
  await expect(page.getByTestId("job-form-t")).toHaveValue("55");
  await expect(page.getByTestId("job-form")).toContainText("1 pool file, metadata fixture/source/metadata.parquet");
  await page.getByTestId("job-form-t").fill("0");
  await page.getByTestId("job-form-submit").click();
  await expect(page.getByTestId("job-form-error")).toContainText('"t"');
  await page.getByTestId("job-form-t").fill("55");
  await page.getByTestId("job-form-out").fill(out);
  await page.getByTestId("job-form-submit").click();
  await expect(page).toHaveURL(/\/jobs\/\d{8}-\d{6}-[0-9a-f]{6}\?open=1$/);
  const id = /\/jobs\/([^?]+)/.exec(page.url())![1];
  // when the job succeeds, its workspace opens by itself
  await expect(page).toHaveURL(new RegExp(`/distribution\\?workspace=${out}`), { timeout: 120_000 });
  await expect(page.getByText("curated at t = 55")).toBeVisible({ timeout: 60_000 });
  await page.goto("/jobs");
  const row = page.locator(`[data-testid="job-row"][data-id="${id}"]`);
  await expect(row).toContainText(out);
  // what it did and when it started
  await expect(row.getByTestId("job-what")).toHaveText("t = 55, seed 0");
  await expect(row.getByTestId("job-started")).toHaveText(/^\d{2}:\d{2}:\d{2}$/);
  await expect(row.getByTestId("job-state")).toHaveAttribute("data-value", "succeeded");
  await row.getByRole("link", { name: out }).click();
  await expect(page.getByText("curated at t = 55")).toBeVisible({ timeout: 60_000 });
});

test("re-balance at a chosen t from /distribution, watch it on the job page, open the result", async ({ page }) => {
  const out = `e2e-rebalanced-${Date.now()}`;
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await page.getByTestId("input-t").fill("40");
  await page.getByTestId("input-t").press("Enter");
  await page.getByTestId("open-rebalance").click();
  // the form checks with the CLI's schema before anything is sent
  await page.getByTestId("job-form-target").fill("2.5");
  await page.getByTestId("job-form-submit").click();
  await expect(page.getByTestId("job-form-error")).toContainText('"target-size": must be a whole number of rows');
  await page.getByTestId("job-form-target").fill("");
  await page.getByTestId("job-form-out").fill(out);
  await page.getByTestId("job-form-submit").click();
  await expect(page).toHaveURL(/\/jobs\/\d{8}-\d{6}-[0-9a-f]{6}\?open=1$/);
  await expect(page).toHaveURL(new RegExp(`/distribution\\?workspace=${out}`), { timeout: 120_000 });
  await expect(page.getByText(`curated at t = 40`)).toBeVisible({ timeout: 60_000 });
  await page.goto("/jobs");
  await expect(page.getByTestId("job-row").first()).toContainText(out);
});

test("train a tiny CLIP on the workspace's curated set from /distribution: the job page shows the loss falling, then the zero-shot result", async ({ page }) => {
  const out = `e2e-run-${Date.now()}`;
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await page.getByTestId("open-train").click();
  await expect(page.getByTestId("job-form")).toHaveAttribute("data-kind", "train");
  // "runs on" follows the trainer: a cluster recipe runs on Slurm, the tiny CLIP here on this machine
  await expect(page.getByTestId("job-form-executor")).toHaveValue("local");
  await page.getByTestId("job-form-trainer").selectOption("small");
  await expect(page.getByTestId("job-form-executor")).toHaveValue("slurm");
  await page.getByTestId("job-form-trainer").selectOption("embedded");
  await expect(page.getByTestId("job-form-executor")).toHaveValue("local");
  await page.getByTestId("job-form-samples").fill("0");
  await page.getByTestId("job-form-submit").click();
  await expect(page.getByTestId("job-form-error")).toContainText('"samples-seen"');
  await page.getByTestId("job-form-samples").fill("12800");
  await page.getByTestId("job-form-out").fill(out);
  await page.getByTestId("job-form-submit").click();
  await expect(page).toHaveURL(/\/jobs\/\d{8}-\d{6}-[0-9a-f]{6}$/);
  // live: the loss chart appears while it trains, and the loss has fallen by the end
  await expect(page.getByTestId("loss-chart")).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "succeeded", { timeout: 180_000 });
  const chart = page.getByTestId("loss-chart");
  const [first, last] = [Number(await chart.getAttribute("data-first")), Number(await chart.getAttribute("data-last"))];
  expect(last).toBeLessThan(first);
  await expect(page.getByTestId("train-result")).toContainText("Fashion-MNIST zero-shot");
  const acc = Number(await page.getByTestId("result-acc1").getAttribute("data-value"));
  expect(acc).toBeGreaterThan(0.3); // chance is 0.1
  await expect(page.getByTestId("train-result")).toContainText("curated pairs of fixture");
  // the classes by name, head → tail, each with its share of the raw pool (counted here from the pool's labels)
  const names = JSON.parse(readFileSync(path.join(E2E_DATA, FIXTURE, "source", "eval.json"), "utf8")).classes as string[];
  const con = await openDuckDB();
  const counts = (await queryRows(con, `SELECT label::INT AS label, count(*)::INT AS n FROM read_parquet(${sqlString(path.join(E2E_DATA, FIXTURE, "source", "pool.parquet"))}) GROUP BY 1`)).map((r) => ({ label: Number(r.label), n: Number(r.n) }));
  con.closeSync();
  const total = counts.reduce((a, c) => a + c.n, 0);
  const expected = counts.sort((a, b) => b.n - a.n || a.label - b.label).map((c) => ({ name: names[c.label], share: c.n / total }));
  const rows = page.getByTestId("class-row");
  await expect(rows).toHaveCount(names.length);
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => ({ name: tr.getAttribute("data-name"), share: Number(tr.getAttribute("data-share")), half: tr.children[2].textContent })));
  expect(shown.map((r) => r.name)).toEqual(expected.map((e) => e.name));
  shown.forEach((r, i) => expect(r.share).toBeCloseTo(expected[i].share, 9));
  expect(shown.map((r) => r.half)).toEqual(shown.map((_, i) => (i < Math.floor(names.length / 2) ? "head" : "tail")));
  // the loss chart says what it plots and fills its panel
  const lossSvg = page.getByTestId("chart-loss").locator("svg");
  await expect(lossSvg.locator("text", { hasText: "samples seen" })).toHaveCount(1);
  const [svgWidth, panelWidth] = await page.getByTestId("chart-loss").evaluate((fig) => [fig.querySelector("svg")!.getBoundingClientRect().width, fig.clientWidth]);
  expect(svgWidth).toBeGreaterThan(panelWidth - 41); // to the layout's 40 px step
  // the job page of a run, light and dark, kept with the other pages' screenshots
  await page.screenshot({ path: test.info().outputPath("job-train-light.png"), fullPage: true });
  await page.evaluate(() => localStorage.setItem("metacurate-theme", "dark"));
  await page.reload();
  await expect(page.getByTestId("class-row")).toHaveCount(names.length);
  await expect(page.getByTestId("chart-loss").locator("svg")).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath("job-train-dark.png"), fullPage: true });
  await page.evaluate(() => localStorage.removeItem("metacurate-theme"));
  // /jobs says what it trained and links the run to /evals, where it is selected
  const jobId = /\/jobs\/([^?]+)/.exec(page.url())![1];
  await page.goto("/jobs");
  const row = page.locator(`[data-testid="job-row"][data-id="${jobId}"]`);
  await expect(row.getByTestId("job-what")).toHaveText("curated pairs of fixture, 12,800 samples, seed 0");
  await row.getByTestId("job-output").click();
  await expect(page).toHaveURL(new RegExp(`/evals\\?sel=${out}$`));
  await expect(page.locator(`[data-testid="run-row"][data-id="${out}"] input[type=checkbox]`)).toBeChecked();
  // a workspace never replaces a run: the re-balance form refuses the run's name, with nothing to confirm
  await page.goto(`/distribution?workspace=${FIXTURE}`);
  await page.getByTestId("open-rebalance").click();
  await page.getByTestId("job-form-out").fill(out);
  await expect(page.getByTestId("job-form-name")).toHaveAttribute("data-status", "refused");
  await expect(page.getByTestId("job-form-name")).toContainText(`${out} is a training run (trained on fixture's curated pairs); a workspace never replaces a run`);
  await expect(page.getByTestId("job-form-replace")).toHaveCount(0);
  await expect(page.getByTestId("job-form-submit")).toBeDisabled();
});

test("cancel a running job from its page: it ends cancelled", async ({ page, request }) => {
  // the server's pause gate closed: the job's task holds before its commit, so it is surely running when cancelled
  rmSync(JOB_GATE, { force: true });
  try {
    const res = await request.post("/api/jobs", { data: { kind: "balance", in: FIXTURE, t: 100, out: "e2e-cancelled" } });
    expect(res.status()).toBe(202);
    const { id } = await res.json();
    await expect.poll(async () => ((await (await request.get(`/api/jobs/${id}?log=1`)).json()) as { log: string }).log, { timeout: 60_000 }).toContain("paused at commit:staged");
    await page.goto(`/jobs/${id}`);
    await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "running");
    await page.getByTestId("cancel-job").click();
    await expect(page.getByTestId("job-state")).toHaveAttribute("data-value", "cancelled", { timeout: 30_000 });
    const job = await (await request.get(`/api/jobs/${id}`)).json();
    expect(job.state).toBe("cancelled");
    expect(existsSync(path.join(E2E_DATA, "e2e-cancelled", "manifest.json"))).toBe(false);
    // its bar is not full (it got to 3,000/3,000 of a step, not to the end)
    await page.goto("/jobs");
    const row = page.locator(`[data-testid="job-row"][data-id="${id}"]`);
    await expect(row.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "0");
    await expect(row).toContainText("stopped at balance");
    await expect(row.getByTestId("job-what")).toHaveText("t = 100");
  } finally {
    writeFileSync(JOB_GATE, "");
  }
});

test("kill -9 of the server mid-job: restarted, it shows the job ended right, with outputs equal to the CLI's", async () => {
  test.setTimeout(300_000);
  const port = PORT + 9;
  const data = path.join(E2E_DATA, "..", "e2e-restart");
  rmSync(data, { recursive: true, force: true });
  mkdirSync(path.join(data, "in"), { recursive: true });
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT md5(i::VARCHAR) AS uid, 'http://x/' || i AS url, 'a ' || (['red', 'blue', 'hot'])[1 + i % 3] || ' dog number ' || (i % 5000) AS text FROM range(30000) t(i)) TO ${sqlString(path.join(data, "in", "pool.parquet"))} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  writeFileSync(path.join(data, "in", "metadata.json"), JSON.stringify(["dog", "red", "blue", "hot dog", "number"]));
  // its jobs' tasks hold before their commit until the gate file exists: the job is surely mid-run when the server dies
  const gate = path.join(data, "..", "e2e-restart-gate");
  rmSync(gate, { force: true });
  const start = () => spawn(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "serve", "--data-dir", data, "--port", String(port)],
    { detached: true, stdio: "ignore", env: { ...process.env, METACURATE_PAUSE_AT: "commit:staged", METACURATE_PAUSE_UNTIL: gate } });
  const api = (p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${p}`, init);
  const up = async () => { for (let i = 0; i < 300; i++) { if (await api("/api/jobs").then((r) => r.ok, () => false)) return; await new Promise((r) => setTimeout(r, 200)); } throw new Error("the server did not start"); };
  let server = start();
  try {
    await up();
    const res = await api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json", Origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify({ kind: "curate", metadata: "in/metadata.json", pool: ["in/pool.parquet"], t: 300, seed: 7, shards: 3, out: "ws" }) });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    for (let i = 0; ; i++) {
      const job = await (await api(`/api/jobs/${id}`)).json();
      const log = ((await (await api(`/api/jobs/${id}?log=1`)).json()) as { log: string }).log;
      if (job.state === "running" && log.includes("paused at commit:staged")) break;
      expect(i, "the job never reached its pause point").toBeLessThan(1200);
      await new Promise((r) => setTimeout(r, 100));
    }
    // kill -9 of the serve process alone: its next-server ends by itself (it must not hold the port), the queue runner lives on
    const children = spawnSync("ps", ["-o", "pid=", "--ppid", String(server.pid)], { encoding: "utf8" }).stdout.split("\n").map(Number).filter(Boolean);
    expect(children.length, "serve runs the dashboard's server").toBeGreaterThan(0);
    process.kill(server.pid!, "SIGKILL");
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    for (let i = 0; children.some(alive); i++) {
      expect(i, "the dashboard's server outlived serve").toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    server = start();
    await up();
    writeFileSync(gate, "");
    let job;
    for (let i = 0; ; i++) {
      job = await (await api(`/api/jobs/${id}`)).json();
      if (job.state !== "queued" && job.state !== "running") break;
      expect(i).toBeLessThan(1200);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(job.state, job.error ?? "").toBe("succeeded");
    const ref = path.join(data, "ref");
    const cli = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "curate", "--metadata", path.join(data, "in", "metadata.json"), "--pool", path.join(data, "in", "pool.parquet"), "--out", ref, "--t", "300", "--seed", "7", "--progress", "none"]);
    expect(cli.status).toBe(0);
    for (const f of ["entry_counts.parquet", "size_curve.parquet", "subset.npy", "matches.parquet", "curated.parquet", "preview.parquet"]) {
      expect(readFileSync(path.join(data, "ws", f)).equals(readFileSync(path.join(ref, f))), f).toBe(true);
    }
  } finally {
    try { process.kill(-server.pid!, "SIGTERM"); } catch { /* gone */ }
  }
});
