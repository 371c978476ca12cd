"use client";
import { fmtT } from "../../lib/browser/format";
import type { ViewState } from "../../lib/browser/viewState";

/** Says that the link's ?t= is not a t, why, and which t the page shows instead (never a silent swap). */
export function UrlTNotice({ rejected, shownT, what }: { rejected: ViewState["tRejected"]; shownT: number; what: string }) {
  if (!rejected) return null;
  return (
    <p role="alert" data-testid="url-t-error" data-text={rejected.text} data-shown-t={shownT}
      className="w-full rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      The link&apos;s t {rejected.problem}. Showing t = {fmtT(shownT)} instead, {what}.
    </p>
  );
}
