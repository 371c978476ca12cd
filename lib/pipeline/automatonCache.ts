/**
 * Built matcher tables kept on disk for the next run on the same metadata: a sharded job's match
 * tasks build them once instead of once per shard (148k entries: ~0.8-1.4 s each, against ~20 ms to
 * read 8 MB back). Keyed by the metadata's hash and the tool's version; a file that does not check
 * out (size, layout, sha256 of its payload) is ignored and rebuilt. Written whole, then renamed.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildAutomaton, type AutomatonTables } from "../curation/automaton";
import { TOOL_VERSION } from "../workspace/manifest";

const FORMAT = 1;
const ARRAYS = ["hotTable", "vocabTable", "tokenOffsets", "tokenBytes", "edgeTable", "outIds"] as const;
type ArrayKey = (typeof ARRAYS)[number];

export function cacheFile(dir: string, metadataHash: string): string {
  return path.join(dir, `automaton-${metadataHash.slice(0, 32)}-${TOOL_VERSION}-f${FORMAT}.bin`);
}

/** The last tables this process read or built, by metadata hash: a job's task host runs shard after shard on them. */
let last: { metadataHash: string; tables: AutomatonTables } | null = null;

/** The tables for `entries` (whose hash is metadataHash): read from the cache folder, else built and stored there. */
export async function cachedAutomaton(dir: string, metadataHash: string, entries: readonly string[]): Promise<{ tables: AutomatonTables; cached: boolean }> {
  if (last?.metadataHash === metadataHash && last.tables.entryCount === entries.length) return { tables: last.tables, cached: true };
  const file = cacheFile(dir, metadataHash);
  const read = await readFile(file).then(decode, () => null);
  if (read && read.entryCount === entries.length) {
    last = { metadataHash, tables: read };
    return { tables: read, cached: true };
  }
  const tables = buildAutomaton(entries);
  last = { metadataHash, tables };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, encode(tables));
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }); // a cache that cannot be written costs only the next run's build
  }
  return { tables, cached: false };
}

function encode(t: AutomatonTables): Buffer {
  const parts = ARRAYS.map((k) => Buffer.from(t[k].buffer, t[k].byteOffset, t[k].byteLength));
  const payload = Buffer.concat(parts);
  const { hotTable: _h, vocabTable: _v, tokenOffsets: _o, tokenBytes: _b, edgeTable: _e, outIds: _i, ...scalars } = t;
  const header = Buffer.from(JSON.stringify({ format: FORMAT, scalars, lengths: parts.map((p) => p.length), sha256: createHash("sha256").update(payload).digest("hex") }));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length);
  return Buffer.concat([size, header, payload]);
}

function decode(buf: Buffer): AutomatonTables | null {
  try {
    const headerLength = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString("utf8")) as { format: number; scalars: Omit<AutomatonTables, ArrayKey>; lengths: number[]; sha256: string };
    const payload = buf.subarray(4 + headerLength);
    if (header.format !== FORMAT || header.lengths.length !== ARRAYS.length || header.lengths.reduce((a, b) => a + b, 0) !== payload.length) return null;
    if (createHash("sha256").update(payload).digest("hex") !== header.sha256) return null;
    const arrays: Partial<Record<ArrayKey, Int32Array | Uint8Array>> = {};
    let at = 0;
    ARRAYS.forEach((k, i) => {
      const bytes = new Uint8Array(header.lengths[i]);
      bytes.set(payload.subarray(at, at + header.lengths[i])); // copied: aligned, and not a view of the file's buffer
      at += header.lengths[i];
      arrays[k] = k === "tokenBytes" ? bytes : new Int32Array(bytes.buffer);
    });
    return { ...header.scalars, ...arrays } as AutomatonTables;
  } catch {
    return null;
  }
}
