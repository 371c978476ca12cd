"use client";
import { quoted } from "../../lib/errors";
import type { ViewState } from "../../lib/browser/viewState";
import type { LoadedWorkspace } from "../../lib/browser/workspace";

/** Says that the link's ?lang= names no language of this workspace, and what the page shows instead (never a silent swap). */
export function UrlLangNotice({ ws, view, showing }: { ws: LoadedWorkspace; view: Pick<ViewState, "lang" | "langRejected">; showing: string }) {
  const requested = view.lang ?? view.langRejected;
  const langs = ws.info.languages;
  if (requested === null || (view.lang !== null && langs?.some((l) => l.lang === view.lang))) return null;
  const why = !langs ? "names a language, but this workspace has one metadata list, not one per language"
    : view.langRejected !== null ? "is not a language code (letters, digits, _ and -, at most 32)"
    : `is not one of this workspace's languages (${langs.map((l) => l.lang).join(", ")})`;
  return (
    <p role="alert" data-testid="url-lang-error" data-text={requested}
      className="w-full rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      The link&apos;s language {quoted(requested, 40)} {why}. Showing {showing} instead.
    </p>
  );
}
