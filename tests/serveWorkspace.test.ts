// The dashboard server's workspace access: names and paths a request cannot abuse; the view state URL codec.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DEFAULT_VIEW, parseView, viewQuery } from "../lib/browser/viewState";
import { imageSource, type ImageOptions } from "../lib/browser/pairs";
import { readManifest } from "../lib/workspace/artifacts";
import { matchesForBrowser, resolveInside, workspaceDir } from "../lib/workspace/serve";
import { cli } from "./support/cli";
import { readParquet, tempDir, writeParquet } from "./support/fixtures";

test("workspace names and image paths cannot leave the data directory", async (t) => {
  const root = tempDir(t);
  const ws = path.join(root, "ws");
  mkdirSync(path.join(ws, "images"), { recursive: true });
  writeFileSync(path.join(ws, "images", "a.png"), "png");
  writeFileSync(path.join(root, "secret.png"), "secret");
  symlinkSync(path.join(root, "secret.png"), path.join(ws, "images", "link.png"));
  assert.equal(await workspaceDir(root, "ws"), ws);
  for (const bad of ["..", "../x", "a/b", "", ".hidden", "ws\0"]) await assert.rejects(workspaceDir(root, bad), /not a workspace name/);
  await assert.rejects(workspaceDir(root, "missing"), /no workspace "missing"/);
  assert.equal(await resolveInside(ws, "images/a.png"), path.join(ws, "images", "a.png"));
  for (const bad of ["../secret.png", "/etc/passwd", "images/../../secret.png", "images/link.png", "file:///etc/passwd", "images", "images/none.png", "a\0b"]) {
    await assert.rejects(resolveInside(ws, bad), /workspace/, bad);
  }
});

test("image sources: workspace files through the app, http(s) only when allowed, nothing else", () => {
  const on = (url: string | null, o: Partial<ImageOptions> = {}) => imageSource({ uid: "u1", url }, { workspace: "demo", shards: false, remote: false, ...o });
  assert.equal(on("source/images/1.png"), "/api/workspaces/demo/image?path=source%2Fimages%2F1.png");
  assert.equal(on("https://example.com/a.jpg"), null);
  assert.equal(on("https://example.com/a.jpg", { remote: true }), "https://example.com/a.jpg");
  assert.equal(on("https://example.com/a.jpg", { shards: true, remote: true }), "/api/workspaces/demo/image?uid=u1&url=https%3A%2F%2Fexample.com%2Fa.jpg", "a downloaded copy in the shards wins");
  assert.equal(on(null, { shards: true }), "/api/workspaces/demo/image?uid=u1");
  assert.equal(on("source/images/1.png", { shards: true }), "/api/workspaces/demo/image?path=source%2Fimages%2F1.png");
  assert.equal(on("javascript:alert(1)", { remote: true, shards: true }), "/api/workspaces/demo/image?uid=u1&url=javascript%3Aalert(1)", "only ever a key for the server's lookup");
  assert.equal(on("javascript:alert(1)", { remote: true }), null);
  assert.equal(on("images/1.png", { workspace: null, remote: true }), null, "local files have no server to fetch images from");
  assert.equal(on(null, { remote: true }), null);
  assert.equal(on("https://example.com/a.jpg", { shards: null, remote: true }), undefined, "waits until the shards are known");
  assert.equal(on("source/images/1.png", { shards: null }), "/api/workspaces/demo/image?path=source%2Fimages%2F1.png");
});

test("the view state survives a round trip through the URL; junk falls back to defaults", () => {
  const v = { ...DEFAULT_VIEW, workspace: "demo", t: 20000, seed: 7, overlays: false, q: "dog & cat", sort: "entry" as const, desc: false, entry: 12, keep: "dropped" as const, text: "red", page: 3, remote: true };
  assert.deepEqual(parseView(new URLSearchParams(viewQuery(v))), v);
  assert.equal(viewQuery(DEFAULT_VIEW), "");
  // a language code survives; one that is no code is kept as rejected (the page says so) through every rewrite of the URL
  assert.deepEqual(parseView(new URLSearchParams(viewQuery({ ...v, lang: "zh_yue" }))).lang, "zh_yue");
  const bad = parseView(new URLSearchParams("lang=../../x%E2%80%AE"));
  assert.deepEqual([bad.lang, bad.langRejected], [null, "../../x\u202e"]);
  assert.deepEqual(parseView(new URLSearchParams(viewQuery({ ...bad, q: "dog" }))).langRejected, "../../x\u202e");
  const junk = parseView(new URLSearchParams("t=-5&seed=99999999999&sort=evil&keep=x&page=-1&entry=1e3"));
  // a bad t is not replaced silently: its text is kept for the page to say (tests/thresholdText.test.ts)
  assert.deepEqual(junk.tRejected, { text: "-5", problem: 'must be at least 1 (t = 0 would keep no pair) (got "-5")' });
  assert.deepEqual({ ...junk, tRejected: null }, DEFAULT_VIEW);
});

test("above the browser's cap the server sends a cached md5(uid) sample of matches, in pool order", async (t) => {
  const dir = tempDir(t);
  const rows = Array.from({ length: 600 }, (_, i) => ({ uid: `row-${i}`, text: `a ${["red", "blue", "green"][i % 3]} dog number ${i}` }));
  await writeParquet(path.join(dir, "pool.parquet"), rows);
  writeFileSync(path.join(dir, "metadata.json"), JSON.stringify(["dog", "red", "blue", "green", "number"]));
  const ws = path.join(dir, "ws");
  assert.equal(cli("match", "--metadata", path.join(dir, "metadata.json"), "--pool", path.join(dir, "pool.parquet"), "--out", ws).code, 0);
  const manifest = await readManifest(ws);
  assert.equal(manifest.match.rows_matched, 600);

  const whole = await matchesForBrowser(ws, manifest, 600);
  assert.deepEqual(whole, { file: realpathSync(path.join(ws, "matches.parquet")), root: ws, totalRows: 600, sampleRows: 600 });

  const sample = await matchesForBrowser(ws, manifest, 100);
  assert.equal(sample.totalRows, 600);
  assert.equal(sample.sampleRows, 100);
  assert.notEqual(sample.file, path.join(ws, "matches.parquet"));
  const all = await readParquet(path.join(ws, "matches.parquet"));
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  const chosen = new Set([...all.map((r) => String(r.uid))].sort((a, b) => (md5(a) < md5(b) ? -1 : 1)).slice(0, 100));
  const got = (await readParquet(sample.file)).map((r) => String(r.uid));
  assert.deepEqual(got, all.map((r) => String(r.uid)).filter((u) => chosen.has(u)), "the md5-first rows, in their original order");
  const again = await matchesForBrowser(ws, manifest, 100);
  assert.equal(again.file, sample.file, "cached");
  t.after(() => rmSync(sample.file, { force: true }));
});

test("the counts the first figures are drawn from: the workspace's entry counts in id order, checked; a broken or escaping entry_counts.parquet is refused by name", async (t) => {
  const { countsForBrowser } = await import("../lib/workspace/countsForBrowser");
  const { tableFromIPC } = await import("apache-arrow");
  const root = tempDir(t);
  const pool = path.join(root, "pool.parquet"), metadata = path.join(root, "m.json");
  await writeParquet(pool, Array.from({ length: 50 }, (_, i) => ({ uid: createHash("md5").update(String(i)).digest("hex"), url: `u${i}`, text: i % 3 ? "a red dog" : "a blue cat" })));
  writeFileSync(metadata, JSON.stringify(["dog", "cat", "red", "blue", "zebra"]));
  const ws = path.join(root, "ws");
  assert.equal(cli("curate", "--metadata", metadata, "--pool", pool, "--out", ws, "--t", "5", "--progress", "none").code, 0);
  const real = realpathSync(ws);
  const served = await countsForBrowser(real);
  const counts = Array.from(tableFromIPC(served.ipc).getChild("count")!.toArray() as Float64Array);
  const rows = (await readParquet(path.join(ws, "entry_counts.parquet"))).sort((a, b) => Number(a.entry_id) - Number(b.entry_id));
  assert.deepEqual(counts, rows.map((r) => Number(r.count)));
  assert.deepEqual(counts, [33, 17, 33, 17, 0]);
  assert.equal(served.hasSource, "source" in rows[0]);
  // a damaged file, and a link out of the workspace
  const broken = path.join(root, "broken");
  mkdirSync(broken);
  writeFileSync(path.join(broken, "entry_counts.parquet"), "PAR1 not really PAR1");
  await assert.rejects(countsForBrowser(realpathSync(broken)), /entry_counts\.parquet is not a readable entry_counts file/);
  const escaping = path.join(root, "escaping");
  mkdirSync(escaping);
  symlinkSync(path.join(ws, "entry_counts.parquet"), path.join(escaping, "entry_counts.parquet"));
  await assert.rejects(countsForBrowser(realpathSync(escaping)), /entry_counts\.parquet does not exist/);
});
