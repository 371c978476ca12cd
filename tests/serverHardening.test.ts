// The dashboard server's routes against a hostile data directory, called as the server calls them:
// symlinks out of the data dir on every route, tar shards whose headers lie or are corrupt (the
// process stays up, memory stays bounded, good shards still serve), concurrent cold loads of a
// > 1M-row workspace's matches (one build, every response 200, whole and identical), error bodies
// without server paths, 400 for bad parameters.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { GET as getArtifact } from "../app/api/workspaces/[name]/files/[artifact]/route";
import { GET as getImage } from "../app/api/workspaces/[name]/image/route";
import { GET as getShards } from "../app/api/workspaces/[name]/shards/route";
import { GET as listRoute } from "../app/api/workspaces/route";
import { tarArchive } from "../lib/demo/tarWriter";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";
import { lyingTar } from "./support/tars";

const png = (n: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(300 + n, n)]);

function withDataDir(dir: string): () => void {
  const saved = { data: process.env.METACURATE_DATA_DIR, cache: process.env.METACURATE_SAMPLE_CACHE };
  process.env.METACURATE_DATA_DIR = dir;
  process.env.METACURATE_SAMPLE_CACHE = path.join(path.dirname(dir), "sample-cache");
  return () => {
    if (saved.data === undefined) delete process.env.METACURATE_DATA_DIR; else process.env.METACURATE_DATA_DIR = saved.data;
    if (saved.cache === undefined) delete process.env.METACURATE_SAMPLE_CACHE; else process.env.METACURATE_SAMPLE_CACHE = saved.cache;
  };
}

const req = (url: string) => new Request(`http://127.0.0.1:3000${url}`);
const artifact = (name: string, a: string) => getArtifact(req(`/api/workspaces/${name}/files/${a}`), { params: Promise.resolve({ name, artifact: a }) });
const image = (name: string, query: string) => getImage(req(`/api/workspaces/${name}/image?${query}`), { params: Promise.resolve({ name }) });
const shards = (name: string) => getShards(req(`/api/workspaces/${name}/shards`), { params: Promise.resolve({ name }) });

async function errorOf(r: Response, status: number, root: string): Promise<string> {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}`);
  const body = await r.text();
  assert.ok(!body.includes(root) && !body.includes("/tmp") && !/\/(etc|home|root|work)\//.test(body), `a server path in: ${body}`);
  assert.ok(!/\bat .*\(.*:\d+:\d+\)/.test(body), `a stack trace in: ${body}`);
  return (JSON.parse(body) as { error: string }).error;
}

/** A small curated workspace with images and tar shards. */
async function workspace(dir: string): Promise<void> {
  const src = path.join(dir, "src");
  mkdirSync(src, { recursive: true });
  const rows = Array.from({ length: 50 }, (_, i) => ({ uid: `u${i}`, url: `images/${i}.png`, text: `a ${i % 2 ? "red" : "blue"} dog` }));
  await writeParquet(path.join(src, "pool.parquet"), rows);
  writeFileSync(path.join(src, "metadata.json"), JSON.stringify(["dog", "red", "blue"]));
  assert.equal(cli("curate", "--metadata", path.join(src, "metadata.json"), "--pool", path.join(src, "pool.parquet"), "--out", dir, "--t", "10").code, 0);
  mkdirSync(path.join(dir, "images"));
  for (let i = 0; i < 3; i++) writeFileSync(path.join(dir, "images", `${i}.png`), png(i));
}

test("no route serves anything outside the data directory, however symlinks point", async (t) => {
  const root = tempDir(t);
  const data = path.join(root, "data"), outside = path.join(root, "outside");
  mkdirSync(data);
  await workspace(path.join(data, "ws"));
  await workspace(path.join(outside, "secretws"));
  writeFileSync(path.join(outside, "secret.png"), "SECRET");
  writeFileSync(path.join(outside, "secret.tar"), tarArchive([{ name: "s.png", data: Buffer.from("SECRET") }, { name: "s.json", data: Buffer.from('{"uid":"s1"}') }]));
  // a workspace folder that is a symlink out of the data dir
  symlinkSync(path.join(outside, "secretws"), path.join(data, "linked"));
  // a workspace whose artifacts and images are symlinks out
  const bad = path.join(data, "bad");
  cpSync(path.join(data, "ws"), bad, { recursive: true, verbatimSymlinks: true });
  unlinkSync(path.join(bad, "size_curve.parquet"));
  symlinkSync("/etc/passwd", path.join(bad, "size_curve.parquet"));
  unlinkSync(path.join(bad, "preview.parquet"));
  symlinkSync(path.join(outside, "secretws", "preview.parquet"), path.join(bad, "preview.parquet"));
  symlinkSync(path.join(outside, "secret.png"), path.join(bad, "images", "link.png"));
  symlinkSync(outside, path.join(bad, "images", "out"));
  mkdirSync(path.join(bad, "shards"));
  symlinkSync(path.join(outside, "secret.tar"), path.join(bad, "shards", "00000.tar"));
  symlinkSync(outside, path.join(bad, "shards", "dir"));
  // a workspace whose current generation is a symlink out
  const gen = path.join(data, "gen");
  cpSync(path.join(data, "ws"), gen, { recursive: true, verbatimSymlinks: true });
  unlinkSync(path.join(gen, ".metacurate-current"));
  const outsideGen = (await import("node:fs")).readlinkSync(path.join(outside, "secretws", ".metacurate-current"));
  symlinkSync(path.join(outside, "secretws", outsideGen), path.join(gen, ".metacurate-current"));
  const restore = withDataDir(data);
  t.after(restore);

  const list = await (await listRoute()).json() as { dataDir: string; workspaces: { name: string }[] };
  assert.deepEqual(list.workspaces.map((w) => w.name), ["bad", "ws"], "the symlinked and the escaping workspaces are not listed");
  assert.equal(list.dataDir, "data", "the data dir by its name, not its path");

  for (const a of ["manifest.json", "entry_counts.parquet", "matches.parquet", "preview.parquet", "size_curve.parquet"]) {
    await errorOf(await artifact("linked", a), 404, root);
    await errorOf(await artifact("gen", a), 404, root);
  }
  for (const a of ["size_curve.parquet", "preview.parquet"]) {
    const r = await artifact("bad", a);
    const msg = await errorOf(r, 404, root);
    assert.match(msg, new RegExp(`${a.replace(".", "\\.")} of workspace "bad" does not exist`));
  }
  assert.equal((await artifact("bad", "entry_counts.parquet")).status, 200, "its own files still serve");
  await errorOf(await image("bad", "path=images/link.png"), 404, root);
  await errorOf(await image("bad", "path=images/out/secret.png"), 404, root);
  await errorOf(await image("linked", "path=images/0.png"), 404, root);
  await errorOf(await image("bad", "uid=s1"), 404, root);
  const shardList = await (await shards("bad")).json() as { shards: unknown[] };
  assert.deepEqual(shardList.shards, [], "symlinked shards and folders are not followed");
  await errorOf(await shards("linked"), 404, root);
  const ok = await image("ws", "path=images/1.png");
  assert.equal(ok.status, 200);
  assert.deepEqual(Buffer.from(await ok.arrayBuffer()), png(1));
});

test("bad parameters get 400 naming the problem; what does not exist gets 404", async (t) => {
  const root = tempDir(t);
  const data = path.join(root, "data");
  mkdirSync(data);
  await workspace(path.join(data, "ws"));
  t.after(withDataDir(data));
  for (const name of ["..", ".hidden", "a b", "x".repeat(200)]) assert.match(await errorOf(await artifact(name, "manifest.json"), 400, root), /is not a workspace name/);
  assert.match(await errorOf(await artifact("nope", "manifest.json"), 404, root), /no workspace "nope"/);
  assert.match(await errorOf(await artifact("ws", "secrets.txt"), 404, root), /is not a workspace artifact/);
  assert.match(await errorOf(await image("ws", "path=../../secret.png"), 400, root), /leaves the workspace/);
  assert.match(await errorOf(await image("ws", "path=/etc/x.png"), 400, root), /is not a path inside the workspace/);
  assert.match(await errorOf(await image("ws", "path=images/0.txt"), 400, root), /is not an image/);
  assert.match(await errorOf(await image("ws", ""), 400, root), /is not an image/);
  assert.match(await errorOf(await image("ws", "path=images/9.png"), 404, root), /does not exist/);
  assert.match(await errorOf(await image("ws", "uid=nobody"), 404, root), /no image for uid nobody/);
});

test("tar shards whose headers lie (1 GiB, >= 2 GiB) or are corrupt are skipped and named; the good ones serve, streamed", async (t) => {
  const root = tempDir(t);
  const data = path.join(root, "data"), ws = path.join(data, "ws");
  mkdirSync(data);
  await workspace(ws);
  const dir = path.join(ws, "shards");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "00000.tar"), tarArchive([{ name: "a.png", data: png(1) }, { name: "a.json", data: Buffer.from('{"uid":"good1","url":"http://x/1"}') }]));
  writeFileSync(path.join(dir, "00001.tar"), lyingTar(2 ** 31 + 5, png(7), "liar"));
  writeFileSync(path.join(dir, "00002.tar"), lyingTar(2 ** 30, png(7), "liar"));
  writeFileSync(path.join(dir, "00003.tar"), Buffer.concat([Buffer.from("garbage that is no tar header"), Buffer.alloc(2000, 7)]));
  writeFileSync(path.join(dir, "00004.tar"), tarArchive([{ name: "b.png", data: png(2) }, { name: "b.json", data: Buffer.from('{"uid":"good2"}') }]));
  t.after(withDataDir(data));
  const rssBefore = process.memoryUsage().rss;
  const list = await (await shards("ws")).json() as { shards: { path: string; images: number; problem?: string }[]; images: number };
  assert.equal(list.images, 2);
  assert.deepEqual(list.shards.map((s) => [s.path, s.images, s.problem === undefined]), [
    ["shards/00000.tar", 1, true], ["shards/00001.tar", 0, false], ["shards/00002.tar", 0, false], ["shards/00003.tar", 0, false], ["shards/00004.tar", 1, true]]);
  assert.match(list.shards[1].problem!, /^shards\/00001\.tar: the member at byte 0 claims 2147483653 bytes, past the end of the file/);
  assert.match(list.shards[2].problem!, /claims 1073741824 bytes/);
  assert.match(list.shards[3].problem!, /is not a tar file/);
  for (const [uid, want] of [["good1", png(1)], ["good2", png(2)]] as const) {
    const r = await image("ws", `uid=${uid}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-file-size"), String(want.length));
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), want);
  }
  await errorOf(await image("ws", "uid=liar"), 404, root);
  assert.ok(process.memoryUsage().rss - rssBefore < 256 * 2 ** 20, "no allocation of the claimed size");
});

test("20 concurrent cold loads of a > 1M-row workspace's matches: one build, all 200, whole and byte-identical", async (t) => {
  const root = tempDir(t);
  const data = path.join(root, "data"), ws = path.join(data, "big");
  mkdirSync(data);
  const pool = path.join(root, "pool.parquet"), metadata = path.join(root, "metadata.json");
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT md5(i::VARCHAR) AS uid, 'http://x/' || i AS url, 'a dog number ' || (i % 1000) AS text FROM range(1100000) t(i)) TO ${sqlString(pool)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  writeFileSync(metadata, JSON.stringify(["dog", "number", "a dog"]));
  const r = cli("match", "--metadata", metadata, "--pool", pool, "--out", ws);
  assert.equal(r.code, 0, r.stderr);
  t.after(withDataDir(data));
  const responses = await Promise.all(Array.from({ length: 20 }, () => artifact("big", "matches.parquet")));
  const bodies = await Promise.all(responses.map(async (res) => ({ status: res.status, length: res.headers.get("x-file-size"), sample: res.headers.get("x-sample-rows"), body: Buffer.from(await res.arrayBuffer()) })));
  const cache = path.join(root, "sample-cache");
  const files = (await import("node:fs")).readdirSync(cache);
  assert.equal(files.length, 1, `one sample file, no temporary ones left: ${files.join(", ")}`);
  const whole = readFileSync(path.join(cache, files[0]));
  for (const b of bodies) {
    assert.equal(b.status, 200);
    assert.equal(b.sample, "1000000");
    assert.equal(b.length, String(whole.length));
    assert.ok(b.body.equals(whole), "byte-identical to the sample file");
  }
  rmSync(cache, { recursive: true, force: true });
});
