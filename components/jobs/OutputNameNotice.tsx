"use client";
import type { OutputKind, OutputNameStatus } from "../../lib/browser/jobs";
import type { TakenNamesState } from "./useTakenNames";

/** What the form knows of its output name: still checking, not checkable (the server checks it), or the server's rules applied. */
export type NameCheck = OutputNameStatus | Exclude<TakenNamesState, { status: "ready" }>;

const KIND_WORDS: Record<OutputKind, string> = { workspace: "workspace", run: "training run" };

/** Why the output name keeps the job from starting, or null when it may start. */
export function nameBlocksSubmit(check: NameCheck, replace: boolean, name: string): string | null {
  if (check.status === "loading") return `checking whether ${name} is taken…`;
  if (check.status === "refused") return "choose another name to start";
  if (check.status === "taken" && !replace) return `tick “Replace ${name}” to start`;
  return null;
}

/** The output name's state under the name field: new, taken (with the box that confirms replacing it), or refused with the reason. */
export function OutputNameNotice({ name, writes, check, replace, onReplace }: {
  name: string; writes: OutputKind; check: NameCheck; replace: boolean; onReplace: (yes: boolean) => void;
}) {
  const shown = <span className="font-mono">{name}</span>;
  if (check.status === "loading" || check.status === "free" || check.status === "error") {
    return (
      <p data-testid="job-form-name" data-status={check.status} className="w-full text-xs text-zinc-500">
        {check.status === "loading" ? <>Checking whether {shown} is taken…</>
          : check.status === "free" ? <>Writes a new {KIND_WORDS[writes]}, {shown}.</>
          : <>Could not check whether {shown} is taken ({check.message}); the server checks it when the job is submitted.</>}
      </p>
    );
  }
  if (check.status === "refused") {
    return (
      <p data-testid="job-form-name" data-status="refused" className="w-full rounded border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        {check.reason}
      </p>
    );
  }
  return (
    <div data-testid="job-form-name" data-status="taken" data-holds={check.holds}
      className="w-full rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      <p>{shown} is already a {KIND_WORDS[check.holds]}: {check.what}.</p>
      <label className="mt-1 flex items-center gap-2 font-medium">
        <input type="checkbox" data-testid="job-form-replace" checked={replace} onChange={(e) => onReplace(e.target.checked)} />
        Replace {name} (it stays as it is until the job succeeds)
      </label>
    </div>
  );
}
