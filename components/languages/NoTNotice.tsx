"use client";
import type { LoadedWorkspace } from "../../lib/browser/workspace";

/**
 * A worldwide match whose English list matched nothing (a match never balanced): English's tail share
 * sets every language's t, so none has one and nothing can be balanced. Said wherever t would be used.
 */
export function NoTNotice({ ws }: { ws: LoadedWorkspace }) {
  if (!ws.worldwideError) return null;
  return (
    <p role="alert" data-testid="worldwide-no-t" className="w-full rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      This worldwide workspace cannot be balanced: {ws.worldwideError}. Its matches and counts are shown; no entry has a t (p_e and P(keep) read 0), and <code>metacurate balance</code> and <code>stats</code> refuse it alike.
    </p>
  );
}
