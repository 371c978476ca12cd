/** `metacurate curate`: match then balance, into one output folder, committed together. */
import { StagedOutput } from "../util/files";
import { balanceInto, validateBalanceOptions, type BalanceOptions } from "./balance";
import { matchInto, MATCH_OUTPUTS, type MatchOptions } from "./match";
import type { Manifest } from "./manifest";

export async function runCurate(outDir: string, opts: MatchOptions & BalanceOptions): Promise<Manifest> {
  validateBalanceOptions(opts);
  const out = await StagedOutput.open(outDir);
  try {
    const manifest = await matchInto(out, opts);
    const { section, files } = await balanceInto(out, out.tmp, manifest, opts);
    section.source = out.dir;
    const full: Manifest = { ...manifest, balance: section };
    await out.writeJson("manifest.json", full);
    await out.commit([...MATCH_OUTPUTS, ...files, "manifest.json"], files.includes("subset.npy") ? [] : ["subset.npy"]);
    return full;
  } catch (e) {
    await out.abort();
    throw e;
  }
}
