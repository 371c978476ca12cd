#!/usr/bin/env node
// Installs node_modules exactly as package-lock.json says (`npm ci`, which never rewrites the lockfile
// as `npm install` does), and only when what is installed differs from it. npm records what it
// installed in node_modules/.package-lock.json: when every package there has the lockfile's version,
// no package the lockfile needs is missing, and the lockfile names package.json's dependencies, there
// is nothing to do. (When package.json and the lockfile disagree, npm ci stops and says so.)
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const readJson = (file) => { try { return JSON.parse(readFileSync(path.join(root, file), "utf8")); } catch { return null; } };

/** Why node_modules must be installed again, or null when it matches package-lock.json. */
function outOfDate() {
  const lock = readJson("package-lock.json");
  if (!lock?.packages) return "package-lock.json is missing or unreadable";
  const installed = readJson("node_modules/.package-lock.json");
  if (!installed?.packages) return "node_modules is missing (or was not installed by npm)";
  const pkg = readJson("package.json") ?? {};
  const rootEntry = lock.packages[""] ?? {};
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    if (JSON.stringify(pkg[field] ?? {}) !== JSON.stringify(rootEntry[field] ?? {})) return `package.json's ${field} differ from package-lock.json's`;
  }
  for (const [name, entry] of Object.entries(lock.packages)) {
    if (name === "") continue;
    const have = installed.packages[name];
    // optional packages for other platforms (@next/swc-darwin-*, …) are never installed here
    if (!have && !entry.optional && !entry.peer) return `${name} is not installed`;
    if (have && have.version !== entry.version) return `${name} is ${have.version}, package-lock.json says ${entry.version}`;
  }
  for (const name of Object.keys(installed.packages)) if (!(name in lock.packages)) return `${name} is installed but not in package-lock.json`;
  return null;
}

const why = outOfDate();
if (why === null) process.exit(0);
process.stderr.write(`installing node_modules from package-lock.json (npm ci): ${why}\n`);
const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
