// Requests a careless or hostile client sends get the 4xx that names the problem, never a 500: a
// 200,000-deep array in a job spec field, a chunked body over 1 MB (413), a malformed token cookie on
// an exposed server; and the guard's Origin and Host rules are exact (scheme included; name[:port] only).
import assert from "node:assert/strict";
import { test } from "node:test";
import { NextRequest } from "next/server";
import { POST as submitRoute } from "../app/api/jobs/route";
import { curateOptions } from "../lib/options/commands";
import { parseOptions } from "../lib/options/validate";
import { guardRequest, type GuardConfig } from "../lib/server/requestGuard";
import { proxy } from "../proxy";
import { tempDir } from "./support/fixtures";

const DEEP = 200_000;
const deepArray = "[".repeat(DEEP) + "]".repeat(DEEP);

function useDataDir(t: { after: (fn: () => void) => void }, dir: string): void {
  const saved = process.env.METACURATE_DATA_DIR;
  process.env.METACURATE_DATA_DIR = dir;
  t.after(() => { if (saved === undefined) delete process.env.METACURATE_DATA_DIR; else process.env.METACURATE_DATA_DIR = saved; });
}

const submit = (body: BodyInit, init: RequestInit = {}) =>
  submitRoute(new Request("http://127.0.0.1:3000/api/jobs", { method: "POST", body, headers: { "content-type": "application/json" }, ...init }));

test("a 200,000-deep array in any field of a job spec is a 400 naming the field, not a stack overflow", async (t) => {
  useDataDir(t, tempDir(t));
  const spec: Record<string, string> = { kind: '"curate"', metadata: '"in/m.json"', pool: '["in/p.parquet"]', t: "5", out: '"ws"' };
  for (const field of ["pool", "t", "out", "kind", "metadata"]) {
    const body = "{" + Object.entries({ ...spec, [field]: deepArray }).map(([k, v]) => `"${k}":${v}`).join(",") + "}";
    const r = await submit(body);
    const text = await r.text();
    assert.equal(r.status, 400, `${field}: ${text.slice(0, 200)}`);
    assert.match(text, new RegExp(`\\\\"${field}\\\\": nests arrays or objects more than \\d+ levels deep`), field);
  }
  const r = await submit(deepArray);
  assert.equal(r.status, 400);
  assert.match(await r.text(), /the body: nests arrays or objects/);
});

test("the schema's error message survives a value nested too deep to print (a spec file, not only the API)", () => {
  let deep: unknown = [];
  for (let i = 0; i < DEEP; i++) deep = [deep];
  assert.throws(() => parseOptions(curateOptions, { metadata: "m.json", pool: [deep], out: "ws", t: 5 }, "field"),
    (e: Error) => e.name === "UsageError" && /"pool"\[0\]: must be a string \(got a value nested too deep to show\)/.test(e.message));
});

test("a chunked body over 1 MB is refused with 413 and the limit, whatever the headers say", async (t) => {
  useDataDir(t, tempDir(t));
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > 2 * 1024 * 1024) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const r = await submit(body, { duplex: "half" } as RequestInit);
  assert.equal(r.status, 413);
  assert.match(((await r.json()) as { error: string }).error, /over 1048576 bytes/);
});

test("a malformed percent-encoded token cookie on an exposed server is a 401, through the real proxy", (t) => {
  const saved = { bind: process.env.METACURATE_BIND_HOST, token: process.env.METACURATE_TOKEN };
  process.env.METACURATE_BIND_HOST = "0.0.0.0";
  process.env.METACURATE_TOKEN = "s3cret";
  t.after(() => {
    for (const [k, v] of [["METACURATE_BIND_HOST", saved.bind], ["METACURATE_TOKEN", saved.token]] as const) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });
  const at = (cookie: string) => proxy(new NextRequest("http://10.0.0.5:3000/api/workspaces", { headers: { host: "10.0.0.5:3000", cookie } }));
  for (const cookie of ["metacurate_token=%E0%A4%A", "metacurate_token=%", "a=%zz; metacurate_token=%s3cret"]) {
    const r = at(cookie);
    assert.equal(r.status, 401, cookie);
  }
  assert.equal(at("metacurate_token=s3cret").status, 200);
  assert.equal(at("metacurate_token=%73%33cret").status, 200, "a well-formed encoding still decodes");
});

const local: GuardConfig = { bindHost: "127.0.0.1", token: null, allowedHosts: [] };
const request = (method: string, url: string, headers: Record<string, string>) => ({ method, url: new URL(url), headers: new Headers(headers) });

test("the Origin of a change must have the server's scheme too: an https page is not this http server's", () => {
  const post = (url: string, origin: string) => guardRequest(request("POST", url, { host: "127.0.0.1:3000", "content-type": "application/json", origin }), local);
  assert.equal(post("http://127.0.0.1:3000/api/jobs", "http://127.0.0.1:3000").ok, true);
  assert.equal(post("https://127.0.0.1:3000/api/jobs", "https://127.0.0.1:3000").ok, true, "behind TLS, its own https pages");
  for (const [url, origin] of [["http://127.0.0.1:3000/api/jobs", "https://127.0.0.1:3000"], ["https://127.0.0.1:3000/api/jobs", "http://127.0.0.1:3000"]]) {
    const v = post(url, origin);
    assert.equal(v.ok, false, `${origin} → ${url}`);
    if (!v.ok) { assert.equal(v.status, 403); assert.match(v.error, /origin/); }
  }
});

test("a Host header is exactly name[:port]: userinfo, paths and junk after a loopback name are refused", () => {
  const get = (host: string) => guardRequest(request("GET", "http://127.0.0.1:3400/", { host }), local);
  for (const host of ["127.0.0.1:3400", "localhost", "[::1]:3400", "LOCALHOST:80"]) assert.equal(get(host).ok, true, host);
  for (const host of ["127.0.0.1:3400@evil.com", "localhost@evil.com", "127.0.0.1:3400/evil", "127.0.0.1 evil.com", "127.0.0.1:3400#x", "127.0.0.1:port", "[::1]@evil.com"]) {
    const v = get(host);
    assert.equal(v.ok, false, host);
    if (!v.ok) { assert.equal(v.status, 400, host); assert.match(v.error, /is not a host name with an optional port/); }
  }
});
