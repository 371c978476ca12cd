import { dataDir, workspaceDir } from "../../../../../lib/workspace/serve";
import { workspaceShards } from "../../../../../lib/workspace/shards";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The workspace's webdataset tar shards: their paths, how many images each holds, and why a bad one is skipped. */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    const set = await workspaceShards(await workspaceDir(dataDir(), name));
    return Response.json({ shards: set.shards, images: set.images });
  } catch (e) {
    return errorResponse(e);
  }
}
