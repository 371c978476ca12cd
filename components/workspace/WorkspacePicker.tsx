"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { fmtInt } from "../../lib/browser/format";
import { classifyFiles, openLocalFiles } from "../../lib/browser/workspaceStore";
import type { WorkspaceSummary } from "../../lib/workspace/summary";

/** The served workspaces, and local files opened by drag-and-drop or a file picker. */
export function WorkspacePicker() {
  const router = useRouter();
  const [list, setList] = useState<{ dataDir: string; workspaces: WorkspaceSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    fetch("/api/workspaces").then(async (r) => {
      const body = await r.json();
      if (!r.ok) throw new Error(body.error ?? `HTTP ${r.status}`);
      setList(body);
    }).catch((e: Error) => setError(`could not list workspaces: ${e.message}`));
  }, []);
  const open = (files: File[]) => {
    try {
      openLocalFiles(classifyFiles(files));
      setError(null);
      router.push("/distribution");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <main className="space-y-6 p-4">
      <h1 className="text-xl font-semibold">Workspaces</h1>
      {list && (
        <section>
          <p className="mb-2 text-sm text-zinc-500">In {list.dataDir}</p>
          {list.workspaces.length === 0 ? <p className="text-sm">No workspaces yet: run <code>metacurate curate … --out {list.dataDir}/NAME</code>.</p> : (
            <table className="text-sm" data-testid="workspace-list">
              <thead><tr className="border-b border-zinc-200 text-left dark:border-zinc-800"><th className="px-2 py-1">workspace</th><th className="px-2 py-1">rows</th><th className="px-2 py-1">matched</th><th className="px-2 py-1">entries</th><th className="px-2 py-1">curated</th></tr></thead>
              <tbody>
                {list.workspaces.map((w) => (
                  <tr key={w.name} className="border-b border-zinc-100 dark:border-zinc-900">
                    <td className="px-2 py-1"><Link className="text-sky-700 underline dark:text-sky-400" href={`/distribution?workspace=${encodeURIComponent(w.name)}`}>{w.name}</Link></td>
                    <td className="px-2 py-1 tabular-nums">{fmtInt(w.rowsRead)}</td>
                    <td className="px-2 py-1 tabular-nums">{fmtInt(w.rowsMatched)}</td>
                    <td className="px-2 py-1 tabular-nums">{fmtInt(w.entries)}</td>
                    <td className="px-2 py-1 tabular-nums">{w.t !== null ? `t = ${w.t}, seed ${w.seed}: ${fmtInt(w.rowsKept ?? 0)} rows` : "not balanced"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <section
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)}
        onDrop={(e) => { e.preventDefault(); setDragging(false); open([...e.dataTransfer.files]); }}
        className={`rounded border-2 border-dashed p-6 text-sm ${dragging ? "border-sky-500 bg-sky-50 dark:bg-sky-950" : "border-zinc-300 dark:border-zinc-700"}`}>
        <p className="font-medium">Open local files</p>
        <p className="mt-1 text-zinc-500">Drop <code>entry_counts.parquet</code> here (with <code>matches.parquet</code>, <code>preview.parquet</code>, <code>manifest.json</code> if you have them), or</p>
        <label className="mt-2 inline-block cursor-pointer rounded border border-zinc-300 px-3 py-1 focus-within:ring-2 focus-within:ring-sky-500 dark:border-zinc-700">
          choose files…
          <input type="file" multiple accept=".parquet,.json" data-testid="file-input" className="sr-only" onChange={(e) => open([...(e.target.files ?? [])])} />
        </label>
      </section>
      {error && <p role="alert" data-testid="picker-error" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
    </main>
  );
}
