import { preload } from "react-dom";

/**
 * parquet-wasm decodes a workspace's entries table, previews and matches soon after the first figures:
 * the pages that show a workspace name it in their head, so it downloads with the page. (Named on
 * every page, it went unused on / and /evals and the browser warned of it.)
 */
export function preloadParquetWasm(): void {
  preload("/parquet-wasm/parquet_wasm_bg.wasm", { as: "fetch", crossOrigin: "anonymous", fetchPriority: "low" });
}
