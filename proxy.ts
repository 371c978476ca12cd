// Every request passes the guard first (lib/server/requestGuard.ts): Host, token, Origin and body rules.
import { NextResponse, type NextRequest } from "next/server";
import { guardConfigFromEnv, guardRequest } from "./lib/server/requestGuard";

export function proxy(req: NextRequest): NextResponse {
  const verdict = guardRequest({ method: req.method, url: req.nextUrl, headers: req.headers }, guardConfigFromEnv(process.env));
  if (!verdict.ok) return NextResponse.json({ error: verdict.error }, { status: verdict.status });
  // the Host header passed the guard: the redirect stays on the name the client used
  const res = verdict.redirect ? NextResponse.redirect(new URL(verdict.redirect, `${req.nextUrl.protocol}//${req.headers.get("host")}`), 303) : NextResponse.next();
  if (verdict.setCookie) res.headers.append("Set-Cookie", verdict.setCookie);
  return res;
}
