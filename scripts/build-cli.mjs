// Bundles the CLI (bin/cli.ts) and its match worker into dist/ with esbuild, beside a copy of the
// WebAssembly kernels, so `metacurate` starts without compiling TypeScript (see bin/bundle.mjs).
// Run by `npm install` (prepare) and before tests and benchmarks, after build-kernel.mjs; does
// nothing when the bundle is newer than its sources. Written into a temp folder, then swapped in.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { BUNDLED_PACKAGES, BUNDLE_DIR, KERNELS, REPO, bundleIsFresh } from "../bin/bundle.mjs";

if (bundleIsFresh()) process.exit(0);
if (!KERNELS.every((k) => existsSync(k))) {
  console.error("build-cli: the kernels are not built; run node scripts/build-kernel.mjs first");
  process.exit(1);
}
const tmp = `${BUNDLE_DIR}.${process.pid}.tmp`;
rmSync(tmp, { recursive: true, force: true });
const common = { bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" };
// @duckdb/node-api is bundled too: imported from ESM as a package, Node runs its CommonJS lexer over
// the package's 60 files on every start (about 60 ms, and as much again compiling the lexer). The
// bundled CommonJS requires its native binding, so the bundle gets a `require`.
const { dependencies } = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
const external = Object.keys(dependencies).filter((d) => !BUNDLED_PACKAGES.includes(d));
const banner = { js: 'import { createRequire as __metacurateRequire } from "node:module"; const require = __metacurateRequire(import.meta.url);' };
try {
  await build({ ...common, external, banner, entryPoints: [path.join(REPO, "bin/cli.ts")], outfile: path.join(tmp, "cli.mjs") });
  await build({ ...common, packages: "external", entryPoints: [path.join(REPO, "lib/pipeline/matchWorker.ts")], outfile: path.join(tmp, "matchWorker.mjs") });
} catch {
  rmSync(tmp, { recursive: true, force: true });
  console.error("build-cli: esbuild could not bundle bin/cli.ts");
  process.exit(1);
}
// the bundled kernel loader looks for the kernels beside the bundle, as lib/curation/ does
mkdirSync(path.join(tmp, "wasm/build"), { recursive: true });
for (const kernel of KERNELS) copyFileSync(kernel, path.join(tmp, "wasm/build", path.basename(kernel)));
rmSync(BUNDLE_DIR, { recursive: true, force: true });
renameSync(tmp, BUNDLE_DIR);
