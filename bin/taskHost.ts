/**
 * `metacurate job task-host`: a long-lived process the local job runner starts per slot of a job and
 * hands that job's tasks to, one at a time, over its IPC channel. Each task is a plain `metacurate`
 * command line (what Slurm runs as a process of its own) run here in-process, so the start of Node,
 * the CLI's modules, DuckDB's library, the compiled kernels and the metadata already loaded are paid
 * once per slot, not once per task. A task's output goes to this process's stdout and stderr; the end
 * of each task is a marker line on both (END_MARK + exit code), so the runner knows every line before
 * it belongs to that task. The host exits when the runner closes the channel (or dies).
 */
import { writeFileSync } from "node:fs";
import { UsageError } from "../lib/errors";
import { END_MARK, type HostRequest } from "../lib/jobs/taskHostProtocol";
import { PIPE_CLOSED_EXIT } from "./closedPipes";

export async function serveTasks(main: (argv: string[]) => Promise<number>, dataDir: string, jobId: string): Promise<number> {
  if (!process.send) throw new UsageError("this command runs a local job's tasks for the job runner that starts it (over the runner's IPC channel); it is not typed");
  // every task writes only inside the data directory (lib/util/outputConfinement)
  process.env.METACURATE_OUT_ROOT = dataDir;
  let busy = false, disconnected = false;
  process.on("disconnect", () => {
    disconnected = true;
    if (!busy) process.exit(0);
  });
  process.on("message", (message: HostRequest) => {
    void (async () => {
      busy = true;
      const code = message.env.METACURATE_JOB_ID === jobId ? await runOne(main, message) : refuse(`a task of job ${message.env.METACURATE_JOB_ID}; this host runs job ${jobId}'s`);
      process.stdout.write(`${END_MARK}${code}\n`);
      process.stderr.write(`${END_MARK}${code}\n`);
      busy = false;
      // a reader gone or a runner gone: nothing more to do here
      if (disconnected || process.exitCode === PIPE_CLOSED_EXIT) process.exit(process.exitCode ?? 0);
    })();
  });
  return new Promise<number>(() => {});
}

function refuse(why: string): number {
  process.stderr.write(`metacurate job task-host: refused ${why}\n`);
  return 2;
}

async function runOne(main: (argv: string[]) => Promise<number>, request: HostRequest): Promise<number> {
  const saved = Object.fromEntries(Object.keys(request.env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(request.env)) setEnv(k, v);
  resetPeakRss();
  try {
    return await main(request.argv);
  } finally {
    for (const [k, v] of Object.entries(saved)) setEnv(k, v);
  }
}

function setEnv(key: string, value: string | null | undefined): void {
  if (value === null || value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/** Each task's manifest reports its own peak RSS (lib/pipeline/stagedRun peakRssMb), not the host's so far. */
function resetPeakRss(): void {
  try { writeFileSync("/proc/self/clear_refs", "5"); } catch { /* not Linux: the host's peak is reported */ }
}
