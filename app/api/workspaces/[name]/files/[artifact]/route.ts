import path from "node:path";
import { NotFoundError } from "../../../../../../lib/errors";
import { readManifest } from "../../../../../../lib/workspace/artifacts";
import { openInside } from "../../../../../../lib/workspace/confined";
import { dataDir, matchesForBrowser, SERVED_ARTIFACTS, workspaceDir } from "../../../../../../lib/workspace/serve";
import { errorResponse, fileResponse } from "../../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ name: string; artifact: string }> }): Promise<Response> {
  try {
    const { name, artifact } = await ctx.params;
    if (!(SERVED_ARTIFACTS as readonly string[]).includes(artifact)) throw new NotFoundError(`"${artifact.slice(0, 80)}" is not a workspace artifact`);
    const dir = await workspaceDir(dataDir(), name);
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    let file = path.join(dir, artifact), root = dir;
    if (artifact === "matches.parquet") {
      const matches = await matchesForBrowser(dir, await readManifest(dir));
      ({ file, root } = matches);
      headers["X-Matched-Rows"] = String(matches.totalRows);
      headers["X-Sample-Rows"] = String(matches.sampleRows);
    }
    const { handle, size } = await openInside(root, file, `${artifact} of workspace "${name}"`);
    headers["Content-Type"] = artifact.endsWith(".json") ? "application/json" : "application/vnd.apache.parquet";
    return fileResponse(handle, 0, size, headers);
  } catch (e) {
    return errorResponse(e);
  }
}
