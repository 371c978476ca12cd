import { InputError, firstLine } from "../../lib/errors";

export function errorResponse(e: unknown): Response {
  const status = e instanceof InputError ? 404 : 500;
  return Response.json({ error: firstLine(e) }, { status });
}
