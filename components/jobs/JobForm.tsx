"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { fmtInt, fmtT } from "../../lib/browser/format";
import { HttpError, httpError } from "../../lib/browser/http";
import { outputNameStatus, submitJob, type OutputKind } from "../../lib/browser/jobs";
import { balanceOptions, curateOptions, shardsField, trainOptions } from "../../lib/options/commands";
import { parseSizeText, parseTText, resolveT } from "../../lib/options/thresholdText";
import { parseOptions } from "../../lib/options/validate";
import { DATACOMP_SCALES, METACLIP_RECIPES } from "../../lib/cluster/recipes";
import type { FilterChoice } from "../../lib/filters/params";
import { choiceFlags, choiceSlug } from "../../lib/filters/panelChoice";
import type { CurateInputs } from "../../lib/jobs/sources";
import { nameBlocksSubmit, OutputNameNotice, type NameCheck } from "./OutputNameNotice";
import { useTakenNames } from "./useTakenNames";

type Kind = "curate" | "balance" | "train";
type Sources = CurateInputs;

/**
 * "Curate at this t" (match and balance the workspace's own pool again, in shards if asked, on this
 * machine or on Slurm) or "Re-balance" (balance its matches): a job at the page's t (or a target
 * size) and seed into a new workspace, checked with the CLI's own schema before it is sent. An output
 * name that is taken is shown as the user types, and replacing it must be confirmed. The job page
 * opens, and when the job succeeds, its workspace; a refused submit leaves the page as it is. Its t
 * and target size are read as /distribution's boxes read them (lib/options/thresholdText): "20,000",
 * "20k", "∞" (no cap: sent as the workspace's `noCap` t); a target size above `largestSize`
 * (every matched row) is refused with that size.
 */
export function JobForm({ workspace, t, seed, noCap, largestSize, filterChoice = null, filterProblem = null }: { workspace: string; t: number; seed: number; noCap: { t: number; what: string }; largestSize: number | null;
  filterChoice?: FilterChoice | null;
  /** Why a curate that filters first with filterChoice cannot succeed (the panel's preview: it keeps no row, or leaves English no match), or null. */
  filterProblem?: string | null }) {
  const router = useRouter();
  const [kind, setKind] = useState<Kind | null>(null);
  const [out, setOut] = useState("");
  const [tText, setTText] = useState(fmtT(t));
  const [targetText, setTargetText] = useState("");
  const [seedText, setSeedText] = useState(String(seed));
  const [shardsText, setShardsText] = useState("1");
  const [executor, setExecutor] = useState<"local" | "slurm">("local");
  /** "Curate at this t" filters first with the filter panel's filter. */
  const [filterFirst, setFilterFirst] = useState(false);
  const filtering = kind === "curate" && filterFirst && filterChoice !== null;
  const [sources, setSources] = useState<Sources | null>(null);
  const [subset, setSubset] = useState<"raw" | "matched" | "curated">("curated");
  const [samplesText, setSamplesText] = useState("");
  const [tower, setTower] = useState<"mlp" | "cnn">("mlp");
  /** "embedded" (the tiny CLIP here) or a cluster recipe: a DataComp scale or MetaCLIP's */
  const [trainer, setTrainer] = useState<string>("embedded");
  const cluster = kind === "train" && trainer !== "embedded";
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setTText(fmtT(t)), [t]);
  useEffect(() => {
    if (kind !== "curate" || sources) return;
    fetch(`/api/workspaces/${encodeURIComponent(workspace)}/sources`, { cache: "no-store" })
      .then(async (res) => { if (!res.ok) throw await httpError(res, "workspace"); setSources((await res.json()) as Sources); })
      .catch((e) => setError(`cannot curate ${workspace} again: ${(e as Error).message}`));
  }, [kind, sources, workspace]);
  const tParsed = parseTText(tText);
  const shownT = tParsed.ok ? resolveT(tParsed.value, noCap.t) : null;
  const name = out || (kind === "train" ? `${workspace}-${cluster ? trainer : subset}-s${seedText.trim() || "0"}` : `${workspace}-${filtering ? `${choiceSlug(filterChoice!)}-` : ""}t${shownT !== null ? Math.round(shownT) : "x"}`);
  const number = (text: string) => (text.trim() === "" ? undefined : Number(text));
  const writes: OutputKind = kind === "train" ? "run" : "workspace";
  const [taken, reloadTaken] = useTakenNames(kind !== null);
  const nameCheck: NameCheck = taken.status === "ready" ? outputNameStatus(name, writes, taken.taken) : taken;
  // the confirmation holds for the name it was given for: another name must be confirmed again
  const [replaceName, setReplaceName] = useState<string | null>(null);
  const replace = nameCheck.status === "taken" && replaceName === name;
  const blocked = kind === "curate" && !sources ? "loading the workspace's pool…" : filtering && filterProblem ? `filter first: ${filterProblem}` : nameBlocksSubmit(nameCheck, replace, name);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const threshold = targetText.trim() ? { "target-size": sizeOf(targetText, largestSize) } : { t: tOf(tParsed, noCap.t) };
      const common = { out: name, seed: number(seedText), ...threshold };
      let spec: Record<string, unknown>;
      if (cluster) {
        const recipe = (DATACOMP_SCALES as readonly string[]).includes(trainer) ? { scale: trainer } : { recipe: trainer };
        spec = { kind: "train", ...parseOptions(trainOptions, { workspace, out: name, seed: number(seedText), ...recipe }, "field") };
      } else if (kind === "train") {
        const samples = number(samplesText);
        spec = { kind: "train", ...parseOptions(trainOptions, { workspace, out: name, subset, seed: number(seedText), tower, ...(samples !== undefined ? { "samples-seen": samples } : {}) }, "field") };
      } else if (kind === "curate") {
        if (!sources) throw new Error("the workspace's pool is not known yet");
        const { filter: filterInputs, ...inputs } = sources;
        spec = { kind: "curate", ...parseOptions(curateOptions, { ...inputs, ...common }, "field") };
        if (filtering) {
          // the filter reads the pool the panel's columns came from (it may hold a score the match pool lacks)
          const { pool, ...sizes } = filterInputs ?? { pool: inputs.pool };
          spec = { ...spec, pool, filter: { ...choiceFlags(filterChoice!), ...(filterChoice!.name === "basic_filter" ? sizes : {}) } };
        }
        const checked = shardsField.safeParse(number(shardsText) ?? Number.NaN);
        if (!checked.success) throw new Error(`"shards": ${checked.error.issues[0].message.replace(/\(got .*\)$/, `(got ${JSON.stringify(shardsText)})`)}`);
        if (checked.data > 1 && !filtering) spec.shards = checked.data;
      } else {
        spec = { kind: "balance", ...parseOptions(balanceOptions, { in: workspace, ...common }, "field") };
      }
      const id = await submitJob({ ...spec, executor, ...(replace ? { replace: true } : {}) });
      router.push(kind === "train" ? `/jobs/${id}` : `/jobs/${id}?open=1`);
    } catch (e) {
      setError((e as Error).message.replace(/^UsageError: /, ""));
      setBusy(false);
      // taken since the form looked (another tab, another client): show the name as it is now
      if (e instanceof HttpError && e.status === 409) reloadTaken();
    }
  };
  if (kind === null) {
    return (
      <div className="flex flex-wrap gap-2">
        <button type="button" data-testid="open-curate" onClick={() => setKind("curate")}
          className="rounded border border-sky-600 px-3 py-1 text-sm text-sky-800 hover:bg-sky-50 dark:text-sky-300 dark:hover:bg-sky-950">Curate at this t…</button>
        <button type="button" data-testid="open-rebalance" onClick={() => setKind("balance")}
          className="rounded border border-zinc-400 px-3 py-1 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-900">Re-balance at this t…</button>
        <button type="button" data-testid="open-train" onClick={() => setKind("train")}
          className="rounded border border-emerald-600 px-3 py-1 text-sm text-emerald-800 hover:bg-emerald-50 dark:text-emerald-300 dark:hover:bg-emerald-950">Train a tiny CLIP on it…</button>
      </div>
    );
  }
  const field = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";
  return (
    <form data-testid="job-form" data-kind={kind} className="flex flex-wrap items-end gap-3 rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800"
      onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <span className="w-full font-medium">
        {kind === "train"
          ? <>A training job: a tiny CLIP on {workspace}&apos;s pairs, then zero-shot on its test set (samples seen fixed, as DataComp does; default: twice the raw pool)</>
          : kind === "curate"
          ? <>A curate job: {workspace}&apos;s pool matched and balanced again{sources && <span className="font-normal text-zinc-500"> ({sources.pool.length} pool file{sources.pool.length === 1 ? "" : "s"}, metadata {sources.metadata})</span>}</>
          : <>A balance job of {workspace}&apos;s matches</>}
      </span>
      {kind === "train" && (
        <label className="flex flex-col">trainer
          <select data-testid="job-form-trainer" value={trainer} onChange={(e) => { setTrainer(e.target.value); setExecutor(e.target.value === "embedded" ? "local" : "slurm"); }} className={field}>
            <option value="embedded">tiny CLIP, here</option>
            {DATACOMP_SCALES.map((s) => <option key={s} value={s}>DataComp {s} (GPU cluster)</option>)}
            {METACLIP_RECIPES.map((r) => <option key={r} value={r}>MetaCLIP {r.replace("metaclip-", "")} (GPU cluster)</option>)}
          </select>
        </label>
      )}
      {cluster ? (
        <p className="w-full text-xs text-zinc-500" data-testid="job-form-cluster-note">
          Reshards the curated subset.npy, trains with the recipe&apos;s fixed hyperparameters, evaluates the 38 DataComp tasks and imports the results. Paths come from the server&apos;s METACURATE_DATACOMP_* (DIR, SHARDS, CONDA_ENV, GPUS_PER_NODE; OPENCLIP_DIR for MetaCLIP); the scripts stay in the job.
        </p>
      ) : kind === "train" ? (<>
        <label className="flex flex-col">pairs
          <select data-testid="job-form-subset" value={subset} onChange={(e) => setSubset(e.target.value as "raw" | "matched" | "curated")} className={field}>
            <option value="curated">curated</option><option value="matched">matched</option><option value="raw">raw</option>
          </select>
        </label>
        <label className="flex flex-col">samples seen
          <input data-testid="job-form-samples" inputMode="numeric" value={samplesText} placeholder="2 × pool" onChange={(e) => setSamplesText(e.target.value)} className={`w-32 ${field}`} />
        </label>
        <label className="flex flex-col">image tower
          <select data-testid="job-form-tower" value={tower} onChange={(e) => setTower(e.target.value as "mlp" | "cnn")} className={field}>
            <option value="mlp">MLP</option><option value="cnn">CNN</option>
          </select>
        </label>
      </>) : (<>
      <label className="flex flex-col">t
        <input data-testid="job-form-t" inputMode="numeric" value={tText} onChange={(e) => setTText(e.target.value)} className={`w-28 ${field}`}
          title="a whole number of matches per entry: 20000, 20,000 or 20k; ∞ for no cap" />
      </label>
      {tParsed.ok && tParsed.value === Infinity && !targetText.trim() && (
        <span data-testid="job-form-t-note" className="self-center text-xs text-zinc-500">∞ is no cap: sent as t = {fmtT(noCap.t)}, {noCap.what}</span>
      )}
      <label className="flex flex-col">or target size (rows)
        <input data-testid="job-form-target" inputMode="numeric" value={targetText} onChange={(e) => setTargetText(e.target.value)} className={`w-36 ${field}`} />
      </label>
      </>)}
      <label className="flex flex-col">seed
        <input data-testid="job-form-seed" inputMode="numeric" value={seedText} onChange={(e) => setSeedText(e.target.value)} className={`w-28 ${field}`} />
      </label>
      {kind === "curate" && filterChoice && (
        <label className="flex items-center gap-1 self-center" title="a filter task over the pool, then the curate of the rows it keeps">
          <input type="checkbox" data-testid="job-form-filter-first" checked={filterFirst} onChange={(e) => setFilterFirst(e.target.checked)} />
          filter first: {choiceSlug(filterChoice)}
        </label>
      )}
      {kind === "curate" && !filtering && (
        <label className="flex flex-col">shards
          <input data-testid="job-form-shards" inputMode="numeric" value={shardsText} onChange={(e) => setShardsText(e.target.value)} className={`w-20 ${field}`} />
        </label>
      )}
      <label className="flex flex-col">runs on
        <select data-testid="job-form-executor" value={executor} onChange={(e) => setExecutor(e.target.value as "local" | "slurm")} className={field}>
          <option value="local">this machine</option>
          <option value="slurm">Slurm</option>
        </select>
      </label>
      <label className="flex flex-col">{kind === "train" ? "into run" : "into workspace"}
        <input data-testid="job-form-out" value={out} placeholder={name} onChange={(e) => setOut(e.target.value)} className={`w-56 ${field}`} />
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={busy || blocked !== null} data-testid="job-form-submit" aria-describedby={blocked ? "job-form-submit-blocked" : undefined}
          title={blocked ?? undefined} className="rounded bg-sky-700 px-3 py-1 text-white hover:bg-sky-800 disabled:opacity-50">Start job</button>
        <button type="button" onClick={() => { setKind(null); setError(null); }} className="rounded px-3 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-900">Close</button>
        {blocked && <span id="job-form-submit-blocked" data-testid="job-form-submit-blocked" className="text-xs text-zinc-500">{blocked}</span>}
      </div>
      {error && <p role="alert" data-testid="job-form-error" className="w-full text-red-700 dark:text-red-400">{error}</p>}
      <OutputNameNotice name={name} writes={writes} check={nameCheck} replace={replace} onReplace={(yes) => setReplaceName(yes ? name : null)} />
    </form>
  );
}

/** The form's t, or a refusal naming the field and the text (∞ sent as the t that caps nothing). */
function tOf(parsed: ReturnType<typeof parseTText>, noCap: number): number {
  if (!parsed.ok) throw new Error(`"t": ${parsed.problem}`);
  return resolveT(parsed.value, noCap);
}

/** The form's target size, or a refusal: not a whole number of rows, or more rows than the pool can give. */
function sizeOf(text: string, largest: number | null): number {
  const r = parseSizeText(text);
  if (!r.ok) throw new Error(`"target-size": ${r.problem}`);
  if (largest !== null && r.value > largest) throw new Error(`"target-size": ${fmtInt(r.value)} rows is more than this pool can give: the largest reachable size is ${fmtInt(largest)} rows (every matched row kept)`);
  return r.value;
}
