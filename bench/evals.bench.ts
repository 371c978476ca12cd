// /evals benchmark (npm run bench:evals). Not a test: prints figures and ratios against a named
// baseline measured in the same run. 1,000 DataComp-style runs × 38 tasks (a t sweep of 20 values ×
// 50 seeds, run.json and eval_results.jsonl as the cluster template records them) in a data directory,
// served by `metacurate serve`, opened in Debian Chromium (playwright-core): page load to the first chart,
// and a selection change (two runs ticked) to the per-task chart drawn. Baseline: the same page on 30 runs
// (the size of the demo's training experiment). Times come from the page's own events.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { DATACOMP_TASKS } from "../lib/evals/tasks";
import { REPO } from "../tests/support/fixtures";
import type { AppEvent } from "../e2e/support/app";

const OUT = path.join(REPO, "bench", "out", "evals");
const PORT = Number(process.env.BENCH_PORT ?? 3312);
const BASE = `http://127.0.0.1:${PORT}`;
const LOADS = 5, SELECTIONS = 5;
const T_VALUES = [1000, 2000, 5000, 10000, 15000, 20000, 30000, 40000, 60000, 90000, 120000, 170000, 250000, 400000, 600000, 1e6, 2e6, 4e6, 8e6, 16e6];

const ms = (x: number) => `${x.toFixed(0)} ms`;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** n runs: t from T_VALUES, seeds 0…; scores a smooth function of t plus seed noise (deterministic). */
function writeRuns(dir: string, n: number): void {
  rmSync(dir, { recursive: true, force: true });
  let x = 12345;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) {
    const t = T_VALUES[i % T_VALUES.length], seed = Math.floor(i / T_VALUES.length);
    const run = path.join(dir, "runs", "sweep", `t${t}-s${seed}`);
    mkdirSync(run, { recursive: true });
    const base = 0.3 + 0.05 * Math.exp(-((Math.log10(t) - 4.5) ** 2));
    const lines = DATACOMP_TASKS.map((task) => {
      const v = Math.min(1, Math.max(0, base + (rand() - 0.5) * 0.04));
      return JSON.stringify({ key: task.key, dataset: task.dataset, metrics: { acc1: v, acc5: Math.min(1, v + 0.2), mean_per_class_recall: v, main_metric: v } });
    });
    writeFileSync(path.join(run, "eval_results.jsonl"), lines.join("\n") + "\n");
    writeFileSync(path.join(run, "run.json"), JSON.stringify({ tool: "metacurate", kind: "datacomp-train", scale: "medium", model: "ViT-B-32", workspace: "/data/pool-medium", metadata_hash: "bench", subset: "curated",
      subset_size: Math.round(20e6 * Math.min(1, t / 4e6)) + 1_000_000, t, tail_share: 0.1, balance_seed: 0, seed, samples_seen: 128_000_000, passes: 4 }));
  }
}

async function serve(dataDir: string) {
  const server = spawn(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "serve", "--data-dir", dataDir, "--port", String(PORT)], { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${BASE}/api/evals`)).ok) break; } catch { /* not up yet */ }
    if (i > 600) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  return () => new Promise<void>((resolve) => { server.once("exit", () => resolve()); server.kill("SIGTERM"); });
}

interface Figures { api: number; ready: number; firstChart: number; selection: number }

async function measure(browser: Browser, runs: number): Promise<Figures> {
  const events = (page: import("@playwright/test").Page) => page.evaluate(() => (window as unknown as { __metacurateEvents?: AppEvent[] }).__metacurateEvents ?? []);
  const api: number[] = [];
  for (let i = 0; i < LOADS; i++) { const t0 = performance.now(); await (await fetch(`${BASE}/api/evals`)).json(); api.push(performance.now() - t0); }
  const ready: number[] = [], first: number[] = [], selection: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${BASE}/evals`);
    // the first chart drawn with the runs in it (the papers' reference chart may draw before the runs arrive)
    await page.waitForFunction(() => {
      const evs = (window as unknown as { __metacurateEvents?: AppEvent[] }).__metacurateEvents ?? [];
      const at = evs.find((e) => e.type === "evals:ready")?.at;
      return at !== undefined && evs.some((e) => e.type === "chart:drawn" && e.at >= at);
    });
    const evs = await events(page);
    const readyAt = evs.find((e) => e.type === "evals:ready")!.at;
    ready.push(readyAt);
    first.push(evs.find((e) => e.type === "chart:drawn" && e.at >= readyAt)!.at);
    const rows = page.getByTestId("run-row");
    if ((await rows.count()) !== runs) throw new Error(`expected ${runs} rows, saw ${await rows.count()}`);
    if (i < SELECTIONS) {
      // a selection change: tick two runs; the per-task chart of both is drawn
      await page.evaluate(() => { (window as unknown as { __metacurateEvents: unknown[] }).__metacurateEvents = []; });
      await page.evaluate(() => { addEventListener("click", (e) => { (window as unknown as { __clickAt: number }).__clickAt = e.timeStamp; }, { capture: true, once: true }); });
      await rows.nth(3).getByTestId("run-select").check();
      await page.waitForFunction(() => ((window as unknown as { __metacurateEvents?: AppEvent[] }).__metacurateEvents ?? []).some((e) => e.type === "chart:drawn" && e.id === "tasks"));
      const drawn = (await events(page)).find((e) => e.type === "chart:drawn" && e.id === "tasks")!.at;
      selection.push(drawn - (await page.evaluate(() => (window as unknown as { __clickAt: number }).__clickAt)));
    }
    await context.close();
  }
  return { api: median(api), ready: median(ready), firstChart: median(first), selection: median(selection) };
}

if (spawnSync(process.execPath, [path.join(REPO, "scripts", "copy-assets.mjs")], { stdio: "inherit" }).status !== 0) throw new Error("copy-assets failed");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
const results: Record<string, Figures> = {};
try {
  for (const [name, n] of [["baseline: 30 runs (the demo experiment's size)", 30], ["1,000 runs × 38 tasks", 1000]] as const) {
    const dir = path.join(OUT, String(n));
    writeRuns(dir, n);
    const stop = await serve(dir);
    try {
      await measure(browser, n); // warm: the server's first render and the browser's cache of the page's code
      results[name] = await measure(browser, n);
    } finally {
      await stop();
    }
  }
} finally {
  await browser.close();
}
const [base, big] = Object.values(results);
console.log(`/evals in Chromium, medians of ${LOADS} cold loads and ${SELECTIONS} selection changes\n`);
console.log(["", ...Object.keys(results)].map((s) => s.padEnd(48)).join("") + "ratio");
for (const [label, key] of [["GET /api/evals (Node fetch)", "api"], ["load → runs listed (evals:ready)", "ready"], ["load → first chart drawn", "firstChart"], ["tick a run → per-task chart drawn", "selection"]] as const) {
  console.log([label.padEnd(48), ms(base[key]).padEnd(48), ms(big[key]).padEnd(48), `${(big[key] / base[key]).toFixed(2)}×`].join(""));
}
