// Copies the browser engines into public/ from the installed packages (self-hosted: no CDN).
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const copy = (from, toDir) => {
  mkdirSync(toDir, { recursive: true });
  copyFileSync(from, path.join(toDir, path.basename(from)));
};
const duck = path.dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"));
for (const f of ["duckdb-eh.wasm", "duckdb-browser-eh.worker.js", "duckdb-mvp.wasm", "duckdb-browser-mvp.worker.js"]) {
  copy(path.join(duck, f), path.join(root, "public", "duckdb"));
}
copy(path.join(root, "node_modules", "parquet-wasm", "esm", "parquet_wasm_bg.wasm"), path.join(root, "public", "parquet-wasm"));
