// Compiles the WebAssembly kernels (AssemblyScript) in lib/curation/wasm/ into lib/curation/wasm/build/:
// tokenWalk (the matcher) and sizeCurve (the size curve's arithmetic). Run by `npm install` (prepare)
// and before tests and benchmarks; skips a kernel whose build is newer than its source.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KERNEL_NAMES } from "../bin/bundle.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const asc = path.join(repo, "node_modules/assemblyscript/bin/asc.js");
for (const name of KERNEL_NAMES) {
  const source = path.join(repo, `lib/curation/wasm/${name}.ts`);
  const out = path.join(repo, `lib/curation/wasm/build/${name}.wasm`);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs && statSync(out).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs) continue;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync(process.execPath, [asc, source, "-O3", "--noAssert", "--runtime", "stub", "--enable", "simd", "--use", "abort=", "-o", tmp], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build-kernel: AssemblyScript could not compile lib/curation/wasm/${name}.ts`);
    process.exit(1);
  }
  renameSync(tmp, out);
}
