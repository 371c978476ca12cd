/**
 * The compiled WebAssembly matcher kernel (lib/curation/wasm/tokenWalk.ts, built by
 * scripts/build-kernel.mjs on `npm install`), loaded once per thread.
 */
import { readFileSync } from "node:fs";

const KERNEL = new URL("./wasm/build/tokenWalk.wasm", import.meta.url);
let module: WebAssembly.Module | null = null;

export function tokenWalkModule(): WebAssembly.Module {
  if (module) return module;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(KERNEL));
  } catch {
    throw new Error("the matcher's WebAssembly kernel is not built (lib/curation/wasm/build/tokenWalk.wasm): run npm install, or npm run build:kernel");
  }
  module = new WebAssembly.Module(bytes);
  return module;
}
