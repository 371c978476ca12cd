// The dashboard server's workspace access: names and paths a request cannot abuse; the view state URL codec.
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DEFAULT_VIEW, parseView, viewQuery } from "../lib/browser/viewState";
import { imageSource, type ImageOptions } from "../lib/browser/pairs";
import { resolveInside, workspaceDir } from "../lib/workspace/serve";
import { tempDir } from "./support/fixtures";

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
  const junk = parseView(new URLSearchParams("t=-5&seed=99999999999&sort=evil&keep=x&page=-1&entry=1e3"));
  assert.deepEqual(junk, DEFAULT_VIEW);
});
