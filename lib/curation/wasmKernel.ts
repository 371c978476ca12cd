/**
 * The compiled WebAssembly kernels (lib/curation/wasm/*.ts, built by scripts/build-kernel.mjs on
 * `npm install`), each compiled once per thread: tokenWalk (the matcher) and sizeCurve.
 */
import { readFileSync } from "node:fs";

const modules = new Map<string, WebAssembly.Module>();

function kernelModule(name: "tokenWalk" | "sizeCurve"): WebAssembly.Module {
  let module = modules.get(name);
  if (module) return module;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(new URL(`./wasm/build/${name}.wasm`, import.meta.url)));
  } catch {
    throw new Error(`the WebAssembly kernel lib/curation/wasm/build/${name}.wasm is not built: run npm install, or npm run build:kernel`);
  }
  module = new WebAssembly.Module(bytes);
  modules.set(name, module);
  return module;
}

export const tokenWalkModule = () => kernelModule("tokenWalk");
export const sizeCurveModule = () => kernelModule("sizeCurve");
