import { Readable } from "node:stream";
import type { FileHandle } from "node:fs/promises";
import { ConflictError, DiskFullError, NotFoundError, PayloadTooLargeError, UserError, diskFullError, firstLine, isDiskFull } from "../../lib/errors";
import { relativeToDataDir } from "../../lib/workspace/publicPaths";

/**
 * A JSON error: 404 for what does not exist, 409 for what would replace or race with what exists
 * (a job's output), 413 for a body over the limit, 507 when the disk is full
 * (however the error surfaced), 400 for any other error a user can act on (a bad name, path or
 * parameter), 500 otherwise. Messages carry paths relative to the data directory, never a server
 * path or a stack trace.
 */
export function errorResponse(e: unknown): Response {
  if (isDiskFull(e)) e = diskFullError(e, "the data directory");
  const status = e instanceof NotFoundError ? 404 : e instanceof PayloadTooLargeError ? 413 : e instanceof DiskFullError ? 507 : e instanceof ConflictError ? 409 : e instanceof UserError ? 400 : 500;
  const message = e instanceof UserError ? relativeToDataDir(firstLine(e)) : "internal error";
  if (status === 500) console.error(e);
  return Response.json({ error: message }, { status });
}

/**
 * Streams bytes [start, start + length) of an open file; the handle is closed at the end. Next.js
 * sends streams chunked (it drops Content-Length), so X-File-Size declares the length: a response
 * cut short by a failing read ends without its last chunk, and a client can check the size too.
 */
export function fileResponse(handle: FileHandle, start: number, length: number, headers: Record<string, string>): Response {
  if (length === 0) {
    void handle.close();
    return new Response(new Uint8Array(0), { headers: { ...headers, "Content-Length": "0", "X-File-Size": "0" } });
  }
  const stream = handle.createReadStream({ start, end: start + length - 1, autoClose: true });
  return new Response(Readable.toWeb(stream) as ReadableStream, { headers: { ...headers, "Content-Length": String(length), "X-File-Size": String(length) } });
}
