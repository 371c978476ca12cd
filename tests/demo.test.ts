// The main job's demo workspace: Fashion-MNIST images with generated alt-text, curated at p = 0.06.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { SURFACE_FORMS } from "../lib/demo/captions";
import { FASHION_MNIST_DIR } from "../lib/demo/fashionMnist";
import { cli } from "./support/cli";
import { readParquet, tempDir } from "./support/fixtures";

const SKIP = existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} missing (apt-get install dataset-fashion-mnist)`;

test("metacurate demo builds a long-tailed Fashion-MNIST pool, matches WordNet + synonym metadata and balances", { skip: SKIP }, async (t) => {
  const out = path.join(tempDir(t), "demo");
  const r = cli("demo", "--out", out, "--rows", "3000");
  assert.equal(r.code, 0, r.stderr);
  for (const f of ["matches.parquet", "entry_counts.parquet", "size_curve.parquet", "preview.parquet", "curated.parquet", "subset.npy", "manifest.json"]) {
    assert.ok(existsSync(path.join(out, f)), f);
  }
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.ok(Math.abs(m.match.rows_read - 3000) <= 10);
  assert.equal(m.balance.p_requested, 0.06);
  assert.ok(m.balance.rows_kept < m.match.rows_matched);

  const pool = await readParquet(path.join(out, "source", "pool.parquet"));
  const perClass = new Array(10).fill(0);
  for (const row of pool) perClass[row.label as number]++;
  perClass.sort((a, b) => b - a);
  assert.ok(perClass[0] > 20 * perClass[9], `long-tailed classes: ${perClass}`);
  const forms = SURFACE_FORMS.flat();
  const naming = pool.filter((row) => forms.some((f) => ` ${row.text} `.includes(` ${f} `))).length;
  assert.ok(Math.abs(naming / pool.length - 0.7) < 0.05, `about 30% noise captions (${naming} of ${pool.length} name a class)`);
  for (const row of pool.slice(0, 50)) {
    const png = readFileSync(path.join(out, row.url as string));
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
  }
  const sources = new Set((await readParquet(path.join(out, "entry_counts.parquet"))).map((x) => x.source));
  assert.deepEqual([...sources].sort(), ["synonyms", "wordnet"]);

  // a second run reuses the generated pool and gives the same curated set
  const before = readFileSync(path.join(out, "curated.parquet"));
  assert.equal(cli("demo", "--out", out, "--rows", "3000").code, 0);
  assert.deepEqual(readFileSync(path.join(out, "curated.parquet")), before);
});
