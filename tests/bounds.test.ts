// Values that were accepted and then failed at run time (or never ended) are refused by the one
// schema, with the limit in the message: --memory-limit above 1 TB, more than 256 shards, more than
// 10^8 samples seen. The CLI exits 2; a job spec gets a 400 naming the field, and no job is made.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { POST as submitRoute } from "../app/api/jobs/route";
import { curateOptions } from "../lib/options/commands";
import { parseOptions } from "../lib/options/validate";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

async function dataDir(t: { after: (fn: () => void) => void }): Promise<string> {
  const data = tempDir(t);
  mkdirSync(path.join(data, "in"));
  await writeParquet(path.join(data, "in", "pool.parquet"), Array.from({ length: 200 }, (_, i) => ({ uid: `u${i}`, url: `x/${i}.png`, text: `a red dog ${i}` })));
  writeFileSync(path.join(data, "in", "metadata.json"), JSON.stringify(["dog", "red"]));
  const saved = process.env.METACURATE_DATA_DIR;
  process.env.METACURATE_DATA_DIR = data;
  t.after(() => { if (saved === undefined) delete process.env.METACURATE_DATA_DIR; else process.env.METACURATE_DATA_DIR = saved; });
  return data;
}

const noJobs = (data: string) => !existsSync(path.join(data, ".jobs")) || readdirSync(path.join(data, ".jobs")).length === 0;

async function submit(spec: unknown): Promise<{ status: number; error: string }> {
  const r = await submitRoute(new Request("http://127.0.0.1/api/jobs", { method: "POST", body: JSON.stringify(spec), headers: { "content-type": "application/json" } }));
  return { status: r.status, error: ((await r.json()) as { error?: string }).error ?? "" };
}

const curate = { kind: "curate", metadata: "in/metadata.json", pool: ["in/pool.parquet"], t: 5, out: "ws" };

test("--memory-limit: at most 1024 GB (1 TB), named in the message; 1024 itself is accepted", async (t) => {
  const dir = tempDir(t);
  for (const given of ["1e308", "1025"]) {
    const r = cli("curate", "--metadata", path.join(dir, "m.json"), "--pool", path.join(dir, "p.parquet"), "--out", path.join(dir, "ws"), "--t", "5", "--memory-limit", given);
    assert.equal(r.code, 2, `${given}: ${r.stderr}`);
    assert.match(r.stderr, /--memory-limit: must be a number of GB from 0\.25 to 1024 \(1 TB\)/, given);
  }
  const { kind: _kind, ...flags } = curate;
  assert.doesNotThrow(() => parseOptions(curateOptions, { ...flags, "memory-limit": 1024 }));
  const data = await dataDir(t);
  const r = await submit({ ...curate, "memory-limit": 1e308 });
  assert.equal(r.status, 400);
  assert.match(r.error, /"memory-limit": must be a number of GB from 0\.25 to 1024 \(1 TB\) \(got 1e\+308\)/);
  assert.ok(noJobs(data), "no job was made");
});

test("shards: at most 256, in a curate job and in match --shard I/S", async (t) => {
  const data = await dataDir(t);
  const r = await submit({ ...curate, shards: 4096 });
  assert.equal(r.status, 400);
  assert.match(r.error, /"shards": must be a whole number of shards from 1 to 256 \(got 4096\)/);
  assert.ok(noJobs(data), "no job was made");
  // within the bound but more than this 200-row pool (one file, one row group) can be cut into: refused at submit, not at run time
  const many = await submit({ ...curate, shards: 8 });
  assert.equal(many.status, 400);
  assert.match(many.error, /"shards": the pool cannot be split into 8 shards: its 200 rows in 1 file\(s\) allow at most 1/);
  assert.ok(noJobs(data), "no job was made");
  const m = cli("match", "--metadata", path.join(data, "in/metadata.json"), "--pool", path.join(data, "in/pool.parquet"), "--shard", "0/4096", "--out", path.join(data, "s0"));
  assert.equal(m.code, 2, m.stderr);
  assert.match(m.stderr, /--shard: must be I\/S with S at most 256 shards/);
  assert.equal(existsSync(path.join(data, "s0")), false);
});

test("--samples-seen: at most 10^8 (hours of the tiny CLIP here), for the CLI and a train job", async (t) => {
  const dir = tempDir(t);
  const r = cli("train", "--workspace", path.join(dir, "ws"), "--out", path.join(dir, "run"), "--samples-seen", "1e15");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--samples-seen: must be a whole number of samples from 1 to 100000000/);
  await dataDir(t);
  const job = await submit({ kind: "train", workspace: "ws", out: "run", "samples-seen": 1e15 });
  assert.equal(job.status, 400);
  assert.match(job.error, /"samples-seen": must be a whole number of samples from 1 to 100000000/);
});
