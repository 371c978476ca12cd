/**
 * What a training run's pairs are, as one hash: the pool's files (by sha256) and columns, the metadata
 * (by its hash), the subset trained on and, for a curated set, the t and seed of its draw. Two
 * workspaces curated from the same inputs at the same t and seed have the same hash wherever they
 * live and however long they took (a manifest's own sha256 differs: it records paths and timings).
 * Node only.
 */
import { createHash } from "node:crypto";
import type { Manifest } from "./manifest";

export function curationHash(manifest: Manifest, subset: "raw" | "matched" | "curated"): string {
  const m = manifest.match, b = manifest.balance;
  const identity = {
    pool: m.pool.files.map((f) => f.sha256), columns: m.pool.columns, uid: m.pool.uid,
    metadata: m.metadata.metadataHash, subset,
    ...(subset === "curated" ? { t: b?.t ?? null, seed: b?.seed ?? null, draw: b?.draw ?? null } : {}),
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}
