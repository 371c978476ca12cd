"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import type { LoadedWorkspace } from "../../lib/browser/workspace";
import { useWorkspace } from "../useWorkspace";

/** Loads the workspace in the URL, shows progress or a clear error, then renders the page for it. */
export function WorkspaceGate({ name, children }: { name: string | null; children: (ws: LoadedWorkspace) => ReactNode }) {
  const state = useWorkspace(name);
  if (state.status === "ready") return <>{children(state.ws)}</>;
  if (state.status === "error") {
    return (
      <div role="alert" data-testid="load-error" className="m-6 rounded border border-red-300 bg-red-50 p-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        <p className="font-medium">Could not open the workspace</p>
        <p className="mt-1 font-mono text-sm">{state.message}</p>
        <p className="mt-2 text-sm"><Link className="underline" href="/">Choose another workspace or open files</Link></p>
      </div>
    );
  }
  if (state.status === "loading") return <p className="m-6 text-sm text-zinc-500" role="status" data-testid="load-progress">Loading: {state.step}…</p>;
  return (
    <p className="m-6 text-sm">
      No workspace open. <Link className="underline" href="/">Pick one or open local files</Link>.
    </p>
  );
}
