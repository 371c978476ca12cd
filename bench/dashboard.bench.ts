// Dashboard benchmark (npm run bench:dashboard). Not a test: prints figures and ratios against named
// baselines measured in the same run. A 500,000-entry workspace with 1,000,000 matched rows
// (bench/dashboardWorkspace.ts), `metacurate serve` (next start), Debian Chromium through
// playwright-core; times come from the page's own performance marks and events.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { openDuckDB, queryRows, sqlString } from "../lib/pool/duckdb";
import { hasLaion, LAION_10K, REPO } from "../tests/support/fixtures";
import { clearEvents, waitEvent, type AppEvent as Ev } from "../e2e/support/app";
import { ensureDashboardWorkspace } from "./dashboardWorkspace";

const NAME = "bench500k";
const DATA = path.join(REPO, "bench", "out", "dashboard");
const PORT = Number(process.env.BENCH_PORT ?? 3311);
const BASE = `http://127.0.0.1:${PORT}`;
const LOADS = 5, T_CHANGES = 50;
const QUERIES = ["dog", "red", "house", "New", "ing", "car", "blue sky", "photo", "st", "Wood", "a", "zebra", "tree", "man", "of the", "x", "1", "water", "ball", "ion"];

if (!hasLaion) {
  console.log(`bench:dashboard needs ${LAION_10K}`);
  process.exit(1);
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const median = (xs: number[]) => quantile(xs, 0.5);

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[]; __inputAt: number };
    w.__longTasks = [];
    // the moment of the person's input: the key event's own timestamp
    addEventListener("keydown", (e) => { w.__inputAt = e.timeStamp; }, true);
    try { new PerformanceObserver((l) => { for (const e of l.getEntries()) { w.__longTasks.push(e.duration); (w as unknown as { __longAt: number[] }).__longAt = [...((w as unknown as { __longAt?: number[] }).__longAt ?? []), e.startTime]; } }).observe({ type: "longtask", buffered: true }); } catch { /* not supported */ }
  });
  return page;
}

/** Native DuckDB (same machine, same run): the exact expected size as one SQL query over matches.parquet. */
async function sqlExpectedSize(ws: string, t: number): Promise<{ value: number; ms: number }> {
  const con = await openDuckDB();
  try {
    const sql = `SELECT sum(1 - keep_none) AS e FROM (
        SELECT r, product(1 - ${t} / greatest(c.count, ${t})) AS keep_none
        FROM (SELECT row_number() OVER () AS r, unnest(entry_ids) AS e FROM read_parquet(${sqlString(path.join(ws, "matches.parquet"))})) m
        JOIN read_parquet(${sqlString(path.join(ws, "entry_counts.parquet"))}) c ON c.entry_id = m.e GROUP BY r)`;
    await queryRows(con, sql); // warm: file cache and plan
    const t0 = performance.now();
    const [{ e }] = await queryRows(con, sql);
    return { value: Number(e), ms: performance.now() - t0 };
  } finally {
    con.closeSync();
  }
}

const ws = await ensureDashboardWorkspace(DATA, NAME);
// the demo beside it, as `metacurate demo` builds it
const DEMO = "demo";
if (!(await import("node:fs")).existsSync(path.join(DATA, DEMO, "manifest.json"))) {
  if (spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "demo", "--out", path.join(DATA, DEMO), "--progress", "none"], { stdio: "ignore" }).status !== 0) throw new Error("demo failed");
}
const demoManifest = JSON.parse((await import("node:fs")).readFileSync(path.join(DATA, DEMO, "manifest.json"), "utf8"));
const manifest = JSON.parse((await import("node:fs")).readFileSync(path.join(ws, "manifest.json"), "utf8"));
console.log(`workspace: ${manifest.match.entries.toLocaleString("en")} entries, ${manifest.match.rows_matched.toLocaleString("en")} matched rows, ${manifest.match.total_matches.toLocaleString("en")} matches; curated at t = ${manifest.balance.t}\n`);

if (spawnSync(process.execPath, [path.join(REPO, "scripts", "copy-assets.mjs")], { stdio: "inherit" }).status !== 0) throw new Error("copy-assets failed");
const server = spawn(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "serve", "--data-dir", DATA, "--port", String(PORT)], { stdio: ["ignore", "ignore", "inherit"] });
const stopServer = () => { try { process.kill(server.pid!, "SIGTERM"); } catch { /* gone */ } };
process.on("exit", stopServer);
for (let i = 0; ; i++) {
  try { if ((await fetch(`${BASE}/api/workspaces`)).ok) break; } catch { /* not up yet */ }
  if (i > 600) throw new Error("server did not start");
  await new Promise((r) => setTimeout(r, 500));
}
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
try {
  // 1. load → first chart (cold: a fresh browser context each time), on the 500k-entry workspace and on the demo
  let page!: Page;
  const coldLoads = async (name: string) => {
    const loads: { firstChart: number; bothCharts: number; ready: number; duckdb: number; matches: number; expected: number }[] = [];
    // one load first that is not counted: the server warm (its routes compiled, the counts' cache built), as the goal says
    for (let i = -1; i < LOADS; i++) {
      if (page) await page.context().close();
      page = await newPage(browser);
      await page.goto(`${BASE}/distribution?workspace=${name}`, { waitUntil: "commit" });
      await waitEvent(page, "chart:drawn", { id: "rank" });
      await waitEvent(page, "chart:drawn", { id: "cumulative" });
      const expected = await waitEvent(page, "expected-size");
      await waitEvent(page, "entries:table");
      const m = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType("mark").map((e) => [e.name, e.startTime])));
      const ready = await waitEvent(page, "workspace:ready");
      const matches = await waitEvent(page, "matches:loaded");
      const first = Math.min(m["metacurate:chart:rank"], m["metacurate:chart:cumulative"]);
      if (i >= 0) loads.push({ firstChart: first, bothCharts: Math.max(m["metacurate:chart:rank"], m["metacurate:chart:cumulative"]), ready: ready.at, duckdb: m["metacurate:entries-table"], matches: matches.at, expected: expected.at });
    }
    return (k: keyof (typeof loads)[number]) => median(loads.map((l) => l[k]));
  };
  const demo = await coldLoads(DEMO);
  console.log(`1a. the demo (15,000 rows, ${demoManifest.match.entries.toLocaleString("en")} entries), median of ${LOADS} cold loads (a fresh browser context each; warm server; navigation start = 0):`);
  console.log(`   first chart drawn: ${ms(demo("firstChart"))} (counts decoded and checked: ${ms(demo("ready"))})   target ≤ 800 ms`);
  console.log(`   baseline, DuckDB-WASM route: entries table in DuckDB at ${ms(demo("duckdb"))}; first chart / DuckDB ready = ${(demo("firstChart") / demo("duckdb")).toFixed(2)}`);
  const med = await coldLoads(NAME);
  console.log(`1b. ${NAME}, median of ${LOADS} cold loads:`);
  console.log(`   workspace ready (counts decoded and checked): ${ms(med("ready"))}`);
  console.log(`   first chart drawn: ${ms(med("firstChart"))}  (both: ${ms(med("bothCharts"))})   target ≤ 1200 ms`);
  console.log(`   baseline, DuckDB-WASM route: entries table in DuckDB at ${ms(med("duckdb"))}; first chart / DuckDB ready = ${(med("firstChart") / med("duckdb")).toFixed(2)}`);
  console.log(`   1,000,000 matched rows decoded in the worker: ${ms(med("matches"))}; first exact expected size shown: ${ms(med("expected"))}`);

  // 2. 50 t changes by the keyboard on the slider: figures + both charts, and the expected size
  await clearEvents(page);
  await page.evaluate(() => { (window as unknown as { __longTasks: number[] }).__longTasks = []; });
  const slider = page.getByTestId("slider-t");
  await slider.focus();
  const keys = ["Home", ...Array.from({ length: T_CHANGES - 1 }, (_, i) => (Math.floor(i / 10) % 2 === 0 ? "PageUp" : "PageDown"))];
  const keyTimes: { at: number; t: number }[] = [];
  const figures: number[] = [], expectedE2e: number[] = [], expectedWorker: number[] = [], tables: number[] = [];
  let lastT = Number((await page.getByTestId("input-t").inputValue()).replaceAll(",", "")); // printed as fmtInt prints it: "20,000"
  const overlays = await page.getByTestId("toggle-overlays").isChecked();
  for (const key of keys) {
    await clearEvents(page);
    await page.keyboard.press(key);
    const f = await waitEvent(page, "figures");
    const t = f.t as number;
    if (t === lastT) throw new Error(`${key} did not change t (${t})`);
    lastT = t;
    const mark = await page.evaluate(() => (window as unknown as { __inputAt: number }).__inputAt);
    const a = await waitEvent(page, "chart:drawn", { id: "rank", key: `${NAME}|${t}|${overlays}` });
    const b = await waitEvent(page, "chart:drawn", { id: "cumulative", key: `${NAME}|${t}|${overlays}` });
    const e = await waitEvent(page, "expected-size", { t });
    const tab = await waitEvent(page, "tables", { t });
    keyTimes.push({ at: mark, t });
    figures.push(Math.max(f.at, a.at, b.at) - mark);
    expectedE2e.push(e.at - mark);
    expectedWorker.push(e.ms as number);
    tables.push(tab.at - mark);
  }
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const longAt = await page.evaluate(() => (window as unknown as { __longAt?: number[] }).__longAt ?? []);
  console.log(`\n2. ${T_CHANGES} t changes (slider by keyboard: Home, PageUp/PageDown; paper overlays ${overlays ? "on" : "off"}), from the key event:`);
  console.log(`   figures + both charts updated: median ${ms(median(figures))}, p95 ${ms(quantile(figures, 0.95))}   target ≤ 50 / ≤ 100 ms`);
  console.log(`   baseline, the same t change through DuckDB-WASM SQL (band table, a GROUP BY over the 500k entries): median ${ms(median(tables))}, p95 ${ms(quantile(tables, 0.95))}; ratio ${(median(tables) / median(figures)).toFixed(1)}x`);
  console.log(`   exact expected size over 1,000,000 rows in the worker: median ${ms(median(expectedWorker))}, p95 ${ms(quantile(expectedWorker, 0.95))} (on screen: median ${ms(median(expectedE2e))})   target ≤ 300 ms, off the UI thread`);
  console.log(`   main-thread long tasks (> 50 ms) during the changes: ${longTasks.length}${longTasks.length ? `, longest ${ms(Math.max(...longTasks))}` : ""}`);
  for (const at of longAt.slice(-longTasks.length)) {
    const k = keyTimes.findLastIndex((x) => x.at <= at);
    console.log(k >= 0 ? `   (a long task began ${ms(at - keyTimes[k].at)} after change #${k + 1}, t = ${keyTimes[k].t})` : `   (a long task began ${ms(keyTimes[0].at - at)} before the first change: work left over from loading)`);
  }
  const sql = await sqlExpectedSize(ws, lastT);
  const shown = Number(await page.getByTestId("stat-expected-size").getAttribute("data-value"));
  console.log(`   baseline, native DuckDB SQL (node, ${(await import("node:os")).availableParallelism()} threads) for the same sum at t = ${lastT}: ${ms(sql.ms)}; ratio ${(sql.ms / median(expectedWorker)).toFixed(1)}x; values ${shown} (page) vs ${sql.value} (SQL), relative difference ${Math.abs(shown - sql.value) / sql.value}`);

  // 3. entries filter
  await page.goto(`${BASE}/entries?workspace=${NAME}`);
  await waitEvent(page, "entries:loaded", { search: "" });
  const filter: number[] = [];
  for (const q of QUERIES) {
    await page.getByTestId("entries-search").fill(q);
    filter.push((await waitEvent(page, "entries:loaded", { search: q })).ms as number);
  }
  // scrolling: jumps to random places in the full sorted list; time until the rows there are filled
  await clearEvents(page);
  await page.getByTestId("entries-search").fill("");
  await waitEvent(page, "entries:loaded", { search: "" });
  const jumps: number[] = [];
  let firstJump = 0;
  const jumpRng = (() => { let s = 12345; return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31); })();
  await page.evaluate(() => { (window as unknown as { __longTasks: number[] }).__longTasks = []; });
  for (let i = 0; i < 11; i++) {
    const row = 2400 + Math.floor(jumpRng() * 496_000);
    await clearEvents(page);
    await page.getByTestId("entries-scroll").evaluate((el, top) => { el.scrollTop = top; }, row * 30);
    const pageNo = Math.floor(row / 200);
    const ev = await waitEvent(page, "entries:page", { search: "", page: pageNo });
    if (i === 0) firstJump = ev.ms as number;
    else jumps.push(ev.ms as number);
  }
  const scrollLong = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  // baseline: the same searches as a plain JS scan in the same page (filter, sort by count, first page)
  const con = await openDuckDB();
  const list = await queryRows(con, `SELECT entry, count::DOUBLE AS c FROM read_parquet(${sqlString(path.join(ws, "entry_counts.parquet"))}) ORDER BY entry_id`);
  con.closeSync();
  const scan = await page.evaluate(([names, counts, queries]) => {
    const lower = names.map((n) => n.toLowerCase());
    return queries.map((q) => {
      const t0 = performance.now(), ql = q.toLowerCase(), hits: number[] = [];
      for (let i = 0; i < lower.length; i++) if (lower[i].includes(ql)) hits.push(i);
      hits.sort((a, b) => counts[b] - counts[a] || a - b);
      void hits.slice(0, 200);
      return performance.now() - t0;
    });
  }, [list.map((r) => String(r.entry)), list.map((r) => Number(r.c)), QUERIES] as const);
  console.log(`\n3. entries filter (${QUERIES.length} searches over 500,000 entries; count + first page, sorted by count, after the 120 ms typing debounce):`);
  console.log(`   median ${ms(median(filter))}, p95 ${ms(quantile(filter, 0.95))}, max ${ms(Math.max(...filter))}   target ≤ 100 ms`);
  console.log(`   scroll jumps to 10 random places in the 500,000 rows (sorted by count): rows there filled after median ${ms(median(jumps))}, max ${ms(Math.max(...jumps))}; the first jump, which fetches the full order once: ${ms(firstJump)}; long tasks ${scrollLong.length}`);
  console.log(`   baseline, a plain JS scan in the same page (lower-cased names prepared beforehand, filter + sort by count): median ${ms(median(scan))}, p95 ${ms(quantile(scan, 0.95))}; ratio ${(median(scan) / median(filter)).toFixed(2)}x`);
} finally {
  await browser.close();
  stopServer();
}
