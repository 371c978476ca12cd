import { UsageError } from "../../../lib/errors";
import { reconcileJobs, startSupervisor } from "../../../lib/jobs/local";
import { readJsonBody, serverRoots, serverStore } from "../../../lib/jobs/server";
import { checkExecutor, planJob } from "../../../lib/jobs/spec";
import { dataDir } from "../../../lib/workspace/serve";
import { errorResponse } from "../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Every job, newest first (jobs whose supervisor died are taken up again first). */
export async function GET(): Promise<Response> {
  try {
    return Response.json({ jobs: await reconcileJobs(serverStore(dataDir())) });
  } catch (e) {
    return errorResponse(e);
  }
}

/** Submits a job: the spec as JSON (keys: the CLI's flag names, plus kind), with an optional "executor". */
export async function POST(req: Request): Promise<Response> {
  try {
    const body = await readJsonBody(req);
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new UsageError("a job spec must be a JSON object");
    const { executor: given, ...spec } = body as Record<string, unknown>;
    const planned = planJob(spec, serverRoots(dataDir()));
    const executor = await checkExecutor(given);
    const store = serverStore(dataDir());
    const job = await store.create(planned, executor);
    await startSupervisor(store, job.id);
    return Response.json({ id: job.id }, { status: 202 });
  } catch (e) {
    return errorResponse(e);
  }
}
