import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../../../../../../lib/errors";
import { readManifest } from "../../../../../../lib/pipeline/manifest";
import { dataDir, matchesForBrowser, SERVED_ARTIFACTS, workspaceDir, type ServedArtifact } from "../../../../../../lib/workspace/serve";
import { errorResponse } from "../../../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ name: string; artifact: string }> }): Promise<Response> {
  try {
    const { name, artifact } = await ctx.params;
    if (!(SERVED_ARTIFACTS as readonly string[]).includes(artifact)) throw new InputError(`"${artifact}" is not a workspace artifact`);
    const dir = await workspaceDir(dataDir(), name);
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    let file = path.join(dir, artifact as ServedArtifact);
    if (artifact === "matches.parquet") {
      const matches = await matchesForBrowser(dir, await readManifest(dir));
      file = matches.file;
      headers["X-Matched-Rows"] = String(matches.totalRows);
      headers["X-Sample-Rows"] = String(matches.sampleRows);
    }
    const bytes = await readFile(file).catch(() => { throw new InputError(`workspace "${name}" has no ${artifact}`); });
    headers["Content-Type"] = artifact.endsWith(".json") ? "application/json" : "application/vnd.apache.parquet";
    return new Response(new Uint8Array(bytes), { headers });
  } catch (e) {
    return errorResponse(e);
  }
}
