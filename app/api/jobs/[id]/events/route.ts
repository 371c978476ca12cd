import { anyActive, nudgeRunner } from "../../../../../lib/jobs/control";
import { publicJob } from "../../../../../lib/jobs/publicJob";
import { serverStore } from "../../../../../lib/jobs/server";
import { dataDir } from "../../../../../lib/workspace/serve";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Server-sent events: every event of the job from the first (state, task, progress), live, until it ends. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    const store = serverStore(dataDir());
    await store.read(id); // 404 before the stream opens
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        let offset = 0;
        let checked = 0;
        try {
          while (!req.signal.aborted) {
            const read = await store.readEvents(id, offset);
            offset = read.offset;
            for (const e of read.events) controller.enqueue(encoder.encode(`data: ${JSON.stringify(e)}\n\n`));
            const job = await store.read(id);
            if (!anyActive([job]) && (await store.readEvents(id, offset)).events.length === 0) {
              controller.enqueue(encoder.encode(`event: end\ndata: ${JSON.stringify(publicJob(job))}\n\n`));
              break;
            }
            if (Date.now() - checked > 2000) { checked = Date.now(); await nudgeRunner(store, [job]); }
            await new Promise((r) => setTimeout(r, 300));
          }
        } finally {
          controller.close();
        }
      },
    });
    return new Response(stream, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store" } });
  } catch (e) {
    return errorResponse(e);
  }
}
