import path from "node:path";
import { dataDir, listWorkspaces } from "../../../lib/workspace/serve";
import { errorResponse } from "../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The workspaces of the data directory (named by its folder name only: no server path leaves the server). */
export async function GET(): Promise<Response> {
  try {
    return Response.json({ dataDir: path.basename(dataDir()), workspaces: await listWorkspaces(dataDir()) });
  } catch (e) {
    return errorResponse(e);
  }
}
