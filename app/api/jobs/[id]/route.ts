import { reconcileJobs } from "../../../../lib/jobs/local";
import { serverStore } from "../../../../lib/jobs/server";
import { dataDir } from "../../../../lib/workspace/serve";
import { errorResponse } from "../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    const store = serverStore(dataDir());
    const [job] = await reconcileJobs(store, [await store.read(id)]);
    // the job page also shows the spec, the generated scripts and, with ?log=1, the tail of the log
    const withLog = new URL(req.url).searchParams.get("log") === "1";
    // a training job's loss so far, from its progress events
    const losses = job.kind === "train"
      ? (await store.readEvents(id)).events.flatMap((e) => (e.type === "progress" && typeof e.loss === "number" ? [{ step: e.done, loss: e.loss }] : []))
      : [];
    return Response.json({ ...job, spec: await store.spec(id), scripts: await store.scripts(id), losses, ...(withLog ? { log: await store.logTail(id, 32 * 1024) } : {}) });
  } catch (e) {
    return errorResponse(e);
  }
}
