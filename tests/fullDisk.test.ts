// A full disk, on a real small filesystem (a tmpfs; the tests say so and skip when it cannot be
// mounted): `curate` at 0 bytes and at ~300 KB free exits 4 saying the disk is full and where, leaves
// no lock (nor a half-written one), and runs once space is freed; an unreadable lock left by a dead
// writer is taken over (and a dead run's lock temp file removed); the API answers 507.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { POST as submitRoute } from "../app/api/jobs/route";
import { cli } from "./support/cli";
import { REPO, tempDir, writeParquet } from "./support/fixtures";
import { fillDisk, freeBytes, mountSmallDisk } from "./support/smallDisk";

/** A pool of `rows` captions that all match; 20,000 rows make about 1 MB of outputs. */
async function inputs(dir: string, rows: number): Promise<{ metadata: string; pool: string }> {
  const pool = path.join(dir, "pool.parquet"), metadata = path.join(dir, "metadata.json");
  await writeParquet(pool, Array.from({ length: rows }, (_, i) => ({
    uid: createHash("md5").update(`row${i}`).digest("hex"),
    url: `https://img.example/${i}.jpg`,
    text: `a ${i % 3 ? "red" : "blue"} dog number ${i} photo`,
  })));
  writeFileSync(metadata, JSON.stringify(["dog", "red", "blue", "photo"]));
  return { metadata, pool };
}

/** Every metacurate lock, lock temp file or generation left under `dir`. */
function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((n) => /\.metacurate-(lock|gen-)/.test(path.basename(n)));
}

function assertDiskFull(r: { code: number; stderr: string }, out: string): void {
  assert.equal(r.code, 4, `exit code 4 (output not writable), got ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /the disk is full/);
  assert.ok(r.stderr.includes(out), `the message names where: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|keeps changing/);
}

test("curate at 0 bytes free: exit 4 naming the full disk, no lock left, and the next run works once space is freed", async (t) => {
  const disk = mountSmallDisk(t, 2048);
  if (!disk) return;
  const { metadata, pool } = await inputs(tempDir(t), 3000);
  const out = path.join(disk, "ws");
  const filler = fillDisk(disk, 0);
  assert.equal(freeBytes(disk), 0);
  assertDiskFull(cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100"), out);
  assert.deepEqual(leftovers(disk), [], "no lock (empty or not), lock temp file or generation is left");
  assertDiskFull(cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100"), out);
  rmSync(filler);
  const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(path.join(out, "curated.parquet")));
  assert.deepEqual(leftovers(disk).filter((n) => !n.includes(".metacurate-gen-")), []);
});

test("curate with ~300 KB free (less than its outputs): exit 4 naming the full disk, nothing half-written left", async (t) => {
  const disk = mountSmallDisk(t, 4096);
  if (!disk) return;
  const { metadata, pool } = await inputs(tempDir(t), 20_000);
  const out = path.join(disk, "ws");
  const filler = fillDisk(disk, 300 * 1024);
  assert.ok(freeBytes(disk) > 250 * 1024 && freeBytes(disk) <= 300 * 1024, `${freeBytes(disk)} bytes free`);
  assertDiskFull(cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100"), out);
  assert.deepEqual(leftovers(disk), [], "no lock, lock temp file or staged generation is left");
  rmSync(filler);
  const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "100");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(path.join(out, "subset.npy")));
});

test("an unreadable lock (empty, half-written) left by a dead writer is taken over, and a dead run's lock temp file removed", async (t) => {
  const dir = tempDir(t);
  const { metadata, pool } = await inputs(dir, 500);
  const longAgo = new Date(Date.now() - 60_000);
  const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
  const deadTemp = `.metacurate-lock.tmp-${deadPid}-0badf00d-${os.hostname()}`;
  for (const [name, content] of [["empty", ""], ["half", '{"pid": 12'], ["garbage", "\u0000\u0000junk"]]) {
    const out = path.join(dir, name);
    mkdirSync(out);
    writeFileSync(path.join(out, ".metacurate-lock"), content);
    writeFileSync(path.join(out, deadTemp), '{"pid": 1');
    utimesSync(path.join(out, ".metacurate-lock"), longAgo, longAgo);
    const r = cli("curate", "--metadata", metadata, "--pool", pool, "--out", out, "--t", "50");
    assert.equal(r.code, 0, `${name} lock: ${r.stderr}`);
    assert.ok(existsSync(path.join(out, "manifest.json")), name);
    assert.deepEqual(readdirSync(out).filter((n) => n.startsWith(".metacurate-lock")), [], `${name}: the lock is released`);
  }
});

test("a job submitted on a full disk: 507 from the API, exit 4 from job submit, with the reason, no server path, and no job folder left", async (t) => {
  const disk = mountSmallDisk(t, 2048);
  if (!disk) return;
  const { metadata, pool } = await inputs(tempDir(t), 500);
  assert.equal(cli("curate", "--metadata", metadata, "--pool", pool, "--out", path.join(disk, "ws"), "--t", "50").code, 0);
  const saved = { data: process.env.METACURATE_DATA_DIR, launcher: process.env.METACURATE_LAUNCHER };
  process.env.METACURATE_DATA_DIR = disk;
  process.env.METACURATE_LAUNCHER = path.join(REPO, "bin/metacurate.mjs");
  t.after(() => {
    for (const [k, v] of [["METACURATE_DATA_DIR", saved.data], ["METACURATE_LAUNCHER", saved.launcher]] as const) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });
  fillDisk(disk, 0);
  const r = await submitRoute(new Request("http://127.0.0.1/api/jobs", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "balance", in: "ws", t: 20, out: "ws-t20" }),
  }));
  const body = await r.text();
  assert.equal(r.status, 507, body);
  assert.match(body, /the disk is full/);
  assert.ok(!body.includes(disk), `no server path in ${body}`);
  const spec = path.join(tempDir(t), "spec.json");
  writeFileSync(spec, JSON.stringify({ kind: "balance", in: "ws", t: 20, out: "ws-t21" }));
  const c = cli("job", "submit", "--data-dir", disk, "--spec", spec);
  assert.equal(c.code, 4, c.stderr);
  assert.match(c.stderr, /the disk is full/);
  // the submission that failed left nothing: no job folder, no half-made one
  const jobs = existsSync(path.join(disk, ".jobs")) ? readdirSync(path.join(disk, ".jobs")) : [];
  assert.deepEqual(jobs.filter((n) => /^\d{8}-/.test(n) || n.startsWith(".new-")), [], `left in .jobs: ${jobs.join(" ")}`);
});
