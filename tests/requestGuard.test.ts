// Who may talk to the dashboard's server: the Host rule (DNS rebinding), the token when bound beyond
// loopback, and the rules for requests that change something (CSRF, content type, body size).
import assert from "node:assert/strict";
import { test } from "node:test";
import { guardConfigFromEnv, guardRequest, hostName, type GuardConfig } from "../lib/server/requestGuard";

function request(method: string, url: string, headers: Record<string, string>) {
  const h = new Headers(headers);
  return { method, url: new URL(url), headers: h };
}

const local: GuardConfig = { bindHost: "127.0.0.1", token: null, allowedHosts: [] };
const exposed: GuardConfig = { bindHost: "0.0.0.0", token: "s3cret-token", allowedHosts: [] };

test("bound to loopback: only loopback host names are served (a rebinding page's Host is refused)", () => {
  for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "LOCALHOST", "127.0.0.2:80"]) {
    assert.equal(guardRequest(request("GET", "http://x/api/workspaces", { host }), local).ok, true, host);
  }
  for (const host of ["evil.example:3000", "evil.example", "192.168.1.5:3000", "127.0.0.1.evil.example"]) {
    const v = guardRequest(request("GET", "http://x/api/workspaces", { host }), local);
    assert.equal(v.ok, false, host);
    if (!v.ok) { assert.equal(v.status, 403); assert.match(v.error, /does not answer to the host/); }
  }
  assert.equal(guardRequest(request("GET", "http://x/", {}), local).ok, false, "no Host header");
  assert.equal(guardRequest(request("GET", "http://x/", { host: "ws.lab:3000" }), { ...local, allowedHosts: ["ws.lab"] }).ok, true, "METACURATE_ALLOWED_HOSTS");
});

test("bound beyond loopback: every request needs the token (query once, then cookie; or header)", () => {
  const host = { host: "10.0.0.5:3000" };
  const none = guardRequest(request("GET", "http://10.0.0.5:3000/", host), exposed);
  assert.equal(none.ok, false);
  if (!none.ok) assert.equal(none.status, 401);
  assert.equal(guardRequest(request("GET", "http://10.0.0.5:3000/", { ...host, cookie: "metacurate_token=wrong" }), exposed).ok, false);
  assert.equal(guardRequest(request("GET", "http://10.0.0.5:3000/", { ...host, "x-metacurate-token": "s3cret-tokeN" }), exposed).ok, false);
  const viaQuery = guardRequest(request("GET", "http://10.0.0.5:3000/pairs?token=s3cret-token&t=5", host), exposed);
  assert.deepEqual(viaQuery, { ok: true, setCookie: "metacurate_token=s3cret-token; Path=/; HttpOnly; SameSite=Strict", redirect: "/pairs?t=5" });
  assert.deepEqual(guardRequest(request("GET", "http://10.0.0.5:3000/", { ...host, cookie: "a=b; metacurate_token=s3cret-token" }), exposed), { ok: true, setCookie: undefined, redirect: undefined });
  assert.equal(guardRequest(request("GET", "http://10.0.0.5:3000/", { ...host, "x-metacurate-token": "s3cret-token" }), exposed).ok, true);
  // loopback clients need it too once the server is exposed
  assert.equal(guardRequest(request("GET", "http://127.0.0.1:3000/", { host: "127.0.0.1:3000" }), exposed).ok, false);
  // bound to one address: other host names are refused even with the token
  const one: GuardConfig = { bindHost: "10.0.0.5", token: "t", allowedHosts: [] };
  assert.equal(guardRequest(request("GET", "http://evil/", { host: "evil.example", "x-metacurate-token": "t" }), one).ok, false);
  assert.equal(guardRequest(request("GET", "http://10.0.0.5/", { host: "10.0.0.5:3000", "x-metacurate-token": "t" }), one).ok, true);
});

test("requests that change something: JSON only, from this server's own origin, at most 1 MB", () => {
  const base = { host: "127.0.0.1:3000", "content-type": "application/json" };
  const post = (headers: Record<string, string>) => guardRequest(request("POST", "http://127.0.0.1:3000/api/jobs", headers), local);
  assert.equal(post(base).ok, true, "no Origin (curl, the CLI)");
  assert.equal(post({ ...base, origin: "http://127.0.0.1:3000" }).ok, true, "its own pages");
  assert.equal(post({ ...base, "content-type": "application/json; charset=utf-8" }).ok, true);
  const cases: [Record<string, string>, number, RegExp][] = [
    [{ ...base, origin: "http://evil.example" }, 403, /origin http:\/\/evil\.example are refused/],
    [{ ...base, origin: "http://localhost:3000" }, 403, /origin/],
    [{ ...base, origin: "null" }, 403, /origin/],
    [{ ...base, "sec-fetch-site": "cross-site" }, 403, /cross-site/],
    [{ ...base, "content-type": "text/plain" }, 415, /application\/json/],
    [{ host: "127.0.0.1:3000" }, 415, /application\/json/],
    [{ ...base, "content-length": String(2 ** 20 + 1) }, 413, /over 1048576 bytes/],
    [{ ...base, "content-length": "junk" }, 413, /over/],
  ];
  for (const [headers, status, error] of cases) {
    const v = post(headers);
    assert.equal(v.ok, false, JSON.stringify(headers));
    if (!v.ok) { assert.equal(v.status, status); assert.match(v.error, error); }
  }
  // the token rule comes first when exposed
  const v = guardRequest(request("POST", "http://10.0.0.5:3000/api/jobs", { host: "10.0.0.5:3000", "content-type": "application/json" }), exposed);
  assert.equal(v.ok ? 0 : v.status, 401);
});

test("the config comes from what `metacurate serve` puts in the environment", () => {
  assert.deepEqual(guardConfigFromEnv({}), { bindHost: "127.0.0.1", token: null, allowedHosts: [] });
  assert.deepEqual(guardConfigFromEnv({ METACURATE_BIND_HOST: "0.0.0.0", METACURATE_TOKEN: "x", METACURATE_ALLOWED_HOSTS: "A.lab, b.lab" }),
    { bindHost: "0.0.0.0", token: "x", allowedHosts: ["a.lab", "b.lab"] });
  assert.equal(hostName("[::1]:3000"), "[::1]");
  assert.equal(hostName("Example.COM:80"), "example.com");
  assert.equal(hostName("::1"), "::1");
});
