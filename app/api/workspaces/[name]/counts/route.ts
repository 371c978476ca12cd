import { countsForBrowser } from "../../../../../lib/workspace/countsForBrowser";
import { dataDir, workspaceDir } from "../../../../../lib/workspace/serve";
import { errorResponse } from "../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The workspace's entry counts as one Arrow IPC stream (entry-id order): what the first figures need. */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    const { ipc, hasSource } = await countsForBrowser(await workspaceDir(dataDir(), name));
    return new Response(new Uint8Array(ipc), { headers: { "Content-Type": "application/vnd.apache.arrow.stream", "Cache-Control": "no-store", "X-Has-Source": hasSource ? "1" : "0" } });
  } catch (e) {
    return errorResponse(e);
  }
}
