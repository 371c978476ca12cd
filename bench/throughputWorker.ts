// Worker of the match benchmark: matches rows [from, to) of a shared caption buffer.
import { parentPort, workerData } from "node:worker_threads";
import { TokenMatcher, type AutomatonTables } from "../lib/curation/automaton";

const { tables, bytes, starts, from, to } = workerData as { tables: AutomatonTables; bytes: Uint8Array; starts: Int32Array; from: number; to: number };
const matcher = new TokenMatcher(tables);
parentPort!.once("message", () => {
  const t0 = performance.now();
  let matches = 0;
  for (let i = from; i < to; i++) matches += matcher.matchBytes(bytes, starts[i], starts[i + 1] - 1);
  parentPort!.postMessage({ ms: performance.now() - t0, matches });
});
