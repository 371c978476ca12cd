/** Parquet in the browser through parquet-wasm (DuckDB-WASM cannot load its parquet extension offline). */
type ParquetWasm = typeof import("parquet-wasm/esm");

let ready: Promise<ParquetWasm> | null = null;

export function parquetWasm(): Promise<ParquetWasm> {
  ready ??= (async () => {
    const pq = await import("parquet-wasm/esm");
    await pq.default({ module_or_path: new URL("/parquet-wasm/parquet_wasm_bg.wasm", self.location.origin) });
    return pq;
  })();
  return ready;
}

/** Parquet bytes → Arrow IPC stream bytes, or an error naming the file. */
export async function parquetToIpc(bytes: Uint8Array, fileName: string): Promise<Uint8Array> {
  if (bytes.length === 0) throw new Error(`${fileName} is empty`);
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== "PAR1" || String.fromCharCode(...bytes.subarray(bytes.length - 4)) !== "PAR1") {
    throw new Error(`${fileName} is not a parquet file (no PAR1 magic)`);
  }
  const pq = await parquetWasm();
  try {
    return pq.readParquet(bytes).intoIPCStream();
  } catch (e) {
    throw new Error(`${fileName} is not a readable parquet file: ${e instanceof Error ? e.message : String(e)}`);
  }
}
