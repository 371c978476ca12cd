import { Readable } from "node:stream";
import type { FileHandle } from "node:fs/promises";
import { NotFoundError, UserError, firstLine } from "../../lib/errors";
import { relativeToDataDir } from "../../lib/workspace/publicPaths";

/**
 * A JSON error: 404 for what does not exist, 400 for any other error a user can act on (a bad name,
 * path or parameter), 500 otherwise. Messages carry paths relative to the data directory, never a
 * server path or a stack trace.
 */
export function errorResponse(e: unknown): Response {
  const status = e instanceof NotFoundError ? 404 : e instanceof UserError ? 400 : 500;
  const message = e instanceof UserError ? relativeToDataDir(firstLine(e)) : "internal error";
  if (status === 500) console.error(e);
  return Response.json({ error: message }, { status });
}

/**
 * Streams bytes [start, start + length) of an open file; Content-Length is exact, so a response cut
 * short by a failing read is never taken for the whole file. The handle is closed at the end.
 */
export function fileResponse(handle: FileHandle, start: number, length: number, headers: Record<string, string>): Response {
  if (length === 0) {
    void handle.close();
    return new Response(new Uint8Array(0), { headers: { ...headers, "Content-Length": "0" } });
  }
  const stream = handle.createReadStream({ start, end: start + length - 1, autoClose: true });
  return new Response(Readable.toWeb(stream) as ReadableStream, { headers: { ...headers, "Content-Length": String(length) } });
}
