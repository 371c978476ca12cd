/** What a client may see of the server's paths: names relative to the data directory, nothing above it. */
import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataDir, sampleCacheDir } from "./serve";

/** `text` with the data directory's (and caches') absolute paths made relative, and every other absolute path cut to its last name. */
export function relativeToDataDir(text: string): string {
  const roots = [dataDir(), sampleCacheDir(), os.tmpdir()].flatMap((p) => {
    const abs = path.resolve(p);
    try { return [abs, realpathSync(abs)]; } catch { return [abs]; }
  }).sort((a, b) => b.length - a.length);
  let out = text;
  for (const root of roots) out = out.split(root + path.sep).join("").split(root).join(".");
  return out.replace(/(^|[\s"'(=])\/(?:[^\s"'()/]+\/)+([^\s"'()/]*)/g, "$1$2");
}
