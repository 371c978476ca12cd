"use client";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ThemeToggle } from "./ThemeToggle";

const PAGES = [
  { href: "/", label: "Workspaces" },
  { href: "/distribution", label: "Distribution" },
  { href: "/entries", label: "Entries" },
  { href: "/pairs", label: "Pairs" },
  { href: "/jobs", label: "Jobs" },
  { href: "/evals", label: "Evals" },
];

const LAST = "metacurate:workspace";

/**
 * Top navigation; links keep the workspace, t and seed of the current view. A page without a workspace
 * in its URL (/, /jobs, /evals) links the one last opened in this tab if it is still served, else the
 * only served workspace, so Distribution, Entries and Pairs never open empty when there is one to show.
 */
export function Nav() {
  const path = usePathname();
  const params = useSearchParams();
  const current = params.get("workspace");
  const [fallback, setFallback] = useState<string | null>(null);
  useEffect(() => {
    if (current) { try { sessionStorage.setItem(LAST, current); } catch { /* storage off */ } return; }
    let live = true;
    fetch("/api/workspaces").then((r) => (r.ok ? r.json() : null)).then((body: { workspaces?: { name: string }[] } | null) => {
      const names = (body?.workspaces ?? []).map((w) => w.name);
      let last: string | null = null;
      try { last = sessionStorage.getItem(LAST); } catch { /* storage off */ }
      if (live) setFallback(last && names.includes(last) ? last : names.length === 1 ? names[0] : null);
    }).catch(() => {});
    return () => { live = false; };
  }, [current]);
  const keep = new URLSearchParams();
  for (const k of ["workspace", "t", "seed"]) { const v = params.get(k); if (v !== null) keep.set(k, v); }
  if (!current && fallback) keep.set("workspace", fallback);
  const q = keep.toString() ? `?${keep}` : "";
  return (
    <nav className="flex flex-wrap items-center gap-1 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800" aria-label="Main">
      <span className="mr-4 font-semibold tracking-tight">metacurate</span>
      {PAGES.map((p) => (
        // no prefetch on sight: six RSC prefetches would share the browser's connections with the workspace's first files
        <Link key={p.href} href={`${p.href}${q}`} prefetch={false} aria-current={path === p.href ? "page" : undefined}
          className={`rounded px-3 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${path === p.href ? "bg-zinc-200 dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`}>
          {p.label}
        </Link>
      ))}
      <span className="ml-auto text-xs text-zinc-500">{params.get("workspace") ? `workspace: ${params.get("workspace")}` : ""}</span>
      <ThemeToggle />
    </nav>
  );
}
