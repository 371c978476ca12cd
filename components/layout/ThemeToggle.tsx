"use client";
import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";

/** Light, dark, or the system's choice; remembered in localStorage. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => {
    const saved = localStorage.getItem("metacurate-theme");
    if (saved === "light" || saved === "dark") setTheme(saved);
  }, []);
  useEffect(() => {
    const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    document.documentElement.classList.toggle("dark", dark);
    if (theme === "system") localStorage.removeItem("metacurate-theme"); else localStorage.setItem("metacurate-theme", theme);
  }, [theme]);
  const next: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
  return (
    <button type="button" onClick={() => setTheme(next[theme])} data-testid="theme-toggle"
      className="ml-2 rounded border border-zinc-300 px-2 py-1 text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700">
      theme: {theme}
    </button>
  );
}
