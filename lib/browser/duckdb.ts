/** The page's one DuckDB-WASM engine, self-hosted from /duckdb (eh bundle, no CDN, no extensions). */
import type { AsyncDuckDB, AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";

export interface Engine {
  db: AsyncDuckDB;
  conn: AsyncDuckDBConnection;
}

let engine: Promise<Engine> | null = null;

export function getEngine(): Promise<Engine> {
  engine ??= (async () => {
    const duckdb = await import("@duckdb/duckdb-wasm");
    const base = new URL("/duckdb/", self.location.origin).href;
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: base + "duckdb-mvp.wasm", mainWorker: base + "duckdb-browser-mvp.worker.js" },
      eh: { mainModule: base + "duckdb-eh.wasm", mainWorker: base + "duckdb-browser-eh.worker.js" },
    });
    const db = new duckdb.AsyncDuckDB(new duckdb.ConsoleLogger(duckdb.LogLevel.WARNING), new Worker(bundle.mainWorker!));
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    await db.open({ filesystem: { forceFullHTTPReads: true } });
    const conn = await db.connect();
    // offline: a missing extension must fail at once with a clear error, never try the network
    await conn.query("SET autoload_known_extensions = false");
    await conn.query("SET autoinstall_known_extensions = false");
    return { db, conn };
  })();
  engine.catch(() => { engine = null; });
  return engine;
}

/** Rows of a query as plain objects, BIGINTs made numbers (counts stay exact below 2^53). */
export async function rows<T = Record<string, unknown>>(conn: AsyncDuckDBConnection, sql: string): Promise<T[]> {
  const table = await conn.query(sql);
  const out: T[] = [];
  for (const row of table) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row.toJSON())) o[k] = typeof v === "bigint" ? Number(v) : v;
    out.push(o as T);
  }
  return out;
}
