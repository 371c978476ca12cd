import { reconcileJobs } from "../../../../lib/jobs/local";
import { serverStore } from "../../../../lib/jobs/server";
import { dataDir } from "../../../../lib/workspace/serve";
import { errorResponse } from "../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    const store = serverStore(dataDir());
    const [job] = await reconcileJobs(store, [await store.read(id)]);
    return Response.json(job);
  } catch (e) {
    return errorResponse(e);
  }
}
