/**
 * The runs of the dashboard's data directory (Node only), each linked to a served workspace when one
 * holds its curation's pool and metadata: the workspace it names, if served with the same metadata;
 * else the served workspace whose pool files (by sha256) and metadata equal those of the run's own
 * workspace (a re-balance of a served workspace, like the demo experiment's balanced-tN), the one it was
 * balanced from first when several are alike. Ids are paths below the data directory; no server path is sent.
 */
import path from "node:path";
import { readManifest } from "../workspace/artifacts";
import { isInside } from "../workspace/confined";
import type { Manifest } from "../workspace/manifest";
import { listWorkspaces, workspaceDir } from "../workspace/serve";
import { readRuns } from "./readRuns";
import { compactRun, type EvalRun } from "./run";
import { realpath } from "node:fs/promises";

const poolKey = (m: Manifest) => JSON.stringify([m.match.metadata.metadataHash, m.match.pool.files.map((f) => f.sha256)]);

export async function servedRuns(root: string): Promise<EvalRun[]> {
  const realRoot = await realpath(root);
  const runs = await readRuns([realRoot], realRoot);
  const served = await listWorkspaces(realRoot);
  const byName = new Map(served.map((w) => [w.name, w]));
  const byPool = new Map<string, string>();
  const byDir = new Map<string, { name: string; key: string }>();
  for (const w of served) {
    const dir = await workspaceDir(realRoot, w.name);
    const m = await readManifest(dir).catch(() => null);
    if (!m) continue;
    if (!byPool.has(poolKey(m))) byPool.set(poolKey(m), w.name);
    byDir.set(await realpath(dir).catch(() => dir), { name: w.name, key: poolKey(m) });
  }
  const keyOf = new Map<string, { key: string; source: string | null } | null>();
  for (const run of runs) {
    const c = run.curation;
    const named = c.workspace ? byName.get(c.workspace) : undefined;
    if (named && (!c.metadataHash || named.metadataHash === c.metadataHash)) c.servedWorkspace = named.name;
    else if (c.workspacePath) {
      if (!keyOf.has(c.workspacePath)) {
        const real = await realpath(path.resolve(realRoot, c.workspacePath)).catch(() => null);
        const m = real && isInside(realRoot, real) ? await readManifest(real).catch(() => null) : null;
        const source = m?.balance?.source ? await realpath(path.resolve(real!, m.balance.source)).catch(() => null) : null;
        keyOf.set(c.workspacePath, m ? { key: poolKey(m), source } : null);
      }
      const found = keyOf.get(c.workspacePath);
      const origin = found?.source ? byDir.get(found.source) : undefined;
      c.servedWorkspace = !found ? null : origin && origin.key === found.key ? origin.name : byPool.get(found.key) ?? null;
    }
  }
  return runs.map(compactRun);
}
