/**
 * A run's run.json as GET /api/runs/NAME reads it (Node only): a regular file inside the data directory,
 * at most MAX_RUN_BYTES, holding a JSON object. Anything else is an error naming the run and the reason
 * (a user can act on it: 4xx), never a wait on a FIFO nor a file read whole into memory.
 */
import path from "node:path";
import { InputError, NotFoundError } from "../errors";
import { jsonErrorMessage } from "../util/jsonError";
import { realInside } from "../workspace/confined";
import { MAX_RUN_BYTES, RUN_FILE } from "./readRuns";
import { readRegularFile } from "./regularFile";

export async function readServedRunRecord(root: string, name: string): Promise<Record<string, unknown>> {
  const file = path.join(root, name, RUN_FILE);
  // a run.json that is missing or leads out of the data directory: no such run (its target is never named)
  await realInside(root, file, `run "${name}"`).catch(() => { throw new NotFoundError(`no run "${name}"`); });
  const read = await readRegularFile(file, root, MAX_RUN_BYTES);
  if (!("bytes" in read)) {
    if (read.missing) throw new NotFoundError(`no run "${name}"`);
    throw new InputError(`run "${name}": ${RUN_FILE}: ${read.problem}`);
  }
  const text = read.bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`run "${name}": ${RUN_FILE} is not JSON: ${jsonErrorMessage(text, e)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(`run "${name}": ${RUN_FILE} is not a JSON object (it holds ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value})`);
  }
  return value as Record<string, unknown>;
}
