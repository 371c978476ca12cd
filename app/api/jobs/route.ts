import { UsageError } from "../../../lib/errors";
import { nudgeRunner, submitJob } from "../../../lib/jobs/control";
import { publicJob } from "../../../lib/jobs/publicJob";
import { readJsonBody, serverRoots, serverStore } from "../../../lib/jobs/server";
import { dataDir } from "../../../lib/workspace/serve";
import { errorResponse } from "../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Every job, newest first, with its spec. Reading changes no job; a runner is started if jobs wait with none there. */
export async function GET(): Promise<Response> {
  try {
    const store = serverStore(dataDir());
    const jobs = await store.list();
    await nudgeRunner(store, jobs);
    // each with its spec: the list says what a job does (its t and seed, a run's subset)
    const listed = [];
    for (const j of jobs) listed.push({ ...publicJob(j), spec: await store.spec(j.id).catch(() => undefined) });
    return Response.json({ jobs: listed });
  } catch (e) {
    return errorResponse(e);
  }
}

/**
 * Submits a job: the spec as JSON (keys: the CLI's flag names, plus kind), with an optional
 * "executor" and "replace". 202 with its id; 409 when its output exists (without "replace": true) or
 * a queued or running job writes it.
 */
export async function POST(req: Request): Promise<Response> {
  try {
    const body = await readJsonBody(req);
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new UsageError("a job spec must be a JSON object");
    const { executor, ...spec } = body as Record<string, unknown>;
    const job = await submitJob(serverStore(dataDir()), spec, executor, serverRoots(dataDir()));
    return Response.json({ id: job.id }, { status: 202 });
  } catch (e) {
    return errorResponse(e);
  }
}
