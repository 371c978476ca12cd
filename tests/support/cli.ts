/** Runs the real `metacurate` command as a child process. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO } from "./fixtures";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): CliResult {
  return cliWith({}, ...args);
}

/** The command with extra environment variables (METACURATE_FROM_SOURCE=1: from source, not the bundle). */
export function cliWith(env: Record<string, string>, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
