// The worldwide demo on the dashboard (MetaCLIP 2): the language table's numbers equal `metacurate stats
// --json`'s languages at English's t, tuning English's t moves every language's t, the language selector
// shows one language at its own t, and /entries and /pairs filter by language and render every script
// (CJK, Thai, Arabic written right to left); /evals charts the worldwide experiment per language; the
// filter panel composes DataComp's filters with worldwide balancing as curate does on the filtered pool.
import { expect, test, type Page } from "@playwright/test";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { clearEvents, engineStats, waitEvent, type AppEvent } from "./support/app";
import { E2E_DATA, REPO, WORLDWIDE, WORLDWIDE_RUNS } from "./support/workspaces";

interface EngineLanguage { lang: string; t: number | null; rows: number; rows_matched: number; entries: number; matches: number; expected_size: number }

async function tableRows(page: Page) {
  const rows = page.getByTestId("language-row");
  const n = await rows.count();
  const out: { lang: string; t: string; rows: string; matched: string; expected: string }[] = [];
  for (let i = 0; i < n; i++) {
    const r = rows.nth(i);
    const v = async (id: string) => (await r.getByTestId(id).getAttribute("data-value")) ?? "";
    out.push({ lang: (await r.getAttribute("data-lang")) ?? "", t: await v("lang-t"), rows: await v("lang-rows"), matched: await v("lang-rows-matched"), expected: await v("lang-expected") });
  }
  return out;
}

async function expectTableEqualsEngine(page: Page, tEn: number) {
  const engine = engineStats(WORLDWIDE, "--t", String(tEn)).languages as EngineLanguage[];
  // the expected sizes come from the matches worker: wait until every cell has one
  await expect(page.getByTestId("lang-expected").filter({ hasText: "…" })).toHaveCount(0);
  const shown = await tableRows(page);
  expect(shown.map((r) => r.lang)).toEqual(engine.map((l) => l.lang));
  for (const [i, l] of engine.entries()) {
    expect({ lang: shown[i].lang, t: shown[i].t, rows: Number(shown[i].rows), matched: Number(shown[i].matched) },
      `${l.lang} at English's t = ${tEn}`).toEqual({ lang: l.lang, t: l.t === null ? "" : String(l.t), rows: l.rows, matched: l.rows_matched });
    expect(Number(shown[i].expected), `${l.lang}'s expected size`).toBe(l.expected_size);
  }
  return engine;
}

test("worldwide /distribution: the language table equals stats --json; English's t moves every language's t; the selector shows one language", async ({ page }) => {
  const manifestT = engineStats(WORLDWIDE, "--p", "0.06").at_t.t as number;
  await page.goto(`/distribution?workspace=${WORLDWIDE}`);
  await expect(page.getByTestId("worldwide-note")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("input-t")).toHaveValue(String(manifestT));
  const first = await expectTableEqualsEngine(page, manifestT);
  await waitEvent(page, "tables", { t: manifestT }); // the band table, from DuckDB-WASM, before the screenshot
  await page.screenshot({ path: ".tmp/e2e-results/worldwide-distribution.png", fullPage: true });

  // a larger English t: the engine's languages at it, and some language's t moved with it
  const larger = manifestT * 4;
  await page.getByTestId("input-t").fill(String(larger));
  await page.getByTestId("input-t").press("Enter");
  await expect(page.getByTestId("language-row").filter({ has: page.locator(`[data-testid=lang-t][data-value="${larger}"]`) })).toHaveCount(1);
  const second = await expectTableEqualsEngine(page, larger);
  expect(second.filter((l, i) => l.lang !== "en" && l.t !== first[i].t).length, "other languages' t follow English's").toBeGreaterThan(0);

  // the selector: Chinese's figures at its own t, and its head entries as the table says
  const zh = second.find((l) => l.lang === "zh")!;
  await clearEvents(page);
  await page.getByTestId("language-select").selectOption({ label: "zh" });
  await expect(page.locator(`dl[data-label="zh at t = ${zh.t}"]`)).toBeVisible();
  const zhRow = page.locator('[data-testid=language-row][data-lang="zh"]');
  await expect(zhRow).toHaveAttribute("aria-selected", "true");
  expect(await page.getByTestId("stat-head-entries").getAttribute("data-value")).toBe(await zhRow.getByTestId("lang-head").getAttribute("data-value"));
  expect(Number(await page.getByTestId("stat-expected-size").getAttribute("data-value"))).toBe(zh.expected_size);
  await waitEvent(page, "tables", { t: zh.t });
  // the band table counts Chinese's entries only: its bands add up to Chinese's list
  const bandEntries = await page.getByTestId("band-row").evaluateAll((rows) => rows.map((r) => Number(r.children[2].textContent!.replaceAll(",", ""))));
  expect(bandEntries.reduce((a, b) => a + b, 0)).toBe(zh.entries);
  await page.screenshot({ path: ".tmp/e2e-results/worldwide-distribution-zh.png", fullPage: true });
});

test("worldwide /entries and /pairs filter by language and render CJK, Thai and right-to-left Arabic", async ({ page }) => {
  const languages = engineStats(WORLDWIDE, "--p", "0.06").languages as EngineLanguage[];
  // the entries of Thai only: every row's id in Thai's range, the names in Thai script
  await page.goto(`/entries?workspace=${WORLDWIDE}&lang=th`);
  const th = languages.find((l) => l.lang === "th")!;
  await expect(page.getByTestId("entries-total")).toContainText(`${th.entries}`, { timeout: 60_000 });
  const names = await page.getByTestId("entry-name").allTextContents();
  expect(names.length).toBeGreaterThan(5);
  for (const name of names) expect(name, "a Thai entry").toMatch(/[\u0E00-\u0E7F]/);
  expect(new Set(await page.getByTestId("entry-lang").allTextContents()), "each row names its language").toEqual(new Set(["th"]));

  // the pairs of Chinese only, then of Arabic, each caption in its own script, Arabic's read right to left
  await page.goto(`/pairs?workspace=${WORLDWIDE}&lang=zh`);
  await expect(page.getByTestId("pair").first()).toBeVisible({ timeout: 60_000 });
  const zhLangs = await page.getByTestId("pair").evaluateAll((els) => els.map((e) => e.getAttribute("data-lang")));
  expect(new Set(zhLangs)).toEqual(new Set(["zh"]));
  await expect(page.getByTestId("pair-caption").first()).toHaveText(/[\u4E00-\u9FFF]/);
  await expect(page.locator("mark").first()).toBeVisible(); // a CJK entry highlighted inside unspaced text
  await page.screenshot({ path: ".tmp/e2e-results/worldwide-pairs-zh.png", fullPage: true });
  await page.getByTestId("filter-lang").selectOption("ar");
  await expect(page.getByTestId("pair").first()).toHaveAttribute("data-lang", "ar");
  const caption = page.getByTestId("pair-caption").first();
  await expect(caption).toHaveText(/[\u0600-\u06FF]/);
  expect(await caption.evaluate((el) => getComputedStyle(el).direction), "an Arabic caption runs right to left").toBe("rtl");
  await page.screenshot({ path: ".tmp/e2e-results/worldwide-pairs-ar.png", fullPage: true });
  await page.getByTestId("filter-lang").selectOption("th");
  await expect(page.getByTestId("pair").first()).toHaveAttribute("data-lang", "th");
  await expect(page.getByTestId("pair-caption").first()).toHaveText(/[\u0E00-\u0E7F]/);
  await page.screenshot({ path: ".tmp/e2e-results/worldwide-pairs-th.png", fullPage: true });
});

test("/evals charts the worldwide experiment: zero-shot top-1 per language for raw, English-only and worldwide curation, as the runs' files say", async ({ page }) => {
  // the runs are served apart from the data directory the other /evals tests count
  const port = Number(process.env.E2E_PORT ?? 3210) + 7;
  const server = spawn(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "serve", "--data-dir", WORLDWIDE_RUNS, "--port", String(port)], { stdio: "ignore" });
  try {
    // up when it answers (the server's own readiness, not a sleep)
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/api/workspaces`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    const runs = readdirSync(WORLDWIDE_RUNS, { withFileTypes: true }).filter((d) => d.isDirectory() && /-s\d+$/.test(d.name)).map((d) => d.name);
    expect(runs.sort()).toEqual(["english-only-s0", "raw-s0", "worldwide-s0"]);
    await page.goto(`http://127.0.0.1:${port}/evals`);
    const chart = page.getByTestId("language-chart");
    await expect(chart).toHaveAttribute("data-conditions", "3", { timeout: 60_000 });
    await expect(chart).toHaveAttribute("data-languages", "en,ar,de,es,ja,th,zh");
    for (const run of runs) {
      const metrics = JSON.parse(readFileSync(path.join(WORLDWIDE_RUNS, run, "eval_results.jsonl"), "utf8")).metrics as Record<string, number>;
      for (const lang of ["en", "zh", "th", "ar"]) {
        const value = lang === "en" ? metrics.acc1 : metrics[`acc1:${lang}`];
        // each run is one dot: its title names the run and its top-1
        await expect(chart.locator("svg title").filter({ hasText: `${run}: ${(100 * value).toFixed(1)}%` })).not.toHaveCount(0);
      }
    }
    await chart.screenshot({ path: ".tmp/e2e-results/worldwide-evals-languages.png" });
  } finally {
    server.kill("SIGTERM");
  }
});

test("worldwide filter panel: DataComp's filters at English's t, each language's t after the filter, as curate computes them on the filtered pool", async ({ page }) => {
  test.setTimeout(180_000);
  const ws = JSON.parse(readFileSync(path.join(E2E_DATA, WORLDWIDE, "manifest.json"), "utf8"));
  const t = ws.balance.t as number;
  await page.goto(`/distribution?workspace=${WORLDWIDE}`);
  // the default, basic_filter at DataComp's min side of 200 px, keeps none of the demo's 28 px images: English has no match left to set every t
  const first = await waitEvent(page, "filter:preview", { t });
  expect(first.rowsKept).toBe(0);
  expect(first.filterThenBalance).toBeNull();
  await expect(page.getByTestId("filter-balance-problem")).toContainText("English has no match");
  await expect(page.getByTestId("filter-size-filter-balance")).toHaveAttribute("data-value", "");
  // a curate that filters first with it could not succeed: the form says why and does not start it
  await page.getByTestId("open-curate").click();
  await page.getByTestId("job-form-filter-first").check();
  await expect(page.getByTestId("job-form-submit-blocked")).toContainText("filter first: the filter keeps no row of the pool");
  await expect(page.getByTestId("job-form-submit")).toBeDisabled();
  await page.getByTestId("job-form-filter-first").uncheck();

  // at the images' own size: English kept by fastText, every other language's t over what is left, as curate on the filtered pool gives them
  await page.getByTestId("filter-minSide").fill("28");
  const ev = await page.waitForFunction(() => (window as unknown as { __metacurateEvents: AppEvent[] }).__metacurateEvents
    .filter((e) => e.type === "filter:preview" && (e.choice as { minSide?: number }).minSide === 28).at(-1) ?? null).then((h) => h.jsonValue() as Promise<AppEvent>);
  const dir = mkdtempSync(path.join(os.tmpdir(), "mc-e2e-ww-filter-"));
  try {
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), ...args, "--progress", "none"], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    cli("filter", "--pool", ws.match.pool.files[0].path, "--out", path.join(dir, "F"), "--name", "basic_filter", "--min-side", "28");
    cli("curate", "--metadata", ws.match.metadata.file, "--pool", path.join(dir, "F", "filtered.parquet"), "--out", path.join(dir, "FB"), "--t", String(t), "--lang-col", "lang");
    const f = JSON.parse(readFileSync(path.join(dir, "F", "manifest.json"), "utf8")).filter;
    const fb = JSON.parse(readFileSync(path.join(dir, "FB", "manifest.json"), "utf8"));
    expect(ev.rowsKept).toBe(f.rows_kept);
    expect(ev.filterThenBalance).toBe(fb.balance.expected_size); // to the bit
    expect(ev.balance).toBe(ws.balance.expected_size);
    const languages = ev.languages as { lang: string; t: number | null; tAfterFilter: number | null; matchedKept: number }[];
    expect(languages.map((l) => [l.lang, l.tAfterFilter, l.matchedKept])).toEqual(fb.balance.languages.map((l: { lang: string; t: number | null; rows_matched: number }) => [l.lang, l.t, l.rows_matched]));
    expect(languages.map((l) => [l.lang, l.t])).toEqual(ws.balance.languages.map((l: { lang: string; t: number | null }) => [l.lang, l.t]));
    const rows = page.getByTestId("filter-language");
    await expect(rows).toHaveCount(languages.length);
    for (const l of fb.balance.languages as { lang: string; t: number | null }[]) {
      await expect(rows.and(page.locator(`[data-lang="${l.lang}"]`))).toHaveAttribute("data-t-after", l.t === null ? "" : String(l.t));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await waitEvent(page, "chart:drawn", { id: "filter-rank" });
  await page.getByTestId("filter-panel").screenshot({ path: ".tmp/e2e-results/worldwide-filter-panel.png" });
});

test("worldwide ∞ caps nothing in any language: English's t one above its largest count, every language's head empty, every matched row expected", async ({ page }) => {
  const enMax = (JSON.parse(readFileSync(path.join(E2E_DATA, WORLDWIDE, "manifest.json"), "utf8")).match.languages as { lang: string; max_count: number }[]).find((l) => l.lang === "en")!.max_count;
  expect(enMax).toBeGreaterThan(1);
  await page.goto(`/distribution?workspace=${WORLDWIDE}&t=∞`);
  await expect(page.getByTestId("input-t")).toHaveValue(String(enMax + 1), { timeout: 60_000 });
  await expect(page.getByTestId("threshold-note")).toContainText("English's tail share p is 1");
  const languages = engineStats(WORLDWIDE, "--t", String(enMax + 1)).languages as EngineLanguage[];
  await expect(page.getByTestId("lang-expected").filter({ hasText: "…" })).toHaveCount(0);
  for (const l of languages) {
    const row = page.locator(`[data-testid=language-row][data-lang="${l.lang}"]`);
    if (l.rows_matched > 0) await expect(row.getByTestId("lang-head"), `${l.lang}: no entry above its t`).toHaveAttribute("data-value", "0");
    expect(l.expected_size, `${l.lang} keeps every matched row`).toBe(l.rows_matched);
    expect(Number(await row.getByTestId("lang-expected").getAttribute("data-value"))).toBe(l.rows_matched);
  }
  // one below: English at its largest count, which the note says still lets p_to_t cap other languages
  await page.getByTestId("input-t").fill(String(enMax));
  await page.getByTestId("input-t").press("Enter");
  await expect(page.getByTestId("threshold-note")).toContainText(`(∞) caps nothing`);
});

test("the link's ?lang= picks /distribution's language and follows the selector; one that is no language of the workspace is said", async ({ page }) => {
  await page.goto(`/distribution?workspace=${WORLDWIDE}&lang=th`);
  await expect(page.locator('[data-testid=language-row][data-lang="th"]')).toHaveAttribute("aria-selected", "true", { timeout: 60_000 });
  await expect(page.getByTestId("url-lang-error")).toHaveCount(0);
  await page.getByTestId("language-select").selectOption({ label: "ja" });
  await expect(page).toHaveURL(/[?&]lang=ja(&|$)/);
  await page.goto(`/pairs?workspace=${WORLDWIDE}&lang=fr`);
  await expect(page.getByTestId("url-lang-error")).toContainText(`"fr" is not one of this workspace's languages (ar, de, en, es, ja, th, zh)`, { timeout: 60_000 });
  await page.goto(`/entries?workspace=${WORLDWIDE}&lang=${encodeURIComponent("../../x\u202e")}`);
  await expect(page.getByTestId("url-lang-error")).toContainText("is not a language code", { timeout: 60_000 });
  await expect(page.getByTestId("url-lang-error")).toContainText("\\u202e"); // the override shown escaped, not applied
  await page.getByTestId("entries-search").fill("a"); // the URL is rewritten: the notice stays until a language is chosen
  await expect(page).toHaveURL(/[?&]q=a/);
  await expect(page.getByTestId("url-lang-error")).toBeVisible();
  await page.getByTestId("filter-lang").selectOption("de");
  await expect(page.getByTestId("url-lang-error")).toHaveCount(0);
});

test("a worldwide match whose English list matched nothing says it cannot be balanced, instead of offering a t, on every page", async ({ page }) => {
  const ws = JSON.parse(readFileSync(path.join(E2E_DATA, WORLDWIDE, "manifest.json"), "utf8"));
  const dir = mkdtempSync(path.join(os.tmpdir(), "mc-e2e-noen-"));
  const name = `e2e-no-english-${Date.now()}`;
  try {
    const meta = path.join(dir, "meta");
    mkdirSync(meta);
    writeFileSync(path.join(meta, "en.json"), JSON.stringify(["no caption says this"]));
    copyFileSync(path.join(ws.match.metadata.file, "zh.json"), path.join(meta, "zh.json"));
    writeFileSync(path.join(dir, "map.json"), JSON.stringify({ en: "en", zh: "zh" }));
    const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "match", "--metadata", meta, "--pool", ws.match.pool.files[0].path,
      "--lang-col", "lang", "--lid-map", path.join(dir, "map.json"), "--out", path.join(E2E_DATA, name), "--progress", "none"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    await page.goto(`/distribution?workspace=${name}`);
    await expect(page.getByTestId("worldwide-no-t")).toContainText("English has no match", { timeout: 60_000 });
    await expect(page.getByTestId("input-t")).toHaveCount(0);
    await expect(page.locator('[data-testid=language-row][data-lang="en"]')).toHaveAttribute("aria-selected", "true");
    await expect(page.locator('[data-testid=language-row][data-lang="zh"]').getByTestId("lang-expected")).toHaveText("—");
    await expect(page.getByTestId("language-table").locator("caption")).toContainText("no t (English has no match");
    // /entries and /pairs say it too, and judge no entry at a t of a single list: nothing is kept
    await page.goto(`/pairs?workspace=${name}`);
    await expect(page.getByTestId("worldwide-no-t")).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("pair").first()).toBeVisible();
    await expect(page.locator('[data-testid=pair][data-kept="1"]')).toHaveCount(0);
    await page.goto(`/entries?workspace=${name}`);
    await expect(page.getByTestId("worldwide-no-t")).toBeVisible({ timeout: 60_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(E2E_DATA, name), { recursive: true, force: true });
  }
});
