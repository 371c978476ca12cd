// A worldwide pool curated in shards (by hand through match --shard / reduce / balance --reduced / merge,
// and as a sharded curate job on this machine) equals one `curate` of the pool byte for byte, each
// language's t, kept rows and expected size included.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { JobStore } from "../lib/jobs/store";
import { cli } from "./support/cli";
import { tempDir } from "./support/fixtures";
import { assertEqualsCurate, waitEnded } from "./support/sharded";
import { worldwideRows, writeWorldwideFiles } from "./support/worldwidePool";

const languagesOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")).balance.languages;

test("worldwide, by hand: 3 shards at a target size equal one curate", { timeout: 300_000 }, async (t) => {
  const dir = tempDir(t);
  const { meta, pools } = await writeWorldwideFiles(dir, worldwideRows(6000, 41, { labels: true, nulls: true }), 3);
  const map = path.join(dir, "map.json");
  writeFileSync(map, JSON.stringify(Object.fromEntries(["de", "en", "ja", "th", "zh"].flatMap((c) => [[c, c], [`__label__${c}`, c]]))));
  const lang = ["--lang-col", "lang", "--lid-map", map];
  const target = ["--target-size", "900", "--seed", "5"];
  const run = (...args: string[]) => { const r = cli(...args, "--progress", "none"); assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`); return r; };
  const ref = path.join(dir, "ref");
  run("curate", "--metadata", meta, "--pool", ...pools, "--out", ref, ...lang, ...target);
  const shards = [0, 1, 2].map((i) => path.join(dir, `s${i}`));
  shards.forEach((s, i) => run("match", "--metadata", meta, "--pool", ...pools, "--shard", `${i}/3`, "--out", s, ...lang));
  run("reduce", "--shards", ...shards, "--out", path.join(dir, "red"), ...target);
  shards.forEach((s) => run("balance", "--in", s, "--reduced", path.join(dir, "red"), "--out", s + "b"));
  run("merge", "--shards", ...shards.map((s) => s + "b"), "--reduced", path.join(dir, "red"), "--out", path.join(dir, "merged"));
  await assertEqualsCurate(ref, path.join(dir, "merged"));
  assert.deepEqual(languagesOf(path.join(dir, "merged")), languagesOf(ref));
  const m = JSON.parse(readFileSync(path.join(dir, "merged", "manifest.json"), "utf8")).match;
  const r = JSON.parse(readFileSync(path.join(ref, "manifest.json"), "utf8")).match;
  assert.deepEqual(m.languages, r.languages);
  assert.deepEqual(m.language_source, r.language_source);

  // shards whose languages came another way, or a shard of another cut, are refused by name
  const other = path.join(dir, "other1");
  run("match", "--metadata", meta, "--pool", ...pools, "--shard", "1/3", "--out", other, "--lid", "fasttext", "--lid-map", map);
  const mixed = cli("reduce", "--shards", shards[0], other, shards[2], "--out", path.join(dir, "x"), "--t", "20");
  assert.equal(mixed.code, 3);
  assert.match(mixed.stderr, /other1 took its captions' languages otherwise than .*s0 \(fasttext\.wasm .* mapped by [0-9a-f]+ against column "lang" mapped by [0-9a-f]+\): match every shard the same way/);
  const wrongCut = path.join(dir, "half1");
  run("match", "--metadata", meta, "--pool", ...pools, "--shard", "1/2", "--out", wrongCut, ...lang);
  const b = cli("balance", "--in", wrongCut, "--reduced", path.join(dir, "red"), "--out", path.join(dir, "y"));
  assert.equal(b.code, 3);
  assert.match(b.stderr, /half1 \(pool rows \d+–\d+\) is not one of the shards .*red was reduced from/);
});

test("worldwide: a 2-shard curate job (lang-col and lid-map as spec fields) equals one curate", { timeout: 300_000 }, async (t) => {
  const data = tempDir(t);
  const { meta, pools } = await writeWorldwideFiles(data, worldwideRows(4000, 42, { labels: true }), 2);
  writeFileSync(path.join(data, "map.json"), JSON.stringify(Object.fromEntries(["de", "en", "ja", "th", "zh"].flatMap((c) => [[c, c], [`__label__${c}`, c]]))));
  const ref = path.join(tempDir(t), "ref");
  const r = cli("curate", "--metadata", meta, "--pool", ...pools, "--lang-col", "lang", "--lid-map", path.join(data, "map.json"), "--out", ref, "--t", "30", "--seed", "2", "--progress", "none");
  assert.equal(r.code, 0, r.stderr);
  const spec = { kind: "curate", metadata: "meta", pool: pools.map((p) => path.basename(p)), "lang-col": "lang", "lid-map": "map.json", t: 30, seed: 2, shards: 2, out: "ws" };
  writeFileSync(path.join(data, "spec.json"), JSON.stringify(spec));
  const submitted = cli("job", "submit", "--data-dir", data, "--spec", path.join(data, "spec.json"));
  assert.equal(submitted.code, 0, submitted.stderr);
  const done = await waitEnded(new JobStore(data), submitted.stdout.trim());
  assert.equal(done.state, "succeeded", done.error ?? "");
  await assertEqualsCurate(ref, path.join(data, "ws"));
  assert.deepEqual(languagesOf(path.join(data, "ws")), languagesOf(ref));
});
