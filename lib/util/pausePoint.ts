/**
 * A test hook for crash and race tests: with METACURATE_PAUSE_AT=label[,label...] (or "*"), a run
 * reaching one of these points says "paused at LABEL" on stderr and holds still there, so a test can
 * look at it or `kill -9` it at exactly that moment. It holds until the file METACURATE_PAUSE_UNTIL
 * exists (the test releases it; a point reached when the file exists already passes silently, so a
 * server can carry the variables and a test close the gate only for its own job), else for
 * METACURATE_PAUSE_MS (default 300 ms). Without METACURATE_PAUSE_AT it does nothing.
 */
import { access } from "node:fs/promises";
import path from "node:path";

export async function pausePoint(label: string): Promise<void> {
  const at = process.env.METACURATE_PAUSE_AT;
  if (!at || (at !== "*" && !at.split(",").includes(label))) return;
  const until = process.env.METACURATE_PAUSE_UNTIL;
  const released = () => access(until!).then(() => true, () => false);
  if (until && (await released())) return;
  process.stderr.write(`metacurate: paused at ${label}\n`);
  if (until) {
    while (!(await released())) {
      // the folder of the release file is gone: so is the test that held this point; nothing will release it
      if (!(await access(path.dirname(until)).then(() => true, () => false))) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.METACURATE_PAUSE_MS ?? 300)));
}
