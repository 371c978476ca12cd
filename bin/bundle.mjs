// The CLI's bundle: bin/cli.ts and the match worker compiled by esbuild into dist/ (on npm install,
// before tests and benchmarks), so a run starts without compiling TypeScript. It is used only while
// it is newer than every source file it could hold; otherwise the CLI runs from source under tsx.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// one level below the repo, like bin/: bin/serve.ts finds the app at "..", from either place
export const BUNDLE_DIR = path.join(REPO, "dist");
export const BUNDLE_CLI = path.join(BUNDLE_DIR, "cli.mjs");
/** The WebAssembly kernels (lib/curation/wasm/NAME.ts, compiled by scripts/build-kernel.mjs). */
export const KERNEL_NAMES = ["tokenWalk", "sizeCurve"];
/** Their compiled files, copied beside the bundle. */
export const KERNELS = KERNEL_NAMES.map((name) => path.join(REPO, `lib/curation/wasm/build/${name}.wasm`));

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|mjs|js|json|wasm)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Packages the bundle carries (scripts/build-cli.mjs); a reinstalled one makes it stale. */
export const BUNDLED_PACKAGES = ["@duckdb/node-api"];

/** The newest modification time of anything the bundle is built from. */
export function sourcesMtime() {
  const packages = BUNDLED_PACKAGES.map((name) => statSync(path.join(REPO, "node_modules", name, "package.json")).mtimeMs);
  return Math.max(newestMtime(path.join(REPO, "bin")), newestMtime(path.join(REPO, "lib")), statSync(path.join(REPO, "package.json")).mtimeMs, ...packages);
}

export function bundleIsFresh() {
  try {
    return statSync(BUNDLE_CLI).mtimeMs >= sourcesMtime();
  } catch {
    return false;
  }
}
