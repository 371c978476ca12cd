"use client";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { ThemeToggle } from "./ThemeToggle";

const PAGES = [
  { href: "/", label: "Workspaces" },
  { href: "/distribution", label: "Distribution" },
  { href: "/entries", label: "Entries" },
  { href: "/pairs", label: "Pairs" },
  { href: "/jobs", label: "Jobs" },
  { href: "/evals", label: "Evals" },
];

/** Top navigation; links keep the workspace, t and seed of the current view. */
export function Nav() {
  const path = usePathname();
  const params = useSearchParams();
  const keep = new URLSearchParams();
  for (const k of ["workspace", "t", "seed"]) { const v = params.get(k); if (v !== null) keep.set(k, v); }
  const q = keep.toString() ? `?${keep}` : "";
  return (
    <nav className="flex flex-wrap items-center gap-1 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800" aria-label="Main">
      <span className="mr-4 font-semibold tracking-tight">metacurate</span>
      {PAGES.map((p) => (
        <Link key={p.href} href={`${p.href}${q}`} aria-current={path === p.href ? "page" : undefined}
          className={`rounded px-3 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${path === p.href ? "bg-zinc-200 dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`}>
          {p.label}
        </Link>
      ))}
      <span className="ml-auto text-xs text-zinc-500">{params.get("workspace") ? `workspace: ${params.get("workspace")}` : ""}</span>
      <ThemeToggle />
    </nav>
  );
}
