// Copies the browser engines into public/ from the installed packages (self-hosted: no CDN).
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// a file already there with the same bytes is left alone, and a new one replaces it in one rename:
// a dashboard serving these files while the tests (or a rebuild) run never sends a half-copied engine
const same = (a, b) => { try { return statSync(a).size === statSync(b).size && readFileSync(a).equals(readFileSync(b)); } catch { return false; } };
const copy = (from, toDir) => {
  mkdirSync(toDir, { recursive: true });
  const to = path.join(toDir, path.basename(from));
  if (same(from, to)) return;
  const tmp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
};
const duck = path.dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"));
for (const f of ["duckdb-eh.wasm", "duckdb-browser-eh.worker.js", "duckdb-mvp.wasm", "duckdb-browser-mvp.worker.js"]) {
  copy(path.join(duck, f), path.join(root, "public", "duckdb"));
}
copy(path.join(root, "node_modules", "parquet-wasm", "esm", "parquet_wasm_bg.wasm"), path.join(root, "public", "parquet-wasm"));
