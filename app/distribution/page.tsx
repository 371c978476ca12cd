import { preload } from "react-dom";
import { DistributionView } from "../../components/DistributionView";
import { NAME } from "../../lib/workspace/serve";
import { preloadParquetWasm } from "../preloadParquetWasm";

/**
 * The workspace's manifest and counts are what the first figures wait for: named in the page's head,
 * they download while the scripts load and hydrate (the page's own fetches then find them there).
 */
export default async function DistributionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  preloadParquetWasm();
  const workspace = (await searchParams).workspace;
  if (typeof workspace === "string" && NAME.test(workspace)) {
    const base = `/api/workspaces/${encodeURIComponent(workspace)}`;
    preload(`${base}/files/manifest.json`, { as: "fetch", crossOrigin: "anonymous", fetchPriority: "high" });
    preload(`${base}/counts`, { as: "fetch", crossOrigin: "anonymous", fetchPriority: "high" });
  }
  return <DistributionView />;
}
