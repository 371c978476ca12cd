import path from "node:path";
import { NotFoundError, UsageError } from "../../../../../lib/errors";
import { openInside } from "../../../../../lib/workspace/confined";
import { IMAGE_TYPES } from "../../../../../lib/workspace/imageTypes";
import { dataDir, resolveInside, workspaceDir } from "../../../../../lib/workspace/serve";
import { workspaceShards } from "../../../../../lib/workspace/shards";
import { errorResponse, fileResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const CACHE = { "Cache-Control": "public, max-age=3600" };

/**
 * An image of the workspace: ?path=relative/path.png (the pool's url when it is not http(s)), or
 * ?uid=U&url=V from its webdataset tar shards (by the sample's uid, else its url). Streamed.
 */
export async function GET(req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    const params = new URL(req.url).searchParams;
    const dir = await workspaceDir(dataDir(), name);
    if (params.has("uid") || params.has("url")) {
      const hit = (await workspaceShards(dir)).lookup(params.get("uid"), params.get("url"));
      if (!hit) throw new NotFoundError(`no image for uid ${params.get("uid")?.slice(0, 64)} in the tar shards of "${name}"`);
      // the index checked the member lies inside its shard; the shard is read through a confined open
      const { handle, size } = await openInside(dir, hit.file, `a tar shard of "${name}"`);
      if (hit.offset + hit.size > size) { await handle.close(); throw new NotFoundError(`a tar shard of "${name}" changed since it was indexed`); }
      return fileResponse(handle, hit.offset, hit.size, { "Content-Type": hit.type, ...CACHE });
    }
    const rel = params.get("path") ?? "";
    const type = IMAGE_TYPES[path.extname(rel).slice(1).toLowerCase()];
    if (!type) throw new UsageError(`"${rel.slice(0, 80)}" is not an image (png, jpg, webp, gif)`);
    const file = await resolveInside(dir, rel);
    const { handle, size } = await openInside(dir, file, `"${rel.slice(0, 80)}"`);
    return fileResponse(handle, 0, size, { "Content-Type": type, ...CACHE });
  } catch (e) {
    return errorResponse(e);
  }
}
