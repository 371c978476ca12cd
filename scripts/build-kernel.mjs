// Compiles the matcher's WebAssembly kernel (lib/curation/wasm/tokenWalk.ts, AssemblyScript) into
// lib/curation/wasm/build/tokenWalk.wasm. Run by `npm install` (prepare) and before tests and
// benchmarks; does nothing when the build is newer than its source.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(repo, "lib/curation/wasm/tokenWalk.ts");
const out = path.join(repo, "lib/curation/wasm/build/tokenWalk.wasm");
if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs && statSync(out).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs) process.exit(0);
mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const asc = path.join(repo, "node_modules/assemblyscript/bin/asc.js");
const r = spawnSync(process.execPath, [asc, source, "-O3", "--noAssert", "--runtime", "stub", "--enable", "simd", "--use", "abort=", "-o", tmp], { stdio: "inherit" });
if (r.status !== 0) {
  console.error("build-kernel: AssemblyScript could not compile lib/curation/wasm/tokenWalk.ts");
  process.exit(1);
}
renameSync(tmp, out);
