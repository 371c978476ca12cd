// --tables-cache: a sharded job's match tasks build the matcher tables once and read them back after,
// for MetaCLIP's one list and for a worldwide folder of lists alike. What a shard writes must not depend
// on whether its tables were built or read; a damaged cache file is rebuilt, not trusted; another
// metadata never reads this one's tables.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { cli } from "./support/cli";
import { tempDir } from "./support/fixtures";
import { WORLDWIDE_LISTS, worldwideRows, writeWorldwideFiles } from "./support/worldwidePool";

const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
const fromCache = (out: string) => JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).match.automaton.from_cache as boolean;
const OUTPUTS = ["matches.parquet", "entry_counts.parquet"];

for (const kind of ["worldwide", "automaton"] as const) {
  test(`--tables-cache (${kind}): built by the first shard, read by the next, the same outputs as without it; a damaged file is rebuilt; other metadata is not served`, { timeout: 200_000 }, async (t) => {
    const dir = tempDir(t);
    const rows = worldwideRows(1500, 3);
    // two files: a shard each
    const { meta, pools } = await writeWorldwideFiles(dir, kind === "worldwide" ? rows : rows.map((r) => ({ ...r, lang: "en" })), 2);
    const metadata = kind === "worldwide" ? meta : path.join(meta, "en.json");
    const language = kind === "worldwide" ? ["--lang-col", "lang", "--lid-map", path.join(dir, "map.json")] : [];
    writeFileSync(path.join(dir, "map.json"), JSON.stringify(Object.fromEntries(Object.keys(WORLDWIDE_LISTS).map((c) => [c, c]))));
    const cache = path.join(dir, "cache");
    const match = (name: string, shard: string, ...extra: string[]) => {
      const out = path.join(dir, name);
      const r = cli("match", "--metadata", metadata, "--pool", ...pools, "--shard", shard, "--out", out, ...language, ...extra, "--progress", "none");
      assert.equal(r.code, 0, r.stderr);
      return out;
    };
    const plain = [match("plain0", "0/2"), match("plain1", "1/2")];
    const first = match("cached0", "0/2", "--tables-cache", cache);
    assert.equal(fromCache(first), false, "the first shard builds the tables");
    const files = readdirSync(cache);
    assert.equal(files.length, 1, files.join(", "));
    assert.match(files[0], new RegExp(`^${kind}-[0-9a-f]{32}-.*\\.bin$`));
    const second = match("cached1", "1/2", "--tables-cache", cache);
    assert.equal(fromCache(second), true, "the next shard reads them");
    for (const f of OUTPUTS) {
      assert.equal(sha(path.join(first, f)), sha(path.join(plain[0], f)), `shard 0 ${f}: built with the cache = without it`);
      assert.equal(sha(path.join(second, f)), sha(path.join(plain[1], f)), `shard 1 ${f}: read from the cache = built`);
    }

    // a flipped byte in the payload: the file fails its sha256, is rebuilt and rewritten
    const file = path.join(cache, files[0]);
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(file, bytes);
    const rebuilt = match("rebuilt1", "1/2", "--tables-cache", cache);
    assert.equal(fromCache(rebuilt), false, "a damaged cache file is not trusted");
    for (const f of OUTPUTS) assert.equal(sha(path.join(rebuilt, f)), sha(path.join(plain[1], f)), f);
    assert.equal(fromCache(match("again1", "1/2", "--tables-cache", cache)), true, "the rebuilt tables were stored again");

    // one entry more in a list: another hash, its own tables
    const list = kind === "worldwide" ? path.join(meta, "zh.json") : metadata;
    writeFileSync(list, JSON.stringify([...JSON.parse(readFileSync(list, "utf8")), "新しい"]));
    assert.equal(fromCache(match("other1", "1/2", "--tables-cache", cache)), false, "other metadata builds its own");
    assert.equal(readdirSync(cache).length, 2);
  });
}
