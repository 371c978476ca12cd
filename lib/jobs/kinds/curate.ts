/**
 * A curate job: match then balance a pool into a workspace of the data directory. With `shards` S > 1
 * it runs as a sharded job: S match tasks (`match --shard I/S`), a reduce (the pool's counts, size
 * curve and t), S balance tasks at that t, and a merge into the workspace; the outputs are the ones
 * one `curate` process writes. The intermediate folders live in the job's folder.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { filterChoiceOptions, MAX_SHARDS, poolInputs, shardsField } from "../../options/commands";
import { oneThreshold, pathField, thresholdFields } from "../../options/fields";
import { fieldName, languageFlagsProblem, type LanguageFlags } from "../../options/languageFlags";
import { UsageError } from "../../errors";
import { openDuckDB } from "../../pool/duckdb";
import { readFileLayout, splitPool } from "../../pool/poolSplit";
import { checkWorkspaceName, refuseInputsInside, resolveInput } from "../paths";
import { optionFlags, slurmFields, type JobKind, type TaskPlan } from "./kind";

const { progress: _progress, ...inputs } = poolInputs;

export { MAX_SHARDS };

const schema = z.strictObject({
  kind: z.literal("curate"),
  shards: shardsField.optional(),
  ...inputs,
  out: pathField,
  /** Filter first: one of DataComp's filters (a filter job's fields) over the pool; the curate reads what it keeps. */
  filter: filterChoiceOptions.optional(),
  ...thresholdFields,
  ...slurmFields,
}).superRefine(oneThreshold(true)).superRefine((o, ctx) => {
  if (o.filter && (o.shards ?? 1) > 1) ctx.addIssue({ code: "custom", path: ["shards"], message: "a curate that filters first runs as one task (its filtered pool does not exist when the job is planned): leave shards at 1" });
});

const FILTER_OPTIONS = ["name", "arch", "score-col", "threshold", "fraction", "min-words", "min-chars", "min-side", "max-aspect", "lid", "width-col", "height-col"] as const;

const POOL_OPTIONS = ["text-col", "url-col", "uid-col", "skip-null-text", "workers", "memory-limit"] as const;
const THRESHOLD_OPTIONS = ["t", "p", "target-size", "seed"] as const;

export const curateKind: JobKind = {
  kind: "curate",
  schema,
  plan(spec, roots) {
    const out = checkWorkspaceName(spec.out as string, "out");
    const metadata = resolveInput(spec.metadata as string, "metadata", roots);
    const folder = statSync(metadata, { throwIfNoEntry: false })?.isDirectory() === true;
    // refused at submit as the command refuses it at run time
    const languageProblem = languageFlagsProblem(spec.metadata as string, folder, spec as LanguageFlags, fieldName);
    if (languageProblem) throw new UsageError(languageProblem);
    // a worldwide folder's lists are inputs too: none may lead out of the data directory
    if (folder) for (const name of readdirSync(metadata).filter((n) => n.endsWith(".json"))) resolveInput(`${spec.metadata as string}/${name}`, "metadata", roots);
    const pool = (spec.pool as string[]).map((p, i) => resolveInput(p, `pool[${i}]`, roots));
    const outDir = path.join(roots.dataDir, out);
    // a worldwide curate's caption languages: a pool column, and the map of its labels (an input file like the pool)
    const lidMap = spec["lid-map"] === undefined ? null : resolveInput(spec["lid-map"] as string, "lid-map", roots);
    refuseInputsInside(outDir, out, [["metadata", metadata], ...pool.map((p, i): [string, string] => [`pool[${i}]`, p]), ...(lidMap ? [["lid-map", lidMap] as [string, string]] : [])]);
    const language = [...optionFlags(spec, ["lang-col", "lid"]), ...(lidMap ? ["--lid-map", lidMap] : [])];
    const shards = (spec.shards as number | undefined) ?? 1;
    const memory = optionFlags(spec, ["memory-limit"]);
    const filter = spec.filter as Record<string, unknown> | undefined;
    if (filter) {
      // two plain commands: filter the pool into the job's folder, then curate what it kept
      return {
        out,
        tasks: (jobDir) => {
          const filtered = path.join(jobDir, "filtered");
          return [
            { name: "filter", after: [], argv: ["filter", "--pool", ...pool, "--out", filtered, ...optionFlags(filter, FILTER_OPTIONS), ...optionFlags(spec, ["text-col", "url-col", "uid-col", "memory-limit"])] },
            { name: "curate", after: ["filter"], argv: ["curate", "--metadata", metadata, "--pool", path.join(filtered, "filtered.parquet"), "--out", outDir, ...optionFlags(spec, [...POOL_OPTIONS, ...THRESHOLD_OPTIONS]), ...language] },
          ];
        },
      };
    }
    if (shards === 1) {
      const argv = ["curate", "--metadata", metadata, "--pool", ...pool, "--out", outDir, ...optionFlags(spec, [...POOL_OPTIONS, ...THRESHOLD_OPTIONS]), ...language];
      return { out, tasks: () => [{ name: "curate", argv, after: [] }] };
    }
    return {
      out,
      check: () => checkShardable(pool, shards),
      tasks: (jobDir) => {
        const index = Array.from({ length: shards }, (_, i) => i);
        const matched = index.map((i) => path.join(jobDir, "shards", String(i)));
        const balanced = index.map((i) => path.join(jobDir, "balanced", String(i)));
        const reduced = path.join(jobDir, "reduce");
        const matchNames = index.map((i) => `match-${i}`), balanceNames = index.map((i) => `balance-${i}`);
        const tasks: TaskPlan[] = [
          ...index.map((i) => ({ name: matchNames[i], array: "match", after: [],
            argv: ["match", "--metadata", metadata, "--pool", ...pool, "--shard", `${i}/${shards}`, "--out", matched[i], "--tables-cache", path.join(jobDir, "cache"), ...optionFlags(spec, POOL_OPTIONS), ...language] })),
          { name: "reduce", after: matchNames, argv: ["reduce", "--shards", ...matched, "--out", reduced, ...optionFlags(spec, THRESHOLD_OPTIONS), ...memory] },
          ...index.map((i) => ({ name: balanceNames[i], array: "balance", after: ["reduce"],
            argv: ["balance", "--in", matched[i], "--reduced", reduced, "--out", balanced[i], ...memory] })),
          { name: "merge", after: balanceNames, argv: ["merge", "--shards", ...balanced, "--reduced", reduced, "--out", outDir, ...memory] },
        ];
        return tasks;
      },
    };
  },
};

/** Refuses at submit a shard count the pool cannot be cut into (its files, row groups and rows allow fewer). */
async function checkShardable(pool: string[], shards: number): Promise<void> {
  const con = await openDuckDB();
  try {
    const layouts = [];
    for (const file of pool) layouts.push(await readFileLayout(con, file));
    splitPool(layouts, shards);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`"shards": ${e.message}`);
    throw e;
  } finally {
    con.closeSync();
  }
}

/** An input inside the output folder would be replaced by the job's commit: refused at submit, naming it. */
