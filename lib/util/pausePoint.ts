/**
 * A test hook for crash tests: with METACURATE_PAUSE_AT=label[,label...] (or "*"), a run reaching
 * one of these points says "paused at LABEL" on stderr and waits METACURATE_PAUSE_MS (default
 * 300 ms), so a test can `kill -9` it at exactly that point. Without the variable it does nothing.
 */
export async function pausePoint(label: string): Promise<void> {
  const at = process.env.METACURATE_PAUSE_AT;
  if (!at || (at !== "*" && !at.split(",").includes(label))) return;
  process.stderr.write(`metacurate: paused at ${label}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.METACURATE_PAUSE_MS ?? 300)));
}
