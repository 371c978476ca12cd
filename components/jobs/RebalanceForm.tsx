"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { submitJob } from "../../lib/browser/jobs";
import { balanceOptions } from "../../lib/options/commands";
import { parseOptions } from "../../lib/options/validate";

/**
 * "Re-balance at this t": a balance job of the open (server) workspace at the page's t (or a target
 * size) and seed, into a new workspace. Checked with the same schema as `metacurate balance`; on
 * submit the job page opens, and from there the result.
 */
export function RebalanceForm({ workspace, t, seed }: { workspace: string; t: number; seed: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [out, setOut] = useState("");
  const [targetText, setTargetText] = useState("");
  const [seedText, setSeedText] = useState(String(seed));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = out || `${workspace}-t${Math.round(t)}`;
  const submit = async () => {
    setBusy(true);
    try {
      const threshold = targetText.trim() ? { "target-size": Number(targetText) } : { t };
      const flags = parseOptions(balanceOptions, { in: workspace, out: name, seed: Number(seedText), ...threshold }, "field");
      const id = await submitJob({ kind: "balance", ...flags });
      router.push(`/jobs/${id}`);
    } catch (e) {
      setError((e as Error).message.replace(/^UsageError: /, ""));
      setBusy(false);
    }
  };
  if (!open) {
    return <button type="button" data-testid="open-rebalance" onClick={() => setOpen(true)}
      className="rounded border border-sky-600 px-3 py-1 text-sm text-sky-800 hover:bg-sky-50 dark:text-sky-300 dark:hover:bg-sky-950">Re-balance at this t…</button>;
  }
  return (
    <form data-testid="rebalance-form" className="flex flex-wrap items-end gap-3 rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800"
      onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <span className="w-full font-medium">A balance job of {workspace} at t = {t.toLocaleString("en-US")}{targetText.trim() ? " (or the target size below)" : ""}</span>
      <label className="flex flex-col">into workspace
        <input data-testid="rebalance-out" value={out} placeholder={name} onChange={(e) => setOut(e.target.value)} className="w-56 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
      </label>
      <label className="flex flex-col">or target size (rows)
        <input data-testid="rebalance-target" inputMode="numeric" value={targetText} onChange={(e) => setTargetText(e.target.value)} className="w-36 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
      </label>
      <label className="flex flex-col">seed
        <input data-testid="rebalance-seed" inputMode="numeric" value={seedText} onChange={(e) => setSeedText(e.target.value)} className="w-28 rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700" />
      </label>
      <button type="submit" disabled={busy} data-testid="submit-rebalance" className="rounded bg-sky-700 px-3 py-1 text-white hover:bg-sky-800 disabled:opacity-50">Start job</button>
      <button type="button" onClick={() => setOpen(false)} className="rounded px-3 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-900">Close</button>
      {error && <p role="alert" data-testid="rebalance-error" className="w-full text-red-700 dark:text-red-400">{error}</p>}
    </form>
  );
}
