import { cancelJob } from "../../../../../lib/jobs/control";
import { publicJob } from "../../../../../lib/jobs/publicJob";
import { serverStore } from "../../../../../lib/jobs/server";
import { dataDir } from "../../../../../lib/workspace/serve";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    const store = serverStore(dataDir());
    return Response.json(publicJob(await cancelJob(store, id)));
  } catch (e) {
    return errorResponse(e);
  }
}
