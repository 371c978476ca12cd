/**
 * One pipeline command's run: a staged output folder and the DuckDB that writes into it, capped in
 * memory and spilling into the staging folder; committed when the work succeeds, removed when not.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError, OutputError, UsageError, UserError, firstLine } from "../errors";
import { openDuckDB, type DuckDBConnection } from "../pool/duckdb";
import { z } from "zod";
import { MIN_MEMORY_LIMIT_GB, memoryLimitField } from "../options/fields";
import { parseOptions } from "../options/validate";
import { StagedOutput, type OpenOptions, type RunInput } from "../util/stagedOutput";
import type { Manifest } from "../workspace/manifest";

/**
 * How much memory the run's DuckDB may hold before it spills. DuckDB's own default is 80% of RAM,
 * which lets a large pool take the whole machine; a quarter of it (1 to 8 GB) keeps a run's
 * footprint bounded whatever the pool size, at no cost in speed on the benchmark pool.
 */
export function defaultMemoryLimitGb(): number {
  return Math.min(8, Math.max(1, Math.floor(os.totalmem() / 4 / 2 ** 30)));
}

/** Peak resident memory of this process so far, in MB (Linux reports maxRSS in KB). */
export function peakRssMb(): number {
  // VmHWM, which a job's task host resets before each task (bin/taskHost.ts); maxRSS is the process's whole life
  const hwm = /^VmHWM:\s*(\d+) kB$/m.exec(readProcStatus());
  return Math.round((hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024);
}

function readProcStatus(): string {
  try { return readFileSync("/proc/self/status", "utf8"); } catch { return ""; }
}

/**
 * The smallest cap accepted (lib/options/fields): DuckDB's joins, sorts and parquet row groups for the
 * curated output need about this much (on a 1M-row LAION pool, 0.1 GB runs out of memory and 0.2 GB completes).
 */
export { MIN_MEMORY_LIMIT_GB };

/** The limit to use, checked: --memory-limit in GB, or the default. */
export function memoryLimitGb(given: number | undefined): number {
  if (given === undefined) return defaultMemoryLimitGb();
  return parseOptions(z.object({ "memory-limit": memoryLimitField }), { "memory-limit": given })["memory-limit"];
}

/** DuckDB running out of memory under the cap, however wrapped, is named as such, with what to do about it. */
export function outOfMemory(e: unknown, memoryGb: number): unknown {
  const found = /Out of Memory Error: (.*)/.exec(firstLine(e));
  if (!found) return e;
  return new UsageError(`DuckDB ran out of memory within its cap of ${memoryGb} GB (${found[1]}); give it more with --memory-limit GB`);
}

/**
 * DuckDB failing to read data (a damaged parquet page, a lying header) is the input's fault, named as
 * such: the input the message names, else all of them; a failure to write in the output is the output's.
 */
export function readFailure(e: unknown, inputs: RunInput[], outDir: string): unknown {
  if (e instanceof UserError) return e;
  const msg = firstLine(e);
  if (!/^(Invalid Input Error|Invalid Error|IO Error|Conversion Error|Serialization Error)\b/.test(msg)) return e;
  if (msg.includes(path.resolve(outDir))) return new OutputError(`cannot write the outputs in ${outDir}: ${msg}`);
  const named = inputs.find((i) => msg.includes(path.resolve(i.path)) || msg.includes(i.path));
  const data = inputs.filter((i) => i.flag !== "metadata"); // unnamed: the pool's data pages, most likely
  const what = named ? [named] : data.length > 0 ? data : inputs;
  const shown = what.slice(0, 3).map((i) => `--${i.flag} ${i.path}`).join(", ") + (what.length > 3 ? ", …" : "");
  return new InputError(`cannot read ${shown}: damaged, or not what it claims to be (${msg})`);
}

export interface StagedResult<M = Manifest> {
  manifest: M;
  /** The data files written into the staging folder (manifest.json is added after them). */
  files: string[];
}

/**
 * Runs `work` with a staged `outDir` (locked; `open` names the inputs it must not overwrite) and a
 * DuckDB capped at `memoryLimitGbGiven` (checked before anything is created); then writes
 * manifest.json and commits in one step, or removes everything on failure.
 */
export async function runStaged<M = Manifest>(outDir: string, memoryLimitGbGiven: number | undefined,
  work: (out: StagedOutput, con: DuckDBConnection) => Promise<StagedResult<M>>, open: OpenOptions = {}): Promise<M> {
  const memory = memoryLimitGb(memoryLimitGbGiven);
  const out = await StagedOutput.open(outDir, { kind: "workspace", ...open });
  let con: DuckDBConnection | null = null;
  try {
    con = await openDuckDB(out.file("duckdb-spill"), memory);
    const { manifest, files } = await work(out, con);
    con.closeSync();
    con = null;
    await out.writeJson("manifest.json", manifest);
    await out.commit([...files, "manifest.json"]);
    return manifest;
  } catch (e) {
    con?.closeSync();
    await out.abort();
    throw outOfMemory(readFailure(e, open.inputs ?? [], outDir), memory);
  }
}
