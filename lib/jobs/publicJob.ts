/** A job as a client of the server sees it: paths relative to the data directory, no server path. */
import { relativeToDataDir } from "../workspace/publicPaths";
import type { JobRecord } from "./types";

export { relativeToDataDir as publicText };

/** The record with its tasks' command lines and errors made relative (the data directory is the server's, METACURATE_DATA_DIR). */
export function publicJob(job: JobRecord): JobRecord {
  const text = (s: string | null | undefined) => (s == null ? null : relativeToDataDir(s));
  return {
    ...job,
    error: text(job.error),
    tasks: job.tasks.map((t) => ({ ...t, argv: t.argv.map(relativeToDataDir), error: text(t.error) })),
  };
}
