/** A failed response as an Error: the server's `{ error }` message when it sent one, else the status. */
export async function httpError(res: Response, fileName: string): Promise<Error> {
  const body = (await res.json().catch(() => null)) as { error?: string } | null;
  return new Error(body?.error ?? `${fileName}: HTTP ${res.status}`);
}
