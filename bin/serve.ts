/** `metacurate serve`: the built dashboard (next start) on a folder of workspaces; builds it first if needed. */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, UsageError } from "../lib/errors";
import { isLoopback } from "../lib/server/requestGuard";

const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** How long `next start` may take to finish its requests once told to stop. */
const STOP_GRACE_MS = 3000;

export async function serve(opts: { dataDir: string; port: number; host: string; rebuild: boolean; poolsDirs?: string[] }): Promise<void> {
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new UsageError(`--port must be an integer from 1 to 65535 (got ${opts.port})`);
  const dataDir = path.resolve(opts.dataDir);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) throw new InputError(`--data-dir ${dataDir} is not a folder`);
  // beyond loopback every request needs a token (from METACURATE_TOKEN, or made now), as Jupyter does
  const exposed = !isLoopback(opts.host);
  const token = exposed ? (process.env.METACURATE_TOKEN || randomBytes(24).toString("base64url")) : "";
  const poolsDirs = (opts.poolsDirs ?? []).map((d) => path.resolve(d));
  for (const d of poolsDirs) if (!existsSync(d) || !statSync(d).isDirectory()) throw new InputError(`--pools-dir ${d} is not a folder`);
  const env = {
    ...process.env, NEXT_TELEMETRY_DISABLED: "1", METACURATE_DATA_DIR: dataDir, METACURATE_BIND_HOST: opts.host, METACURATE_TOKEN: token,
    // jobs started by the server run this launcher, and may read inputs from these folders besides the data directory
    METACURATE_LAUNCHER: path.join(APP_ROOT, "bin", "metacurate.mjs"), METACURATE_POOLS_DIRS: poolsDirs.join(path.delimiter),
    // the dashboard's server ends with this process (instrumentation.ts), however this one ends
    METACURATE_SERVE_PID: String(process.pid),
  };
  const next = path.join(APP_ROOT, "node_modules", "next", "dist", "bin", "next");
  // the build folder: .next, or the tests' own (METACURATE_NEXT_DIR; next.config.ts reads the same variable)
  if (opts.rebuild || !existsSync(path.join(APP_ROOT, process.env.METACURATE_NEXT_DIR || ".next", "BUILD_ID"))) {
    process.stderr.write("building the dashboard (next build)…\n");
    const copy = spawnSync(process.execPath, [path.join(APP_ROOT, "scripts", "copy-assets.mjs")], { cwd: APP_ROOT, env, stdio: "inherit" });
    const build = copy.status === 0 ? spawnSync(process.execPath, [next, "build"], { cwd: APP_ROOT, env, stdio: "inherit" }) : copy;
    if (build.status !== 0) throw new Error("next build failed");
  }
  const shownHost = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  if (exposed) {
    process.stderr.write(`warning: --host ${opts.host} makes the dashboard reachable from other machines; every request needs the token below\n`);
    process.stderr.write(`metacurate dashboard on http://${shownHost}:${opts.port}/?token=${token} (workspaces in ${dataDir})\n`);
  } else {
    process.stderr.write(`metacurate dashboard on http://${shownHost}:${opts.port} (workspaces in ${dataDir})\n`);
  }
  await checkPortFree(opts.port, opts.host);
  const child = spawn(process.execPath, [next, "start", "-p", String(opts.port), "-H", opts.host], { cwd: APP_ROOT, env, stdio: "inherit" });
  let stopping = false;
  // next start stops gracefully: it waits for every request in flight, so one that never ends (an open
  // event stream, a read stuck on a dead disk) would keep it up forever. It gets STOP_GRACE_MS, then is
  // killed; a second Ctrl-C kills it at once.
  const stop = (sig: "SIGINT" | "SIGTERM") => {
    if (stopping) { child.kill("SIGKILL"); return; }
    stopping = true;
    child.kill(sig);
    setTimeout(() => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.stderr.write(`the dashboard did not stop within ${STOP_GRACE_MS / 1000} s of ${sig} (a request still in flight): killed\n`);
      child.kill("SIGKILL");
    }, STOP_GRACE_MS).unref();
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => stop(sig));
  // stopped by a signal (Ctrl-C, kill): next exits 130/143 then, which is not a failure
  await new Promise<void>((resolve, reject) => child.on("exit", (code, signal) => (code === 0 || signal || stopping ? resolve() : reject(new Error(`next start exited with ${code}`)))));
}

/** A port something else listens on is said plainly (next start would only exit 1). */
async function checkPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (e: NodeJS.ErrnoException) => reject(e.code === "EADDRINUSE"
      ? new UsageError(`--port ${port}: something already listens on ${host}:${port} (another metacurate serve?); stop it or choose another --port`)
      : e));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
