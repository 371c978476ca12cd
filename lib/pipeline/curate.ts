/** `metacurate curate`: match then balance, into one output folder, committed together. */
import { balanceInto, validateBalanceOptions, type BalanceOptions } from "./balance";
import { matchInputs, matchInto, matchOutputs, MATCHED_TABLE, type MatchOptions } from "./match";
import type { Manifest } from "../workspace/manifest";
import { runStaged } from "./stagedRun";

export function runCurate(outDir: string, opts: MatchOptions & BalanceOptions): Promise<Manifest> {
  validateBalanceOptions(opts);
  return runStaged(outDir, opts.memoryLimitGb, async (out, con) => {
    const { manifest, run } = await matchInto(out, con, opts);
    // balance straight from this run: the spooled rows and the `matched` table, not matches.parquet read back
    const rows = { forEach: run.spool.forEach.bind(run.spool), relation: `SELECT k, uid, entry_ids, pool_row FROM ${MATCHED_TABLE}` };
    const { section, files } = await balanceInto(out, con, rows, run.counts, manifest, opts);
    section.source = out.dir;
    return { manifest: { ...manifest, balance: section }, files: [...matchOutputs(opts), ...files] };
  }, { inputs: matchInputs(opts) });
}
