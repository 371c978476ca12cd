import { serverRoots } from "../../../../../lib/jobs/server";
import { curateInputsOf } from "../../../../../lib/jobs/sources";
import { readManifest } from "../../../../../lib/workspace/artifacts";
import { dataDir, realDataDir, workspaceDir } from "../../../../../lib/workspace/serve";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The workspace's metadata and pool as a curate job spec names them (paths relative to the data directory or a pools folder). */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    const manifest = await readManifest(await workspaceDir(dataDir(), name));
    return Response.json(curateInputsOf(manifest, serverRoots(await realDataDir())));
  } catch (e) {
    return errorResponse(e);
  }
}
