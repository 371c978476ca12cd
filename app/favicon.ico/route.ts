/** Browsers that ask for /favicon.ico get the app's icon (app/icon.svg), not a 404; a relative Location keeps the host the client used. */
export function GET(): Response {
  return new Response(null, { status: 308, headers: { Location: "/icon.svg" } });
}
