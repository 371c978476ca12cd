// Generated scripts say what they mean. A data directory whose path holds a newline, quotes, backticks,
// `$(…)`, spaces, % or unicode, and cluster paths just as hostile: every cluster script and every
// .sbatch script passes `bash -n`, holds no control character but its line breaks, and — run with
// bash, each command a stub that records what it was given — runs nothing it should not (no PWNED
// file anywhere) and hands every program exactly the paths it was meant to. What an #SBATCH line
// cannot hold is refused, naming it; control characters in paths are refused at the edge (spec fields,
// --data-dir of job submit, train and serve, cluster paths), and so is a conda env starting with "-".
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { launcher } from "../lib/jobs/launcher";
import { resolveInput } from "../lib/jobs/paths";
import { writeScripts } from "../lib/jobs/slurm";
import { planJob } from "../lib/jobs/spec";
import { JobStore } from "../lib/jobs/store";
import type { JobRecord } from "../lib/jobs/types";
import { serveOptions } from "../lib/options/commands";
import { parseOptions } from "../lib/options/validate";
import { cli } from "./support/cli";
import { tempDir, writeParquet } from "./support/fixtures";

/** Data directory names an attacker or a careless user might give. */
const HOSTILE = [
  "nl\n$(touch PWNED)\n`touch PWNED`;touch PWNED",
  "quote'single\"double`touch PWNED`$(touch PWNED)",
  "space s #hash ${HOME} $PATH !bang &amp; |pipe >redir",
  "percent 50%off %a %j %%",
  "unicode ünï ☃ 漢字 \u2028line-sep",
  "ctl tab\there esc\u001b[31m cr\r del\u007f",
  "back\\slash \\n $'x'",
];
/** A path an #SBATCH line cannot name (sbatch reads directives line by line; a backslash turns Slurm's %a off). */
const notForSbatch = (s: string) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/.test(s);
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** Commands the scripts call, as stubs recording (name, cwd, argv) NUL-separated into $STUB_LOG. */
function stubs(dir: string): string {
  const bin = path.join(dir, "bin");
  mkdirSync(path.join(dir, "conda-base", "etc", "profile.d"), { recursive: true });
  writeFileSync(path.join(dir, "conda-base", "etc", "profile.d", "conda.sh"), "");
  mkdirSync(bin);
  const record = `printf '%s\\0' "$(basename "$0")" "$PWD" "$#" "$@" >> "$STUB_LOG"`;
  const stub = (name: string, body: string) => { writeFileSync(path.join(bin, name), `#!/bin/bash\n${record}\n${body}\n`); chmodSync(path.join(bin, name), 0o755); };
  stub("python", `[ "\${1:-}" = - ] && cat >/dev/null; echo 0`);
  stub("torchrun", "");
  stub("srun", "");
  stub("scontrol", "echo node1");
  stub("conda", `[ "\${1:-}" = info ] && echo ${JSON.stringify(path.join(dir, "conda-base"))}; true`);
  return bin;
}

function readStubLog(file: string): { name: string; cwd: string; argv: string[] }[] {
  const parts = readFileSync(file, "utf8").split("\0");
  const calls = [];
  for (let i = 0; i + 2 < parts.length;) {
    const [name, cwd, n] = [parts[i], parts[i + 1], Number(parts[i + 2])];
    calls.push({ name, cwd, argv: parts.slice(i + 3, i + 3 + n) });
    i += 3 + n;
  }
  return calls;
}

/** A file named exactly PWNED anywhere below `dir`: proof that something ran. */
function pwned(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).filter((p) => path.basename(p) === "PWNED");
}

/** One argument of an #SBATCH line as sbatch reads it (src/sbatch/opt.c, _get_argument): '…' or "…" quote, \ escapes, an unquoted # ends it. */
function sbatchArgument(line: string): string {
  let out = "", quote = "", escaped = false;
  for (const ch of line.replace(/^#SBATCH\s+/, "")) {
    if (escaped) { out += ch; escaped = false; continue; }
    if (ch === "\\") { escaped = true; continue; }
    if (quote) { if (ch === quote) quote = ""; else out += ch; continue; }
    if (ch === "'" || ch === '"') { quote = ch; continue; }
    if (ch === "#" || /\s/.test(ch)) break;
    out += ch;
  }
  return out;
}

async function cleanDataDir(root: string): Promise<string> {
  const data = path.join(root, "clean");
  mkdirSync(path.join(data, "in"), { recursive: true });
  await writeParquet(path.join(data, "in", "pool.parquet"), Array.from({ length: 200 }, (_, i) => ({ url: `http://example.invalid/${i}.jpg`, text: `a ${["red", "blue"][i % 2]} dog ${i}` })));
  writeFileSync(path.join(data, "in", "metadata.json"), JSON.stringify(["dog", "red", "blue"]));
  const r = cli("curate", "--metadata", path.join(data, "in", "metadata.json"), "--pool", path.join(data, "in", "pool.parquet"), "--out", path.join(data, "ws"), "--t", "50", "--progress", "none");
  assert.equal(r.code, 0, r.stderr);
  return data;
}

test("every cluster and .sbatch script, for hostile data directories and cluster paths: bash -n, no control character, runs nothing, hands over the exact paths", { timeout: 240_000 }, async (t) => {
  const root = tempDir(t, "mc-quote-");
  const clean = await cleanDataDir(root);
  const bin = stubs(root);
  // cluster paths may hold anything but control characters
  const hostilePath = (what: string) => {
    const p = path.join(root, `${what} 'q' "d" $(touch PWNED) \`touch PWNED\` ☃ %a #x;touch PWNED`);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const datacomp = hostilePath("datacomp"), openClip = hostilePath("open_clip"), shards = hostilePath("shards"), evalData = hostilePath("eval"), scratch = hostilePath("scratch");
  const launcherPath = launcher();
  let checked = 0;

  for (const [n, name] of HOSTILE.entries()) {
    const data = path.join(root, `data-${n}-${name}`);
    execFileSync("cp", ["-a", clean, data]);
    const real = realpathSync(data);
    const store = new JobStore(data);
    const roots = { dataDir: data, poolsDirs: [] };
    const specs: Record<string, unknown>[] = [
      { kind: "train", workspace: "ws", out: "run", scale: "small", "datacomp-dir": datacomp, shards, "eval-data": evalData, "conda-env": "my-env" },
      { kind: "train", workspace: "ws", out: "run", scale: "xlarge", nodes: 2, "gpus-per-node": 8, "datacomp-dir": datacomp, shards, "work-dir": scratch },
      { kind: "train", workspace: "ws", out: "run", recipe: "metaclip-b32-400m", nodes: 1, "gpus-per-node": 8, "datacomp-dir": datacomp, "open-clip-dir": openClip, shards },
      { kind: "curate", metadata: "in/metadata.json", pool: ["in/pool.parquet"], t: 50, shards: 2, out: "ws2" },
      { kind: "balance", in: "ws", t: 20, out: "ws3" },
    ];
    for (const spec of specs) {
      const job = await store.create(planJob(spec, roots), "slurm");
      const jobDir = store.dir(job.id);
      const scripts: string[] = [];

      // the cluster steps' scripts: run whole, each program a stub
      if (spec.kind === "train") {
        const plan = JSON.parse(readFileSync(path.join(jobDir, "cluster", "plan.json"), "utf8"));
        for (const step of ["reshard.sh", "train.sh", "evaluate.sh"]) {
          const file = path.join(jobDir, "cluster", step);
          scripts.push(file);
          const cwd = path.join(root, `cwd-${checked}`);
          mkdirSync(cwd);
          const log = path.join(root, `stub-${checked++}.log`);
          writeFileSync(log, "");
          const r = spawnSync("bash", [file], { cwd, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STUB_LOG: log, SLURM_JOB_NODELIST: "node1" } });
          assert.equal(r.status, 0, `${step} of ${JSON.stringify(name)}: ${r.stderr}`);
          const calls = readStubLog(log);
          const program = calls.find((c) => c.name !== "conda" && c.name !== "scontrol" && !(c.name === "python" && (c.argv[0] === "-" || c.argv[0] === "-c")))!;
          assert.equal(program.cwd, datacomp, `${step} runs in the DataComp checkout`);
          const work = plan.input.workDir as string;
          if (step === "reshard.sh") {
            assert.deepEqual(program.argv.slice(0, 7), ["resharder.py", "-i", shards, "-o", `${work}/shards`, "-s", path.join(real, "ws", "subset.npy")]);
          } else if (step === "evaluate.sh") {
            assert.deepEqual(program.argv.slice(0, 3), ["evaluate.py", "--train_output_dir", `${work}/train/run`]);
            if (spec["eval-data"]) assert.equal(program.argv[program.argv.indexOf("--data_dir") + 1], evalData);
          } else {
            const dirFlag = spec.recipe ? "--logs" : "--output_dir";
            assert.equal(program.argv[program.argv.indexOf(dirFlag) + 1], `${work}/train`, `${step}: ${program.argv.join(" | ")}`);
          }
          if (spec["conda-env"]) assert.deepEqual(calls.find((c) => c.name === "conda" && c.argv[0] === "activate")?.argv, ["activate", "my-env"]);
          assert.deepEqual(pwned(cwd), [], `${step} ran something from ${JSON.stringify(name)}`);
        }
      }

      // the .sbatch scripts: refused where an #SBATCH line cannot name the job's log folder, else run with `exec` recorded
      if (notForSbatch(real)) {
        await assert.rejects(writeScripts(store, job, {}), /the (log file|job's log folder) ".*" cannot (be written into an #SBATCH line: it holds (a newline|a tab|a control character|a carriage return)|name a Slurm log file: it holds a backslash)/);
      } else {
        await writeScripts(store, job, { partition: "gpu", time: "1:00:00", mem: "4G" });
        const slurmDir = path.join(jobDir, "slurm");
        for (const script of readdirSync(slurmDir).filter((f) => f.endsWith(".sbatch"))) {
          const file = path.join(slurmDir, script);
          scripts.push(file);
          const text = readFileSync(file, "utf8");
          const unit = script.replace(/\.sbatch$/, "");
          const tasks = job.tasks.filter((x) => (x.array ?? x.name) === unit);
          const output = text.split("\n").find((l) => l.startsWith("#SBATCH --output="))!;
          assert.equal(sbatchArgument(output), `--output=${path.join(slurmDir, "logs").replaceAll("%", "%%")}/${tasks[0].array ? `${unit}-%a` : unit}.log`, output);
          tasks.forEach((task, i) => checkSbatchRun(file, task, i, data, launcherPath, root));
        }
      }
      for (const file of scripts) {
        const syntax = spawnSync("bash", ["-n", file], { encoding: "utf8" });
        assert.equal(syntax.status, 0, `bash -n ${file}: ${syntax.stderr}`);
        assert.doesNotMatch(readFileSync(file, "utf8"), CONTROL_BUT_LINE_BREAKS, `${file} holds a control character`);
      }
    }
  }
  assert.deepEqual(pwned(root), [], "something ran");
});

/** Runs an .sbatch script (array task i) with bash, its final `exec` recorded instead of run: it must cd into the data directory and exec exactly the task's command. */
function checkSbatchRun(file: string, task: JobRecord["tasks"][number], i: number, data: string, launcherPath: string, root: string): void {
  const record = path.join(root, "exec.rec");
  writeFileSync(record, "");
  const r = spawnSync("bash", ["-c", `exec() { printf '%s\\0' "$PWD" "$@" > "$REC"; }; . "$1"`, "_", file], {
    cwd: root, encoding: "utf8", env: { ...process.env, REC: record, ...(task.array ? { SLURM_ARRAY_TASK_ID: String(i) } : {}) },
  });
  assert.equal(r.status, 0, `${file} (task ${task.name}): ${r.stderr}`);
  const got = readFileSync(record, "utf8").split("\0").slice(0, -1);
  assert.deepEqual(got, [data, process.execPath, launcherPath, ...task.argv, "--progress", "json"], `${path.basename(file)} task ${task.name}`);
}

test("what an #SBATCH line cannot hold is refused, naming it", { timeout: 120_000 }, async (t) => {
  const root = tempDir(t, "mc-quote-");
  const data = await cleanDataDir(root);
  const store = new JobStore(data);
  const job = await store.create(planJob({ kind: "balance", in: "ws", t: 20, out: "ws3" }, { dataDir: data, poolsDirs: [] }), "slurm");
  await assert.rejects(writeScripts(store, job, { partition: "gpu\n#SBATCH --wrap=touch PWNED" }), /the partition \(slurm-partition or METACURATE_SLURM_PARTITION\) "gpu\\n#SBATCH --wrap=touch PWNED" cannot be written into an #SBATCH line: it holds a newline \(\\n\) at character 4/);
  await assert.rejects(writeScripts(store, job, { mem: "4G\r" }), /the memory \(slurm-mem or METACURATE_SLURM_MEM\) .* holds a carriage return/);
  // values sbatch takes bare stay bare; others are quoted as sbatch reads quotes
  await writeScripts(store, job, { partition: "gpu,cpu", time: "1-00:00:00", mem: "16G" });
  const text = readFileSync(path.join(store.dir(job.id), "slurm", "balance.sbatch"), "utf8");
  for (const line of ["#SBATCH --partition=gpu,cpu", "#SBATCH --time=1-00:00:00", "#SBATCH --mem=16G", "#SBATCH --cpus-per-task=1", "#SBATCH --job-name=metacurate-balance"]) assert.ok(text.includes(line + "\n"), line);
});

test("control characters in paths are refused at the edge, naming the field; a conda env starting with - is refused", { timeout: 120_000 }, async (t) => {
  const root = tempDir(t, "mc-quote-");
  const data = await cleanDataDir(root);
  const roots = { dataDir: data, poolsDirs: [] };
  // spec path fields (the CLI's job submit and the API plan specs the same way)
  assert.throws(() => planJob({ kind: "curate", metadata: "in/metadata.json", pool: ["in/pool.parquet", "in/a\n$(touch PWNED).parquet"], t: 5, out: "o" }, roots), /"pool"\[1\]: holds a newline \(\\n\) at character 5/);
  assert.throws(() => planJob({ kind: "curate", metadata: "in/meta\tdata.json", pool: ["in/pool.parquet"], t: 5, out: "o" }, roots), /"metadata": holds a tab \(\\t\)/);
  assert.throws(() => planJob({ kind: "balance", in: "ws", t: 5, out: "o\u001b[31m" }, roots), /"out": holds a control character \(\\u001b\)/);
  assert.throws(() => planJob({ kind: "train", workspace: "ws", out: "run", "eval-task": "in/e\u0085.json" }, roots), /"eval-task": holds a control character \(\\u0085\)/);
  assert.throws(() => resolveInput("in/pool.parquet\n", "pool[0]", roots), /"pool\[0\]": "in\/pool\.parquet\\n" holds a newline/);
  // cluster paths
  const train = (extra: Record<string, unknown>) => planJob({ kind: "train", workspace: "ws", out: "run", scale: "small", "datacomp-dir": "/opt/datacomp", shards: "/s", ...extra }, roots);
  assert.throws(() => train({ "datacomp-dir": "/opt/dc\n$(touch PWNED)" }), /"datacomp-dir": must be an absolute path on the cluster, one line: it holds a newline/);
  assert.throws(() => train({ shards: "/s\r" }), /"shards": .* holds a carriage return/);
  assert.throws(() => train({ "work-dir": "/w\u0085" }), /"work-dir": .* holds a control character \(\\u0085\)/);
  assert.throws(() => train({ "eval-data": "/e\t" }), /"eval-data": .* holds a tab/);
  assert.throws(() => planJob({ kind: "train", workspace: "ws", out: "run", recipe: "metaclip-b32-400m", "datacomp-dir": "/d", shards: "/s", "open-clip-dir": "/o\u007f" }, roots), /"open-clip-dir": .* holds a control character \(\\u007f\)/);
  // conda activate would read a leading - as an option
  for (const env of ["-n", "--help", "-"]) assert.throws(() => train({ "conda-env": env }), /"conda-env": must be a conda environment name or path: .*not starting with "-"/, env);
  assert.ok(train({ "conda-env": "my-env_2.0" }));
  process.env.METACURATE_DATACOMP_CONDA_ENV = "--prefix=/tmp/x";
  t.after(() => { delete process.env.METACURATE_DATACOMP_CONDA_ENV; });
  assert.throws(() => train({}).files!(path.join(data, ".jobs", "20261205-000000-abcdef")), /METACURATE_DATACOMP_CONDA_ENV: must be a conda environment name or path: .*not starting with "-"/);
  delete process.env.METACURATE_DATACOMP_CONDA_ENV;

  // --data-dir of job submit, train and serve (a real folder whose name holds a newline)
  const nl = path.join(root, "data\n$(touch PWNED)");
  execFileSync("cp", ["-a", data, nl]);
  writeFileSync(path.join(root, "spec.json"), JSON.stringify({ kind: "balance", in: "ws", t: 20, out: "ws3" }));
  const submit = cli("job", "submit", "--data-dir", nl, "--spec", path.join(root, "spec.json"), "--executor", "local");
  assert.equal(submit.code, 2, submit.stderr);
  assert.match(submit.stderr, /--data-dir: holds a newline \(\\n\) at character \d+/);
  const clusterTrain = cli("train", "--data-dir", nl, "--workspace", "ws", "--out", "run", "--scale", "small", "--datacomp-dir", "/d", "--shards", "/s");
  assert.equal(clusterTrain.code, 2, clusterTrain.stderr);
  assert.match(clusterTrain.stderr, /--data-dir: holds a newline/);
  const serve = cli("serve", "--data-dir", path.join(root, "absent\nfolder"));
  assert.equal(serve.code, 2, serve.stderr);
  assert.match(serve.stderr, /--data-dir: holds a newline/);
  assert.throws(() => parseOptions(serveOptions, { "pools-dir": ["/p\tq"] }), /--pools-dir\[0\]: holds a tab/);
  const curate = cli("curate", "--metadata", path.join(data, "in", "metadata.json"), "--pool", path.join(data, "in", "pool.parquet"), "--out", path.join(root, "o\nut"), "--t", "5");
  assert.equal(curate.code, 2, curate.stderr);
  assert.match(curate.stderr, /--out: holds a newline/);
  assert.deepEqual(pwned(root), []);
});
