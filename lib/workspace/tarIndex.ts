/**
 * Webdataset tar shards (img2dataset / DataComp layout: `KEY.jpg` beside `KEY.json` holding `uid` and
 * `url`): an index from uid and from url to the image's byte range, read from the tar headers without
 * unpacking. Handles ustar prefixes, GNU long names and pax `path` records.
 */
import { open } from "node:fs/promises";
import { IMAGE_TYPES } from "./imageTypes";


export interface ShardImage {
  file: string;
  offset: number;
  size: number;
  type: string;
}

export interface TarIndex {
  byUid: Map<string, ShardImage>;
  byUrl: Map<string, ShardImage>;
  images: number;
}

const BLOCK = 512;
const MAX_JSON = 1 << 20;

function cString(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return Buffer.from(b.subarray(start, end)).toString("utf8");
}

function octalOrBinary(b: Uint8Array, start: number, len: number): number {
  if (b[start] & 0x80) { // GNU base-256 for large sizes
    let v = b[start] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[start + i];
    return v;
  }
  const s = cString(b, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxPath(data: Buffer): string | null {
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString("ascii"), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (record.slice(0, eq) === "path") return record.slice(eq + 1);
    pos += len;
  }
  return null;
}

/** Webdataset key and extension: the basename splits at its first dot; the folder stays in the key. */
export function splitKey(name: string): { key: string; ext: string } {
  const slash = name.lastIndexOf("/");
  const dot = name.indexOf(".", slash + 1);
  return dot < 0 ? { key: name, ext: "" } : { key: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/** Scans one tar file; a file that is not a tar (bad header checksum) throws an error naming it. */
export async function indexTar(file: string): Promise<TarIndex> {
  const fh = await open(file, "r");
  const images = new Map<string, ShardImage>();
  const meta = new Map<string, { uid?: string; url?: string }>();
  try {
    const { size: fileSize } = await fh.stat();
    const header = new Uint8Array(BLOCK);
    let pos = 0, longName: string | null = null;
    while (pos + BLOCK <= fileSize) {
      await fh.read(header, 0, BLOCK, pos);
      if (header.every((x) => x === 0)) break;
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
      if (sum !== octalOrBinary(header, 148, 8)) throw new Error(`${file} is not a tar file (bad header at byte ${pos})`);
      const size = octalOrBinary(header, 124, 12);
      const type = String.fromCharCode(header[156] || 48);
      const prefix = cString(header, 345, 155);
      let name = longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
      longName = null;
      const data = pos + BLOCK;
      // a header may lie: its size must be a number whose data lies inside the file
      if (!Number.isSafeInteger(size) || size < 0) throw new Error(`${file}: the header at byte ${pos} has no valid size`);
      if (data + size > fileSize) throw new Error(`${file}: the member at byte ${pos} claims ${size} bytes, past the end of the file (${fileSize} bytes)`);
      if (type === "L" || type === "x") {
        const body = Buffer.alloc(Math.min(size, MAX_JSON));
        await fh.read(body, 0, body.length, data);
        longName = type === "L" ? cString(body, 0, body.length) : paxPath(body);
      } else if (type === "0" || type === "7") {
        if (name.startsWith("./")) name = name.slice(2);
        const { key, ext } = splitKey(name);
        if (IMAGE_TYPES[ext]) images.set(key, { file, offset: data, size, type: IMAGE_TYPES[ext] });
        else if (ext === "json" && size <= MAX_JSON) {
          const body = Buffer.alloc(size);
          await fh.read(body, 0, size, data);
          try {
            const j = JSON.parse(body.toString("utf8")) as { uid?: unknown; url?: unknown };
            meta.set(key, { uid: j.uid == null ? undefined : String(j.uid), url: typeof j.url === "string" ? j.url : undefined });
          } catch { /* a sample without readable metadata is only reachable by nothing */ }
        }
      }
      pos = data + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    await fh.close();
  }
  const byUid = new Map<string, ShardImage>(), byUrl = new Map<string, ShardImage>();
  for (const [key, img] of images) {
    const m = meta.get(key);
    if (m?.uid) byUid.set(m.uid, img);
    if (m?.url) byUrl.set(m.url, img);
  }
  return { byUid, byUrl, images: images.size };
}
