import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../../../../../lib/errors";
import { dataDir, resolveInside, workspaceDir } from "../../../../../lib/workspace/serve";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const TYPES: Record<string, string> = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif" };

/** A local image of the workspace: ?path=relative/path.png (the pool's url when it is not http(s)). */
export async function GET(req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    const rel = new URL(req.url).searchParams.get("path") ?? "";
    const type = TYPES[path.extname(rel).toLowerCase()];
    if (!type) throw new InputError(`"${rel.slice(0, 80)}" is not an image (png, jpg, webp, gif)`);
    const file = await resolveInside(await workspaceDir(dataDir(), name), rel);
    return new Response(new Uint8Array(await readFile(file)), { headers: { "Content-Type": type, "Cache-Control": "public, max-age=3600" } });
  } catch (e) {
    return errorResponse(e);
  }
}
