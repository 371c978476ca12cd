import { readFile } from "node:fs/promises";
import path from "node:path";
import { NotFoundError } from "../../../../lib/errors";
import { realInside } from "../../../../lib/workspace/confined";
import { dataDir, realDataDir } from "../../../../lib/workspace/serve";
import { errorResponse } from "../../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A training run of the data directory: what it trained on, how long, and its eval line (no server paths). */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  try {
    const { name } = await ctx.params;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) throw new NotFoundError(`no run "${name.slice(0, 80)}"`);
    const root = await realDataDir(dataDir());
    const file = await realInside(root, path.join(root, name, "run.json"), `run "${name}"`).catch(() => { throw new NotFoundError(`no run "${name}"`); });
    const run = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const keep = ["subset", "subset_size", "images_missing", "t", "tail_share", "seed", "samples_seen", "passes", "tower", "batch", "lr", "steps", "stopped_early", "losses", "eval", "samples_per_second", "timings_ms", "version"];
    return Response.json({ name, workspace: path.basename(String(run.workspace)), ...Object.fromEntries(keep.map((k) => [k, run[k]])) });
  } catch (e) {
    return errorResponse(e);
  }
}
