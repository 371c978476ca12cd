import { dataDir, listWorkspaces } from "../../../lib/workspace/serve";
import { errorResponse } from "../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json({ dataDir: dataDir(), workspaces: await listWorkspaces(dataDir()) });
  } catch (e) {
    return errorResponse(e);
  }
}
