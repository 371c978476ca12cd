import { nudgeRunner } from "../../../../lib/jobs/control";
import { publicJob, publicText } from "../../../../lib/jobs/publicJob";
import { serverStore } from "../../../../lib/jobs/server";
import { dataDir } from "../../../../lib/workspace/serve";
import { errorResponse } from "../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    const store = serverStore(dataDir());
    const job = await store.read(id);
    await nudgeRunner(store, [job]);
    // the job page also shows the spec, the generated scripts and, with ?log=1, the tail of the log
    const withLog = new URL(req.url).searchParams.get("log") === "1";
    // a training job's loss so far, from its progress events
    const losses = job.kind === "train"
      ? (await store.readEvents(id)).events.flatMap((e) => (e.type === "progress" && typeof e.loss === "number" ? [{ step: e.done, loss: e.loss }] : []))
      : [];
    const scripts = Object.fromEntries(Object.entries(await store.scripts(id)).map(([name, text]) => [name, publicText(text)]));
    return Response.json({ ...publicJob(job), spec: await store.spec(id), scripts, losses, ...(withLog ? { log: publicText(await store.logTail(id, 32 * 1024)) } : {}) });
  } catch (e) {
    return errorResponse(e);
  }
}
