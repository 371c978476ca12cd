import type { Metadata } from "next";
import { Suspense, type ReactNode } from "react";
import { Nav } from "../components/layout/Nav";
import "./globals.css";

export const metadata: Metadata = { title: "metacurate", description: "See and steer MetaCLIP curation" };

// applies a saved or system dark theme before the first paint
const THEME_SCRIPT = `try{var s=localStorage.getItem("metacurate-theme");if(s==="dark"||(!s&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head><script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} /></head>
      <body className="min-h-screen bg-white text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100">
        <Suspense><Nav /></Suspense>
        <Suspense>{children}</Suspense>
      </body>
    </html>
  );
}
