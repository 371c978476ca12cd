// Webdataset tar shards as an image source: the index finds each image by its sample's uid or url,
// in archives written by GNU tar (gnu and pax formats, long names) and by the demo's own writer.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { tarArchive } from "../lib/demo/tarWriter";
import { indexTar, splitKey, type ShardImage } from "../lib/workspace/tarIndex";
import { workspaceShards } from "../lib/workspace/shards";
import { tempDir } from "./support/fixtures";

async function bytesOf(img: ShardImage): Promise<Buffer> {
  const fh = await open(img.file, "r");
  try { const b = Buffer.alloc(img.size); await fh.read(b, 0, img.size, img.offset); return b; } finally { await fh.close(); }
}

const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(700 + n, n)]);
const longDir = "a-folder-name-that-is-long/" + "x".repeat(60) + "/" + "y".repeat(40);

function samples(dir: string) {
  mkdirSync(path.join(dir, longDir), { recursive: true });
  writeFileSync(path.join(dir, "000000001.jpg"), jpeg(1));
  writeFileSync(path.join(dir, "000000001.json"), JSON.stringify({ uid: "u1", url: "https://a.example/1.jpg", caption: "one" }));
  writeFileSync(path.join(dir, "000000001.txt"), "one");
  writeFileSync(path.join(dir, longDir, "000000002.webp"), jpeg(2));
  writeFileSync(path.join(dir, longDir, "000000002.json"), JSON.stringify({ url: "https://a.example/2.webp" }));
  writeFileSync(path.join(dir, "000000003.jpg"), jpeg(3)); // no json: unreachable, but counted
}

test("GNU tar archives (gnu and pax formats, long names) index by uid and url", async (t) => {
  const dir = tempDir(t);
  const src = path.join(dir, "src");
  samples(src);
  for (const format of ["gnu", "pax"]) {
    const tar = path.join(dir, `${format}.tar`);
    const r = spawnSync("tar", [`--format=${format}`, "-cf", tar, "-C", src, "."]);
    assert.equal(r.status, 0, String(r.stderr));
    const index = await indexTar(tar);
    assert.equal(index.images, 3, format);
    const one = index.byUid.get("u1")!;
    assert.equal(one.type, "image/jpeg");
    assert.deepEqual(await bytesOf(one), jpeg(1));
    assert.equal(index.byUrl.get("https://a.example/1.jpg"), one);
    const two = index.byUrl.get("https://a.example/2.webp")!;
    assert.equal(two.type, "image/webp");
    assert.deepEqual(await bytesOf(two), jpeg(2), `${format}: the long-named member`);
  }
});

test("the demo's writer makes archives GNU tar reads, and the index reads them", async (t) => {
  const dir = tempDir(t);
  const tar = path.join(dir, "00000.tar");
  writeFileSync(tar, tarArchive([{ name: "000000000.png", data: jpeg(4) }, { name: "000000000.json", data: Buffer.from('{"uid":"abc"}') }]));
  const list = spawnSync("tar", ["-tvf", tar], { encoding: "utf8" });
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /000000000\.png/);
  assert.deepEqual(await bytesOf((await indexTar(tar)).byUid.get("abc")!), jpeg(4));
  assert.deepEqual(tarArchive([{ name: "a.txt", data: Buffer.from("x") }]), tarArchive([{ name: "a.txt", data: Buffer.from("x") }]), "deterministic");
});

test("a workspace's shards are found in subfolders; a file that is not a tar is listed with its problem and skipped", async (t) => {
  const ws = tempDir(t);
  mkdirSync(path.join(ws, "source", "shards"), { recursive: true });
  writeFileSync(path.join(ws, "source", "shards", "00000.tar"), tarArchive([{ name: "k.png", data: jpeg(5) }, { name: "k.json", data: Buffer.from('{"uid":"u5","url":"https://a.example/5.png"}') }]));
  const set = await workspaceShards(ws);
  assert.deepEqual(set.shards, [{ path: path.join("source", "shards", "00000.tar"), images: 1 }]);
  assert.equal(set.images, 1);
  assert.deepEqual(await bytesOf(set.lookup("u5", null)!), jpeg(5));
  assert.deepEqual(await bytesOf(set.lookup("unknown", "https://a.example/5.png")!), jpeg(5), "falls back to the url");
  assert.equal(set.lookup("unknown", "https://a.example/6.png"), null);
  writeFileSync(path.join(ws, "broken.tar"), "this is not a tar archive".repeat(40));
  const after = await workspaceShards(ws);
  assert.deepEqual(after.shards.map((s) => s.path), ["broken.tar", path.join("source", "shards", "00000.tar")]);
  assert.match(after.shards[0].problem ?? "", /^broken\.tar is not a tar file/);
  assert.equal(after.shards[1].problem, undefined);
  assert.deepEqual(await bytesOf(after.lookup("u5", null)!), jpeg(5), "the good shard still serves");
  assert.deepEqual(splitKey("dir/000.a.b.JPG"), { key: "dir/000", ext: "a.b.jpg" });
});
