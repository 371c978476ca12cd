// The real server (`metacurate serve`, next start) under hostile requests: the Host and Origin rules,
// the token when bound beyond loopback (the dashboard still works through the printed URL), and a
// workspace full of traps (symlinks out, lying and corrupt tar headers) that leaves it serving.
import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { tarArchive } from "../lib/demo/tarWriter";
import { lyingTar } from "../tests/support/tars";
import { E2E_DATA, FIXTURE, REPO } from "./support/workspaces";

const PORT = Number(process.env.E2E_PORT ?? 3210);

/** A raw HTTP request (node:http lets a test send any Host header, as a rebinding page's browser would). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

test("Host and Origin rules hold on every route of the loopback server", async () => {
  for (const route of ["/", "/distribution", "/api/workspaces", `/api/workspaces/${FIXTURE}/files/manifest.json`]) {
    expect((await raw(PORT, { path: route, headers: { Host: `127.0.0.1:${PORT}` } })).status, route).toBe(200);
    const rebound = await raw(PORT, { path: route, headers: { Host: `evil.example:${PORT}` } });
    expect(rebound.status, route).toBe(403);
    expect(rebound.body).toContain("does not answer to the host");
  }
  const json = { Host: `127.0.0.1:${PORT}`, "Content-Type": "application/json" };
  expect((await raw(PORT, { method: "POST", path: "/api/workspaces", headers: { ...json, Origin: "http://evil.example" }, body: "{}" })).status).toBe(403);
  expect((await raw(PORT, { method: "POST", path: "/api/workspaces", headers: { Host: `127.0.0.1:${PORT}`, "Content-Type": "text/plain" }, body: "{}" })).status).toBe(415);
  expect((await raw(PORT, { method: "POST", path: "/api/workspaces", headers: json, body: JSON.stringify({ pad: "x".repeat(2 ** 21) }) })).status).toBe(413);
});

test("a workspace of traps (symlinks out, lying and corrupt tar headers) is answered with 404s and the server keeps serving", async () => {
  const dir = path.join(E2E_DATA, "traps");
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(E2E_DATA, FIXTURE), dir, { recursive: true, verbatimSymlinks: true });
  rmSync(path.join(dir, "size_curve.parquet"));
  symlinkSync("/etc/passwd", path.join(dir, "size_curve.parquet"));
  const shards = path.join(dir, "shards");
  mkdirSync(shards);
  writeFileSync(path.join(shards, "00000.tar"), lyingTar(2 ** 31 + 1, Buffer.alloc(600, 1), "liar"));
  writeFileSync(path.join(shards, "00001.tar"), lyingTar(2 ** 30, Buffer.alloc(600, 1), "liar"));
  writeFileSync(path.join(shards, "00002.tar"), "not a tar".repeat(100));
  writeFileSync(path.join(shards, "00003.tar"), tarArchive([{ name: "g.png", data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) }, { name: "g.json", data: Buffer.from('{"uid":"good"}') }]));
  try {
    const host = { Host: `127.0.0.1:${PORT}` };
    const curve = await raw(PORT, { path: "/api/workspaces/traps/files/size_curve.parquet", headers: host });
    expect(curve.status).toBe(404);
    expect(curve.body).not.toContain("root:");
    for (let i = 0; i < 3; i++) expect((await raw(PORT, { path: "/api/workspaces/traps/image?uid=liar", headers: host })).status).toBe(404);
    const good = await raw(PORT, { path: "/api/workspaces/traps/image?uid=good", headers: host });
    expect(good.status).toBe(200);
    expect(good.headers["x-file-size"]).toBe("7");
    expect(good.body.length).toBe(7);
    const list = JSON.parse((await raw(PORT, { path: "/api/workspaces/traps/shards", headers: host })).body);
    expect(list.images).toBe(1);
    expect(list.shards.filter((s: { problem?: string }) => s.problem).length).toBe(3);
    expect(JSON.stringify(list)).not.toContain(REPO);
    expect((await raw(PORT, { path: "/api/workspaces", headers: host })).status, "still serving").toBe(200);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bound to 0.0.0.0 the server prints a token URL; without the token nothing is served, through it the dashboard works", async ({ page }) => {
  const port = PORT + 7;
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "serve", "--data-dir", E2E_DATA, "--host", "0.0.0.0", "--port", String(port)],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, METACURATE_TOKEN: "" } });
  try {
    let err = "";
    const url = await new Promise<string>((resolve, reject) => {
      const read = (d: Buffer) => { err += d; const m = /http:\/\/0\.0\.0\.0:\d+\/\?token=([\w-]+)/.exec(err); if (m && err.includes("Ready")) resolve(m[0]); };
      child.stdout!.on("data", read);
      child.stderr!.on("data", read);
      child.on("exit", () => reject(new Error(err)));
    });
    expect(err).toContain("warning: --host 0.0.0.0 makes the dashboard reachable from other machines");
    const token = new URL(url).searchParams.get("token")!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    const host = { Host: `127.0.0.1:${port}` };
    expect((await raw(port, { path: "/api/workspaces", headers: host })).status).toBe(401);
    expect((await raw(port, { path: "/", headers: { ...host, Cookie: "metacurate_token=guess" } })).status).toBe(401);
    expect((await raw(port, { path: "/api/workspaces", headers: { ...host, "X-Metacurate-Token": token } })).status).toBe(200);
    await page.goto(`http://127.0.0.1:${port}/distribution?workspace=${FIXTURE}&token=${token}`);
    await expect(page).toHaveURL(new RegExp(`/distribution\\?workspace=${FIXTURE}$`));
    await expect(page.getByTestId("stat-expected-size")).not.toBeEmpty({ timeout: 60_000 });
  } finally {
    child.kill("SIGTERM");
  }
});
