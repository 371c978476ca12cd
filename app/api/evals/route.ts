import { servedRuns } from "../../../lib/evals/servedRuns";
import { dataDir, realDataDir } from "../../../lib/workspace/serve";
import { errorResponse } from "../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Every run of the data directory (a folder with eval_results.jsonl, at any depth), with its curation and training. */
export async function GET(): Promise<Response> {
  try {
    return Response.json({ runs: await servedRuns(await realDataDir(dataDir())) });
  } catch (e) {
    return errorResponse(e);
  }
}
