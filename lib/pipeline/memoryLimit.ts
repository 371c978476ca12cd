/**
 * How much memory the run's DuckDB may hold before it spills to the staging folder. DuckDB's own
 * default is 80% of RAM, which lets a large pool take the whole machine; a quarter of it (1 to 8 GB)
 * keeps a run's footprint bounded whatever the pool size, at no cost in speed on the benchmark pool.
 */
import os from "node:os";
import { UsageError } from "../errors";

export function defaultMemoryLimitGb(): number {
  return Math.min(8, Math.max(1, Math.floor(os.totalmem() / 4 / 2 ** 30)));
}

/** The limit to use, checked: --memory-limit in GB, or the default. */
export function memoryLimitGb(given: number | undefined): number {
  if (given === undefined) return defaultMemoryLimitGb();
  if (!Number.isFinite(given) || given < 0.1) throw new UsageError(`--memory-limit must be a number of GB, at least 0.1 (got ${given})`);
  return given;
}
