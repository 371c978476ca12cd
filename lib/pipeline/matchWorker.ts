/**
 * Worker thread: matches TextGroups against the automaton; keeps its own entry counts.
 * Started before the automaton exists (its start-up overlaps loading the metadata and building the
 * tables), it compiles the kernel at once and gets the tables in its first message.
 */
import { parentPort } from "node:worker_threads";
import { TokenMatcher, type AutomatonTables } from "../curation/automaton";
import { WorldwideMatcher, type WorldwideTables } from "../curation/worldwideMatcher";
import { tokenWalkModule } from "../curation/wasmKernel";
import type { TextGroup } from "../pool/pool";
import { loadLanguageId, type LanguageId } from "../filters/languageId";
import { identifyGroup, type LidRequest } from "./matchLid";
import { matchGroup, type GroupMatcher } from "./matchBatch";

export type WorkerRequest =
  | { type: "tables"; tables: AutomatonTables }
  | { type: "worldwide"; tables: WorldwideTables; lid?: LidRequest }
  | { type: "group"; seq: number; group: TextGroup }
  | { type: "finish" };

const kernel = tokenWalkModule();
let matcher: (GroupMatcher & { takeCounts(into: Float64Array): void }) | null = null;
let counts = new Float64Array(0);
let rowsSinceTake = 0;
/** The kernel counts in u32: fold them into `counts` long before any could overflow. */
const TAKE_EVERY_ROWS = 1 << 30;

let lid: { model: Promise<LanguageId>; request: LidRequest } | null = null;
/** Messages are handled one after another: a group waits for the language-ID model the tables message started loading. */
let queue: Promise<void> = Promise.resolve();

parentPort!.on("message", (msg: WorkerRequest) => {
  queue = queue.then(() => handle(msg)).catch((e: unknown) => { queueMicrotask(() => { throw e; }); }); // a failure is the worker's error event
});

async function handle(msg: WorkerRequest): Promise<void> {
  if (msg.type === "tables" || msg.type === "worldwide") {
    const m = msg.type === "tables" ? new TokenMatcher(msg.tables, kernel) : new WorldwideMatcher(msg.tables, kernel);
    m.countInKernel();
    matcher = m;
    counts = new Float64Array(msg.tables.entryCount);
    if (msg.type === "worldwide" && msg.lid) lid = { model: loadLanguageId(msg.lid.engine), request: msg.lid };
  } else if (msg.type === "group") {
    const identified = lid ? identifyGroup(await lid.model, lid.request, msg.group) : null;
    const result = matchGroup(matcher!, msg.group);
    rowsSinceTake += msg.group.rows;
    if (rowsSinceTake >= TAKE_EVERY_ROWS) { matcher!.takeCounts(counts); rowsSinceTake = 0; }
    parentPort!.postMessage({ type: "result", seq: msg.seq, result: identified ? { ...result, lid: identified } : result },
      [result.rows, result.idStarts, result.ids, result.uidStarts, result.uids, ...(identified ? [identified.labelIds, identified.confidences] : [])].map((a) => a.buffer as ArrayBuffer));
  } else {
    matcher?.takeCounts(counts);
    parentPort!.postMessage({ type: "counts", counts }, [counts.buffer as ArrayBuffer]);
  }
}
