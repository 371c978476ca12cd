/** A failed response: the server's message, and its status (a 409 is a conflict the form can act on). */
export class HttpError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** A failed response as an Error: the server's `{ error }` message when it sent one, else the status. */
export async function httpError(res: Response, fileName: string): Promise<HttpError> {
  const body = (await res.json().catch(() => null)) as { error?: string } | null;
  return new HttpError(body?.error ?? `${fileName}: HTTP ${res.status}`, res.status);
}

/** The response's body, checked against the size the server declared (X-File-Size): a body cut short is an error, never data. */
export async function wholeBody(res: Response, fileName: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const declared = res.headers.get("X-File-Size");
  if (declared !== null && Number(declared) !== bytes.length) throw new Error(`${fileName} arrived cut short (${bytes.length} of ${declared} bytes): reload to try again`);
  return bytes;
}
