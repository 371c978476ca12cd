/**
 * `metacurate cluster step --script FILE` (Node only): one step of a cluster training job, the script
 * the job wrote, run with bash; its output passes through to the job's log. A failed script is exit 1
 * (the Slurm executor runs it once more: train.py and evaluate.py resume), with its last line named.
 */
import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError, UserError } from "../errors";

export class StepFailed extends UserError {
  constructor(message: string) { super(message, 1); }
}

export async function runStep(script: string, onStage: (s: string) => void): Promise<void> {
  const s = await stat(script).catch(() => null);
  if (!s?.isFile()) throw new InputError(`--script ${script} is not a file`);
  const name = path.basename(script);
  onStage(name.replace(/\.sh$/, ""));
  let last = "";
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", "pipe", "pipe"] });
    const pass = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
      to.write(chunk);
      const lines = chunk.toString("utf8").split("\n").map((l) => l.trim()).filter(Boolean);
      if (lines.length) last = lines[lines.length - 1];
    };
    child.stdout.on("data", pass(process.stdout));
    child.stderr.on("data", pass(process.stderr));
    child.on("error", reject);
    child.on("close", (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) throw new StepFailed(`${name} exited with code ${code}${last ? ` (last line: ${last.slice(0, 200)})` : ""}`);
}
