import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Worker } from "node:worker_threads";
import { firstLine } from "../errors";

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

// plain CommonJS, so the same worker runs from the sources and from the CLI's bundle
const HASH_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { createReadStream } = require("node:fs");
(async () => {
  const digests = [];
  for (const file of workerData) {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file)) hash.update(chunk);
    digests.push(hash.digest("hex"));
  }
  parentPort.postMessage(digests);
})();`;

/** Files being hashed on a thread of their own: `digests` in the files' order; `stop` ends the thread early. */
export interface FileHashing {
  digests: Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * The sha256 of each file, hashed one after another on a thread of its own, so that a large pool
 * is hashed beside the work that follows (128 MB: about 0.23 s) instead of before it.
 */
export function sha256FilesInWorker(files: string[]): FileHashing {
  const worker = new Worker(HASH_WORKER, { eval: true, workerData: files });
  const digests = new Promise<string[]>((resolve, reject) => {
    worker.once("message", (d: string[]) => { resolve(d); void worker.terminate(); });
    worker.once("error", (e) => reject(new Error(`hashing ${files.join(", ")} failed: ${firstLine(e)}`)));
    worker.once("exit", (code) => reject(new Error(`hashing ${files.join(", ")} stopped (exit code ${code})`)));
  });
  digests.catch(() => {}); // the caller awaits it, or stops early and does not
  return { digests, stop: async () => { await worker.terminate(); } };
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function sha256Text(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
