/** `metacurate curate`: match then balance, into one output folder, committed together. */
import type { DuckDBConnection } from "../pool/duckdb";
import { StagedOutput } from "../util/files";
import { balanceInto, validateBalanceOptions, type BalanceOptions } from "./balance";
import { matchInto, openRunDuckDB, MATCH_OUTPUTS, MATCHED_TABLE, type MatchOptions } from "./match";
import type { Manifest } from "./manifest";
import { memoryLimitGb } from "./memoryLimit";

export async function runCurate(outDir: string, opts: MatchOptions & BalanceOptions): Promise<Manifest> {
  validateBalanceOptions(opts);
  const memory = memoryLimitGb(opts.memoryLimitGb);
  const out = await StagedOutput.open(outDir);
  let con: DuckDBConnection | null = null;
  try {
    con = await openRunDuckDB(out, memory);
    const { manifest, run } = await matchInto(out, con, opts);
    // balance straight from this run: the spooled rows and the `matched` table, not matches.parquet read back
    const rows = { forEach: run.spool.forEach.bind(run.spool), relation: `SELECT k, uid, entry_ids, pool_row FROM ${MATCHED_TABLE}` };
    const { section, files } = await balanceInto(out, con, rows, run.counts, manifest, opts);
    con.closeSync();
    con = null;
    section.source = out.dir;
    const full: Manifest = { ...manifest, balance: section };
    await out.writeJson("manifest.json", full);
    await out.commit([...MATCH_OUTPUTS, ...files, "manifest.json"], files.includes("subset.npy") ? [] : ["subset.npy"]);
    return full;
  } catch (e) {
    con?.closeSync();
    await out.abort();
    throw e;
  }
}
