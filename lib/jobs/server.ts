/** What the server's job routes share: the store of its data directory, the path roots, the body reader. */
import path from "node:path";
import { PayloadTooLargeError, UsageError } from "../errors";
import { assertJsonDepth } from "../util/jsonDepth";
import { MAX_BODY_BYTES } from "../server/requestGuard";
import type { PathRoots } from "./paths";
import { JobStore } from "./store";

export function serverStore(dataDir: string): JobStore {
  return new JobStore(dataDir);
}

/** The data directory and the --pools-dir folders `metacurate serve` was started with (METACURATE_POOLS_DIRS, path-delimited). */
export function serverRoots(dataDir: string): PathRoots {
  const pools = (process.env.METACURATE_POOLS_DIRS ?? "").split(path.delimiter).filter(Boolean).map((d) => path.resolve(/*turbopackIgnore: true*/ d));
  return { dataDir, poolsDirs: pools };
}

/** The request's JSON body, read up to MAX_BODY_BYTES whatever its headers claim (413 beyond), nested at most MAX_JSON_DEPTH deep. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const reader = req.body?.getReader();
  if (!reader) throw new UsageError("the request has no body (a JSON job spec)");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY_BYTES) { await reader.cancel(); throw new PayloadTooLargeError(`the request body is over ${MAX_BODY_BYTES} bytes (the limit is 1 MB)`); }
    chunks.push(value);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    throw new UsageError(`the body is not JSON: ${(e as Error).message.slice(0, 120)}`);
  }
  assertJsonDepth(body);
  return body;
}
