/**
 * The `metacurate` entry point that jobs start their runner and tasks with: found from this package
 * itself (the nearest package.json named metacurate above this module, and its "bin"), never from how
 * the current process was started: under `npx` or a global install, process.argv[1] is a shim or a
 * symlink of a bin folder, not the package. METACURATE_LAUNCHER overrides it (`metacurate serve` sets it).
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let found: string | null = null;

export function launcher(): string {
  if (process.env.METACURATE_LAUNCHER) return process.env.METACURATE_LAUNCHER;
  found ??= packageBin(path.dirname(realpathSync(fileURLToPath(import.meta.url))));
  return found;
}

function packageBin(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(/*turbopackIgnore: true*/ dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; bin?: string | Record<string, string> };
      const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.metacurate;
      if (pkg.name === "metacurate" && bin) return path.join(dir, bin);
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the metacurate package above ${from} (set METACURATE_LAUNCHER to its bin/metacurate.mjs)`);
  }
}
