import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../../../../../lib/errors";
import { dataDir, resolveInside, workspaceDir } from "../../../../../lib/workspace/serve";
import { IMAGE_TYPES } from "../../../../../lib/workspace/imageTypes";
import { workspaceShards } from "../../../../../lib/workspace/shards";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";


const CACHE = { "Cache-Control": "public, max-age=3600" };

/**
 * An image of the workspace: ?path=relative/path.png (the pool's url when it is not http(s)), or
 * ?uid=U&url=V from its webdataset tar shards (by the sample's uid, else its url).
 */
export async function GET(req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    const params = new URL(req.url).searchParams;
    if (params.has("uid") || params.has("url")) {
      const dir = await workspaceDir(dataDir(), name);
      const hit = (await workspaceShards(dir)).lookup(params.get("uid"), params.get("url"));
      if (!hit) throw new InputError(`no image for uid ${params.get("uid")?.slice(0, 64)} in the tar shards of "${name}"`);
      const bytes = new Uint8Array(hit.size);
      const fh = await open(hit.file, "r");
      try { await fh.read(bytes, 0, hit.size, hit.offset); } finally { await fh.close(); }
      return new Response(bytes, { headers: { "Content-Type": hit.type, ...CACHE } });
    }
    const rel = params.get("path") ?? "";
    const type = IMAGE_TYPES[path.extname(rel).slice(1).toLowerCase()];
    if (!type) throw new InputError(`"${rel.slice(0, 80)}" is not an image (png, jpg, webp, gif)`);
    const file = await resolveInside(await workspaceDir(dataDir(), name), rel);
    return new Response(new Uint8Array(await readFile(file)), { headers: { "Content-Type": type, ...CACHE } });
  } catch (e) {
    return errorResponse(e);
  }
}
