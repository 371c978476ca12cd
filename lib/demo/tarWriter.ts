/**
 * A minimal, deterministic ustar writer for the demo's webdataset shards (mtime 0, fixed owner and
 * mode), so the same demo gives byte-identical shards. Names must fit ustar's 100 bytes.
 */
const BLOCK = 512;

function header(name: string, size: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (s: string, at: number) => h.set(Buffer.from(s, "utf8"), at);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar member name too long: ${name}`);
  put(name, 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(size.toString(8).padStart(11, "0") + "\0", 124);
  put("00000000000\0", 136);
  put("        ", 148);
  put("0", 156);
  put("ustar\0", 257);
  put("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}

/** The tar archive of the given members, in order. */
export function tarArchive(members: { name: string; data: Uint8Array }[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    parts.push(header(m.name, m.data.length), m.data);
    const pad = (BLOCK - (m.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(parts);
}
