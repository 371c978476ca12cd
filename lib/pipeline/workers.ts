/** How many matching threads to use when not told: every core. */
import os from "node:os";

export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}
