/**
 * Reading Slurm: `squeue` for live state (exact, no lag), `sacct` for how a job ended (it lags the
 * controller by seconds, so a record missing there means "not yet", never "gone"), and `scontrol`
 * while sacct has nothing (no accounting, or its lag). Text formats (`-o`, `-P`) rather than
 * `--json`, whose schema changes between Slurm releases.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A Slurm job state with its " by <uid>" suffix removed. */
export type SlurmState = string;

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"]);

export function isTerminal(state: SlurmState): boolean {
  return TERMINAL.has(state);
}

export interface Ended {
  state: SlurmState;
  exitCode: number;
  signal: number;
  /** Why (scontrol's Reason): "Dependency" for a job cancelled because what it waited on failed. */
  reason: string | null;
}

/** `squeue -h -r -o '%i|%T|%r'` lines → id ("A_i" or "J") → state and reason. */
export function parseSqueue(text: string): Map<string, { state: SlurmState; reason: string }> {
  const out = new Map<string, { state: SlurmState; reason: string }>();
  for (const line of text.split("\n")) {
    const [id, state, reason] = line.trim().split("|");
    if (id && state) out.set(id, { state: state.split(" ")[0], reason: reason ?? "" });
  }
  return out;
}

/** `sacct -X -n -P -o JobID,State,ExitCode` lines → id → terminal record (non-terminal lines are left out). */
export function parseSacct(text: string): Map<string, Ended> {
  const out = new Map<string, Ended>();
  for (const line of text.split("\n")) {
    const [id, stateText, exit] = line.trim().split("|");
    if (!id || !stateText) continue;
    const state = stateText.split(" ")[0];
    if (!isTerminal(state)) continue;
    const [code, signal] = (exit ?? "0:0").split(":").map(Number);
    out.set(id, { state, exitCode: code || 0, signal: signal || 0, reason: null });
  }
  return out;
}

/** `scontrol show job ID` → its state, exit code and reason, when the controller still holds it. */
export function parseScontrol(text: string): Ended | null {
  const field = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(text)?.[1] ?? null;
  const state = field("JobState");
  if (!state || !isTerminal(state)) return null;
  const [code, signal] = (field("ExitCode") ?? "0:0").split(":").map(Number);
  return { state, exitCode: code || 0, signal: signal || 0, reason: field("Reason") };
}

export async function squeue(ids: string[]): Promise<Map<string, { state: SlurmState; reason: string }>> {
  if (ids.length === 0) return new Map();
  const jobs = [...new Set(ids.map((i) => i.split("_")[0]))];
  // -t all keeps ended jobs (for MinJobAge); ids the controller no longer knows make squeue fail: then nothing is live
  const { stdout } = await run("squeue", ["-h", "-r", "-t", "all", "-o", "%i|%T|%r", "-j", jobs.join(",")]).catch(() => ({ stdout: "" }));
  return parseSqueue(stdout);
}

export async function ended(id: string): Promise<Ended | null> {
  const acct = await run("sacct", ["-X", "-n", "-P", "-o", "JobID,State,ExitCode", "-j", id]).then((r) => parseSacct(r.stdout).get(id) ?? null, () => null);
  // scontrol knows the reason (a dependency that can never be met) and has no lag, for MinJobAge after the end
  const ctl = await run("scontrol", ["show", "job", id]).then((r) => parseScontrol(r.stdout), () => null);
  if (acct && ctl) return { ...acct, reason: ctl.reason };
  return acct ?? ctl;
}

export async function sbatch(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run("sbatch", ["--parsable", ...args], { cwd });
  const id = stdout.trim().split(";")[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed ${JSON.stringify(stdout.slice(0, 200))}, not a job id`);
  return id;
}

export async function scancel(ids: string[]): Promise<void> {
  if (ids.length > 0) await run("scancel", ids).catch(() => {});
}

/** Whether this machine can submit to Slurm (sbatch exists and the controller answers). */
export async function slurmAvailable(): Promise<string | null> {
  try {
    await run("sinfo", ["-h", "-o", "%P"], { timeout: 10_000 });
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "sinfo is not installed (no Slurm client here)" : `the Slurm controller does not answer: ${(e as Error).message.split("\n")[0]}`;
  }
}
