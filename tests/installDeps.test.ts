// scripts/start.sh and scripts/test.sh install node_modules without rewriting package-lock.json: their
// install line, run in a small project whose lockfile `npm install` would rewrite, installs from the
// lockfile (npm ci) when node_modules is missing or differs from it, and does nothing when it matches.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO, tempDir } from "./support/fixtures";

/** A project with one local dependency; its package.json's own version is newer than the lockfile's, which `npm install` rewrites and `npm ci` does not. */
function project(dir: string): void {
  mkdirSync(path.join(dir, "dep"));
  writeFileSync(path.join(dir, "dep", "package.json"), JSON.stringify({ name: "dep", version: "1.0.0" }));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "fx", version: "1.0.1", private: true, dependencies: { dep: "file:dep" } }, null, 2) + "\n");
  const entry = { name: "fx", version: "1.0.0", dependencies: { dep: "file:dep" } };
  writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ name: "fx", version: "1.0.0", lockfileVersion: 3, requires: true,
    packages: { "": entry, dep: { version: "1.0.0" }, "node_modules/dep": { resolved: "dep", link: true } } }, null, 2) + "\n");
  mkdirSync(path.join(dir, "scripts"));
  cpSync(path.join(REPO, "scripts", "install-deps.mjs"), path.join(dir, "scripts", "install-deps.mjs"));
}

/** The line of a script that installs node_modules. */
function installLine(script: string): string {
  const lines = readFileSync(path.join(REPO, "scripts", script), "utf8").split("\n").filter((l) => /^\s*(npm (install|i|ci)\b|node scripts\/install-deps\.mjs)/.test(l));
  assert.equal(lines.length, 1, `${script} has one install line: ${lines.join(" | ")}`);
  return lines[0];
}

for (const script of ["start.sh", "test.sh"]) {
  test(`${script}'s install leaves package-lock.json as it is, and skips when node_modules matches it`, { timeout: 120_000 }, (t) => {
    const dir = tempDir(t);
    project(dir);
    const lock = readFileSync(path.join(dir, "package-lock.json"), "utf8");
    const run = () => spawnSync("bash", ["-c", `set -euo pipefail; ${installLine(script)}`], { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_offline: "true" } });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.ok(existsSync(path.join(dir, "node_modules", "dep", "package.json")), "installed");
    assert.equal(readFileSync(path.join(dir, "package-lock.json"), "utf8"), lock, "package-lock.json is unchanged");
    const again = run();
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /installing/, "nothing to do when node_modules matches the lockfile");
    rmSync(path.join(dir, "node_modules", ".package-lock.json"));
    const stale = run();
    assert.match(stale.stderr, /installing node_modules from package-lock.json \(npm ci\)/);
    assert.equal(readFileSync(path.join(dir, "package-lock.json"), "utf8"), lock);
  });
}
