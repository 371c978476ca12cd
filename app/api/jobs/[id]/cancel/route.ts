import { cancelJob } from "../../../../../lib/jobs/local";
import { serverStore } from "../../../../../lib/jobs/server";
import { dataDir } from "../../../../../lib/workspace/serve";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    return Response.json(await cancelJob(serverStore(dataDir()), id));
  } catch (e) {
    return errorResponse(e);
  }
}
