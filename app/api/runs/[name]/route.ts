import path from "node:path";
import { InputError, NotFoundError } from "../../../../lib/errors";
import { readServedRunRecord } from "../../../../lib/evals/servedRunRecord";
import { dataDir, NAME, realDataDir } from "../../../../lib/workspace/serve";
import { errorResponse } from "../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const KEPT = ["subset", "subset_size", "images_missing", "t", "tail_share", "seed", "samples_seen", "passes", "tower", "batch", "lr", "steps", "stopped_early", "losses", "eval", "head_classes", "classes", "samples_per_second", "timings_ms", "version"];

/** A training run of the data directory: what it trained on, how long, and its eval line (no server paths). */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    if (!NAME.test(name)) throw new NotFoundError(`no run "${name.slice(0, 80)}"`);
    const run = await readServedRunRecord(await realDataDir(dataDir()), name);
    const workspace = typeof run.workspace === "string" ? path.basename(run.workspace) : "–";
    let body: string;
    try {
      body = JSON.stringify({ name, workspace, ...Object.fromEntries(KEPT.map((k) => [k, run[k]])) });
    } catch {
      throw new InputError(`run "${name}": run.json is nested too deeply to send`); // JSON.stringify recurses: a 100,000-deep array overflows it
    }
    return new Response(body, { headers: { "Content-Type": "application/json" } });
  } catch (e) {
    return errorResponse(e);
  }
}
