/** Page helpers: wait on the app's own events (window.__metacurateEvents), never on sleeps. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { E2E_DATA, REPO } from "./workspaces";

/** An app event as recorded in the page: its fields, and `at` (performance.now() when it was emitted). */
export interface AppEvent { type: string; at: number; [k: string]: unknown }

/** Resolves with the first event (recorded from now on, or already recorded when `past`) that satisfies pred. */
export async function waitEvent(page: Page, type: string, match: Record<string, unknown> = {}): Promise<AppEvent> {
  const handle = await page.waitForFunction(([type, match]) => {
    const events = (window as unknown as { __metacurateEvents?: AppEvent[] }).__metacurateEvents ?? [];
    return events.find((e) => e.type === type && Object.entries(match).every(([k, v]) => e[k] === v)) ?? null;
  }, [type, match] as const);
  return (await handle.jsonValue()) as AppEvent;
}

export async function clearEvents(page: Page): Promise<void> {
  await page.evaluate(() => { (window as unknown as { __metacurateEvents?: unknown[] }).__metacurateEvents = []; });
}

export async function stat(page: Page, id: string): Promise<string> {
  return (await page.getByTestId(id).getAttribute("data-value")) ?? "";
}

/** `metacurate stats --json` on a fixture workspace: the engine's own figures. */
export function engineStats(workspace: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "stats", "--in", path.join(E2E_DATA, workspace), "--json", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** The engine's `balance --target-size N` on a fixture workspace: the t it picks. */
export function engineTargetT(workspace: string, size: number): number {
  const out = mkdtempSync(path.join(os.tmpdir(), "mc-target-"));
  try {
    const r = spawnSync(process.execPath, [path.join(REPO, "bin", "metacurate.mjs"), "balance", "--in", path.join(E2E_DATA, workspace), "--target-size", String(size), "--out", path.join(out, "ws")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(readFileSync(path.join(out, "ws", "manifest.json"), "utf8")).balance.t;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
