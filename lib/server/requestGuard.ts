/**
 * Who may talk to the dashboard's server, decided before any route runs (isomorphic: no Node APIs).
 * - Host: exactly name[:port], and only names the server answers to (the loopback names, the address it is bound to, and
 *   METACURATE_ALLOWED_HOSTS), so a page on another site cannot reach it by DNS rebinding.
 * - Token: bound to anything but loopback, the server prints a URL with a token (as Jupyter does)
 *   and every request needs it: ?token= once (it becomes a cookie), the cookie, or an
 *   X-Metacurate-Token header.
 * - Mutations (POST, PUT, PATCH, DELETE): Content-Type application/json, no Origin but the server's
 *   own, scheme included (CSRF), no body over 1 MB.
 */
export const TOKEN_COOKIE = "metacurate_token";
export const TOKEN_HEADER = "x-metacurate-token";
export const MAX_BODY_BYTES = 1 << 20;

export interface GuardConfig {
  /** The address the server is bound to (serve --host). */
  bindHost: string;
  /** Required when bound beyond loopback; null otherwise. */
  token: string | null;
  /** More host names the server answers to. */
  allowedHosts: string[];
}

export interface GuardRequest {
  method: string;
  url: URL;
  headers: { get(name: string): string | null };
}

export type GuardVerdict =
  | { ok: true; setCookie?: string; redirect?: string }
  | { ok: false; status: number; error: string };

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);
const WILDCARD = new Set(["0.0.0.0", "::", "[::]", ""]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The config from the environment `metacurate serve` sets for the server process. */
export function guardConfigFromEnv(env: Record<string, string | undefined>): GuardConfig {
  return {
    bindHost: env.METACURATE_BIND_HOST || "127.0.0.1",
    token: env.METACURATE_TOKEN || null,
    allowedHosts: (env.METACURATE_ALLOWED_HOSTS ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean),
  };
}

/** The host name of a Host header, without its port ("[::1]:3000" → "[::1]"). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.lastIndexOf(":");
  return colon >= 0 && h.indexOf(":") === colon ? h.slice(0, colon) : h;
}

/**
 * The host name of a Host header when it is exactly `name[:port]` (a DNS name or IPv4 address, or an
 * IPv6 address in brackets), else null: "127.0.0.1:3400@evil.com" is no host, whatever its start says.
 */
export function strictHostName(header: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/.exec(header.trim().toLowerCase());
  return m ? m[1] : null;
}

/** Compares in time independent of where the strings differ (the token's length is no secret). */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function cookie(headers: GuardRequest["headers"], name: string): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try { return decodeURIComponent(raw); } catch { return raw; } // malformed %-encoding: kept as given, so it is simply a wrong token
    }
  }
  return null;
}

export function guardRequest(req: GuardRequest, config: GuardConfig): GuardVerdict {
  const hostHeader = req.headers.get("host");
  if (!hostHeader) return { ok: false, status: 400, error: "the request has no Host header" };
  const host = strictHostName(hostHeader);
  if (host === null) return { ok: false, status: 400, error: `the Host header "${hostHeader.slice(0, 80)}" is not a host name with an optional port` };
  const bind = hostName(config.bindHost);
  const served = isLoopback(host) || host === bind || config.allowedHosts.includes(host) || (WILDCARD.has(bind) && config.token !== null);
  if (!served) return { ok: false, status: 403, error: `this server does not answer to the host "${host.slice(0, 80)}" (add it with METACURATE_ALLOWED_HOSTS)` };

  let setCookie: string | undefined, redirect: string | undefined;
  if (config.token !== null) {
    const fromQuery = req.url.searchParams.get("token");
    const given = req.headers.get(TOKEN_HEADER) ?? cookie(req.headers, TOKEN_COOKIE) ?? fromQuery;
    if (given === null || !sameSecret(given, config.token)) {
      return { ok: false, status: 401, error: "this server needs its token: open the URL that metacurate serve printed, or send the X-Metacurate-Token header" };
    }
    if (fromQuery !== null && req.method === "GET") {
      setCookie = `${TOKEN_COOKIE}=${encodeURIComponent(config.token)}; Path=/; HttpOnly; SameSite=Strict`;
      const clean = new URL(req.url.toString());
      clean.searchParams.delete("token");
      redirect = clean.pathname + clean.search;
    }
  }

  if (!["GET", "HEAD", "OPTIONS"].includes(req.method.toUpperCase())) {
    const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") return { ok: false, status: 415, error: "a request that changes something must be sent as Content-Type: application/json" };
    const origin = req.headers.get("origin");
    if (origin !== null) {
      // the same scheme, host and port as the request: an https page is not this http server's own, nor the reverse
      let sameOrigin = false;
      try {
        const o = new URL(origin);
        sameOrigin = o.protocol === req.url.protocol && o.host.toLowerCase() === hostHeader.trim().toLowerCase();
      } catch { /* "null" or junk */ }
      if (!sameOrigin) return { ok: false, status: 403, error: `requests from the origin ${origin.slice(0, 80)} are refused (only this server's own pages may change things)` };
    }
    if (req.headers.get("sec-fetch-site") === "cross-site") return { ok: false, status: 403, error: "cross-site requests are refused" };
    const length = Number(req.headers.get("content-length") ?? "0");
    if (!(length <= MAX_BODY_BYTES)) return { ok: false, status: 413, error: `the request body is over ${MAX_BODY_BYTES} bytes` };
  }
  return { ok: true, setCookie, redirect };
}
