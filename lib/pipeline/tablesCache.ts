/**
 * Built matcher tables kept on disk for the next run on the same metadata: a sharded job's match
 * tasks build them once instead of once per shard (148k entries: ~0.8-1.4 s each, against ~20 ms to
 * read 8 MB back; a worldwide folder of 1.5M entries: ~3 s). Keyed by the kind of tables, the
 * metadata's hash (a folder's covers every language and list) and the tool's version; a file that does
 * not check out (layout, sizes, sha256 of its payload) is ignored and rebuilt. Written whole, then renamed.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { TOOL_VERSION } from "../workspace/manifest";

const FORMAT = 2;

/** Which tables: MetaCLIP's token automaton (lib/curation/automaton) or MetaCLIP 2's per-language tables (lib/curation/worldwideMatcher). */
export type TablesKind = "automaton" | "worldwide";

export function cacheFile(dir: string, kind: TablesKind, metadataHash: string): string {
  return path.join(dir, `${kind}-${metadataHash.slice(0, 32)}-${TOOL_VERSION}-f${FORMAT}.bin`);
}

/** The last tables this process read or built, by file: a job's task host runs shard after shard on them. */
let last: { file: string; tables: object } | null = null;

/**
 * The tables of the metadata whose hash is `metadataHash`: this process's last ones, else read from
 * the cache folder, else built and stored there. `fits` checks what was read against the metadata loaded.
 */
export async function cachedTables<T extends object>(dir: string, kind: TablesKind, metadataHash: string, build: () => T, fits: (t: T) => boolean): Promise<{ tables: T; cached: boolean }> {
  const file = cacheFile(dir, kind, metadataHash);
  if (last?.file === file && fits(last.tables as T)) return { tables: last.tables as T, cached: true };
  const read = await readFile(file).then((b) => decode(b) as T | null, () => null);
  if (read && fits(read)) {
    last = { file, tables: read };
    return { tables: read, cached: true };
  }
  const tables = build();
  last = { file, tables };
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

/** A typed array in the header's layout: its type and index in the payload. */
type ArrayRef = { $array: "i32" | "u8"; index: number };

/** The tables' layout (scalars, objects, lists) with each typed array replaced by a reference to its bytes. */
function layoutOf(value: unknown, arrays: Uint8Array[]): unknown {
  if (value instanceof Int32Array || value instanceof Uint8Array) {
    arrays.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { $array: value instanceof Int32Array ? "i32" : "u8", index: arrays.length - 1 } satisfies ArrayRef;
  }
  if (ArrayBuffer.isView(value)) throw new TypeError(`${value.constructor.name} in matcher tables: the cache stores Int32Array and Uint8Array only`);
  if (Array.isArray(value)) return value.map((v) => layoutOf(v, arrays));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, layoutOf(v, arrays)]));
  return value;
}

function encode(tables: object): Buffer {
  const arrays: Uint8Array[] = [];
  const layout = layoutOf(tables, arrays);
  const payload = Buffer.concat(arrays);
  const header = Buffer.from(JSON.stringify({ format: FORMAT, layout, lengths: arrays.map((a) => a.byteLength), sha256: createHash("sha256").update(payload).digest("hex") }));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length);
  return Buffer.concat([size, header, payload]);
}

/** Each array copied out of the file into memory of its own (shared with the match workers where it can be, as built tables are). */
function restore(layout: unknown, arrays: Uint8Array[]): unknown {
  if (Array.isArray(layout)) return layout.map((v) => restore(v, arrays));
  if (layout === null || typeof layout !== "object") return layout;
  const ref = layout as Partial<ArrayRef>;
  if (ref.$array === "i32" || ref.$array === "u8") {
    const bytes = arrays[ref.index!];
    if (!bytes || (ref.$array === "i32" && bytes.byteLength % 4 !== 0)) throw new RangeError("bad array reference");
    const buffer = typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(Math.max(4, bytes.byteLength)) : new ArrayBuffer(Math.max(4, bytes.byteLength));
    new Uint8Array(buffer).set(bytes);
    return ref.$array === "i32" ? new Int32Array(buffer, 0, bytes.byteLength / 4) : new Uint8Array(buffer, 0, bytes.byteLength);
  }
  return Object.fromEntries(Object.entries(layout).map(([k, v]) => [k, restore(v, arrays)]));
}

function decode(buf: Buffer): object | null {
  try {
    const headerLength = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString("utf8")) as { format: number; layout: object; lengths: number[]; sha256: string };
    const payload = buf.subarray(4 + headerLength);
    if (header.format !== FORMAT || header.lengths.reduce((a, b) => a + b, 0) !== payload.length) return null;
    if (createHash("sha256").update(payload).digest("hex") !== header.sha256) return null;
    const arrays: Uint8Array[] = [];
    let at = 0;
    for (const n of header.lengths) { arrays.push(payload.subarray(at, at + n)); at += n; }
    return restore(header.layout, arrays) as object;
  } catch {
    return null;
  }
}
