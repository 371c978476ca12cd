// Worker of the match benchmark: matches rows [from, to) of a shared caption buffer.
import { parentPort, workerData } from "node:worker_threads";
import { TokenMatcher, type AutomatonTables } from "../lib/curation/automaton";
import { matchRange } from "./matchRange";

const { tables, bytes, starts, from, to } = workerData as { tables: AutomatonTables; bytes: Uint8Array; starts: Int32Array; from: number; to: number };
const matcher = new TokenMatcher(tables);
matchRange(matcher, bytes, starts, from, Math.min(to, from + 20_000)); // warm-up: let the kernel reach its optimised tier
parentPort!.once("message", () => {
  const t0 = performance.now();
  const matches = matchRange(matcher, bytes, starts, from, to);
  parentPort!.postMessage({ ms: performance.now() - t0, matches });
});
