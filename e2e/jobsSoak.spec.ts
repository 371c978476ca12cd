// The job system under load, through a real `metacurate serve` and its HTTP API (no browser): 200 balance
// jobs from 4 concurrent clients while 2 clients poll the job list, a fifth of them cancelled, the
// server kill -9ed twice and restarted. Every job ends in the state it earned (succeeded with the
// single-process CLI's bytes, or cancelled with no output), none is taken up again (its runner never
// died), none is lost or doubled, nothing is written outside the data directory, and at no moment do
// more than slots + 2 metacurate processes run (the server, the queue runner, the tasks).
import { expect, test } from "@playwright/test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { REPO } from "./support/workspaces";

const PORT = 3290;
const BASE = `http://127.0.0.1:${PORT}`;
const SLOTS = 2;
const CLIENTS = 4;
const PER_CLIENT = 50;
const TS = [20, 40, 80, 160];
const BIN = path.join(REPO, "bin", "metacurate.mjs");
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
const FILES = ["curated.parquet", "subset.npy", "entry_counts.parquet", "matches.parquet"];

interface Job { id: string; state: string; out: string; resumes: number; tasks: { attempts: number; state: string }[] }

function cliOk(...args: string[]): void {
  const r = spawnSync(process.execPath, [BIN, ...args, "--progress", "none"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`metacurate ${args[0]}: ${r.stderr}`);
}

/** The pids of metacurate processes working on `data` (launched by bin/metacurate.mjs, not zombies). */
function metacurateProcesses(data: string): string[] {
  return spawnSync("ps", ["-eo", "pid=,stat=,args="], { encoding: "utf8" }).stdout.split("\n")
    .filter((l) => l.includes("metacurate.mjs") && l.includes(data) && !/^\s*\d+\s+Z/.test(l));
}

test("200 jobs from 4 clients, 2 polling, a fifth cancelled, the server kill -9ed twice: every job ends as it earned", async () => {
  test.setTimeout(900_000);
  const parent = mkdtempSync(path.join(os.tmpdir(), "mc-soak-"));
  const data = path.join(parent, "data");
  mkdirSync(path.join(data, "in"), { recursive: true });
  try {
    const con = await openDuckDB();
    await con.run(`COPY (SELECT md5(i::VARCHAR) AS uid, 'http://x/' || i AS url, 'a ' || (['red', 'blue', 'hot'])[1 + i % 3] || ' dog number ' || (i % 50) AS text FROM range(4000) t(i)) TO ${sqlString(path.join(data, "in", "pool.parquet"))} (FORMAT parquet)`);
    con.closeSync();
    writeFileSync(path.join(data, "in", "metadata.json"), JSON.stringify(["dog", "red", "blue", "hot dog", "number", ...Array.from({ length: 50 }, (_, i) => `number ${i}`)]));
    mkdirSync(path.join(parent, "refs"));
    cliOk("curate", "--metadata", path.join(data, "in", "metadata.json"), "--pool", path.join(data, "in", "pool.parquet"), "--out", path.join(data, "ws"), "--t", "1000");
    // the single-process CLI's outputs at each t: what every job at that t must hold, byte for byte
    const refs = new Map<number, Record<string, string>>();
    for (const t of TS) {
      const ref = path.join(parent, "refs", `t${t}`);
      cliOk("balance", "--in", path.join(data, "ws"), "--out", ref, "--t", String(t), "--seed", "0");
      refs.set(t, Object.fromEntries(FILES.map((f) => [f, sha(path.join(ref, f))])));
    }

    let server: ChildProcess | null = null;
    const start = async () => {
      server = spawn(process.execPath, [BIN, "serve", "--data-dir", data, "--port", String(PORT)], {
        detached: true, stdio: "ignore", env: { ...process.env, METACURATE_LOCAL_SLOTS: String(SLOTS) },
      });
      for (let i = 0; ; i++) {
        if (await fetch(`${BASE}/api/jobs`).then((r) => r.ok, () => false)) return;
        expect(i, "the server never answered").toBeLessThan(600);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const killServer = () => { try { process.kill(-server!.pid!, "SIGKILL"); } catch { /* gone */ } };
    await start();

    // processes, sampled all along
    let sampling = true;
    let most = 0;
    let worst: string[] = [];
    const sampler = (async () => {
      while (sampling) {
        const procs = metacurateProcesses(data);
        if (procs.length > most) { most = procs.length; worst = procs; }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    /** A request that outlives server restarts: retried while the server is down. */
    const request = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      for (;;) {
        try {
          const r = await fetch(`${BASE}${url}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
          return { status: r.status, json: await r.json() as Record<string, unknown> };
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // the server is down (killed): it comes back
        }
      }
    };

    let polling = true;
    let polls = 0;
    const poller = (async () => { while (polling) { await request("GET", "/api/jobs"); polls++; await new Promise((r) => setTimeout(r, 50)); } });
    const pollers = [poller(), poller()];

    const wanted = new Map<string, { t: number; cancel: boolean }>();
    const refusedTwice: string[] = [];
    const client = async (c: number) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const out = `c${c}-j${i}`;
        const t = TS[(c + i) % TS.length];
        const cancel = i % 5 === 2;
        wanted.set(out, { t, cancel });
        const r = await request("POST", "/api/jobs", { kind: "balance", in: "ws", out, t, seed: 0 });
        // a submission cut off by the kill may have been recorded: a retry is then refused (409) naming it
        if (r.status !== 202 && !(r.status === 409 && /already writing|already a workspace/.test(String(r.json.error)))) throw new Error(`${out}: ${r.status} ${JSON.stringify(r.json)}`);
        if (r.status === 409) refusedTwice.push(out);
        if (cancel) {
          const id = r.status === 202 ? String(r.json.id) : null;
          const target = id ?? ((await request("GET", "/api/jobs")).json.jobs as Job[]).find((j) => j.out === out)?.id;
          if (target) await request("POST", `/api/jobs/${target}/cancel`, {});
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    // the server dies twice while jobs pour in, and comes back
    const jobCount = async () => ((await request("GET", "/api/jobs")).json.jobs as Job[]).length;
    for (const after of [60, 130]) {
      for (let i = 0; (await jobCount()) < after; i++) {
        expect(i, "the jobs stopped coming").toBeLessThan(6000);
        await new Promise((r) => setTimeout(r, 50));
      }
      killServer();
      await start();
    }
    await Promise.all(clients);

    // every job ends
    let jobs: Job[] = [];
    for (let i = 0; ; i++) {
      jobs = (await request("GET", "/api/jobs")).json.jobs as Job[];
      if (jobs.length >= CLIENTS * PER_CLIENT && jobs.every((j) => j.state !== "queued" && j.state !== "running")) break;
      expect(i, `jobs still running: ${jobs.filter((j) => j.state === "running" || j.state === "queued").map((j) => j.out).join(" ")}`).toBeLessThan(6000);
      await new Promise((r) => setTimeout(r, 100));
    }
    polling = false;
    await Promise.all(pollers);
    sampling = false;
    await sampler;
    killServer();

    expect(polls).toBeGreaterThan(20);
    const byOut = new Map<string, Job[]>();
    for (const j of jobs) byOut.set(j.out, [...(byOut.get(j.out) ?? []), j]);
    for (const [out, { t, cancel }] of wanted) {
      const mine = byOut.get(out) ?? [];
      expect(mine.length, `${out}: one job, not lost nor doubled`).toBe(1);
      const [job] = mine;
      expect(job.resumes, `${out} was taken up again though its runner never died`).toBe(0);
      if (!cancel) expect(job.state, `${out}`).toBe("succeeded");
      else expect(["cancelled", "succeeded"], `${out}`).toContain(job.state); // a cancel may arrive after the end
      if (job.state === "succeeded") {
        expect(job.tasks[0].attempts, `${out} ran once`).toBe(1);
        const m = JSON.parse(readFileSync(path.join(data, out, "manifest.json"), "utf8"));
        expect(m.balance.t).toBe(t);
        for (const f of FILES) expect(sha(path.join(data, out, f)), `${out}/${f}`).toBe(refs.get(t)![f]);
      } else {
        expect(existsSync(path.join(data, out, "manifest.json")), `cancelled ${out} has no output`).toBe(false);
      }
      const left = existsSync(path.join(data, out)) ? readdirSync(path.join(data, out)) : [];
      expect(left.includes(".metacurate-lock"), `${out}: no lock left`).toBe(false);
      expect(left.filter((n) => n.startsWith(".metacurate-gen-")).length, `${out}: only the committed generation`).toBe(job.state === "succeeded" ? 1 : 0);
    }
    expect(jobs.filter((j) => j.state === "cancelled").length).toBeGreaterThan(0);
    expect(readdirSync(parent).sort(), "nothing written beside the data directory").toEqual(["data", "refs"]);
    expect(most, `at most slots + 2 metacurate processes; at the worst moment:\n${worst.join("\n")}`).toBeLessThanOrEqual(SLOTS + 2);
    console.log(`soak: ${jobs.length} jobs, ${jobs.filter((j) => j.state === "cancelled").length} cancelled, ${refusedTwice.length} resubmissions refused as already recorded, ${polls} polls, at most ${most} metacurate processes`);
  } finally {
    spawnSync("pkill", ["-9", "-f", data]);
    rmSync(parent, { recursive: true, force: true });
  }
});
