/** Worker thread: matches TextGroups against the shared automaton; keeps its own entry counts. */
import { parentPort, workerData } from "node:worker_threads";
import { TokenMatcher, type AutomatonTables } from "../curation/automaton";
import type { TextGroup } from "../pool/pool";
import { matchGroup } from "./matchBatch";

export type WorkerRequest = { type: "group"; seq: number; group: TextGroup } | { type: "finish" };

const tables = workerData.tables as AutomatonTables;
const matcher = new TokenMatcher(tables);
const counts = new Float64Array(tables.entryCount);

parentPort!.on("message", (msg: WorkerRequest) => {
  if (msg.type === "group") {
    const result = matchGroup(matcher, counts, msg.group);
    parentPort!.postMessage({ type: "result", seq: msg.seq, result }, [result.csv.buffer as ArrayBuffer, result.idLists.buffer as ArrayBuffer]);
  } else {
    parentPort!.postMessage({ type: "counts", counts }, [counts.buffer as ArrayBuffer]);
  }
});
