// The sharded steps by hand print what the single process prints: `merge`'s speed line gives the
// match's rows per second and time (its shards' summed), never "undefined".
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

test("merge prints a speed line with numbers: rows/s and the shards' match time in ms", async (t) => {
  const dir = tempDir(t);
  const pool = [0, 1].map((k) => path.join(dir, `part-${k}.parquet`));
  for (const [k, file] of pool.entries()) {
    await writeParquet(file, Array.from({ length: 400 }, (_, i) => ({ uid: `u${k}-${i}`, url: `x/${k}/${i}.png`, text: `a ${i % 2 ? "red" : "blue"} dog ${i}` })));
  }
  const metadata = path.join(dir, "metadata.json");
  writeFileSync(metadata, JSON.stringify(["dog", "red", "blue"]));
  const run = (...args: string[]) => { const r = cli(...args, "--progress", "none"); assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`); return r; };
  const shards = [0, 1].map((i) => path.join(dir, `s${i}`)), balanced = shards.map((s) => s + "b"), reduced = path.join(dir, "red");
  for (const i of [0, 1]) run("match", "--metadata", metadata, "--pool", ...pool, "--shard", `${i}/2`, "--out", shards[i]);
  run("reduce", "--shards", ...shards, "--out", reduced, "--t", "50");
  for (const i of [0, 1]) run("balance", "--in", shards[i], "--reduced", reduced, "--out", balanced[i]);
  const merged = run("merge", "--shards", ...balanced, "--reduced", reduced, "--out", path.join(dir, "ws"));
  assert.doesNotMatch(merged.stdout, /undefined|NaN/);
  assert.match(merged.stdout, /^speed +[\d,]+ rows\/s \(\d+ ms, \d+ workers\)$/m);
  const manifest = JSON.parse(readFileSync(path.join(dir, "ws", "manifest.json"), "utf8"));
  const shardMs = shards.map((s) => JSON.parse(readFileSync(path.join(s, "manifest.json"), "utf8")).match.timings_ms.total_ms as number);
  assert.equal(manifest.match.timings_ms.total_ms, shardMs[0] + shardMs[1]);
});
