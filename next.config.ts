import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // the tests build into their own folder (METACURATE_NEXT_DIR=.next-test), so a dashboard served from .next keeps working meanwhile
  distDir: process.env.METACURATE_NEXT_DIR || ".next",
  // native DuckDB stays a Node module on the server (its platform binaries must not be bundled)
  serverExternalPackages: ["@duckdb/node-api", "@duckdb/node-bindings"],
  async headers() {
    return [
      { source: "/duckdb/:file*", headers: [{ key: "Cache-Control", value: "public, max-age=31536000, immutable" }] },
      { source: "/parquet-wasm/:file*", headers: [{ key: "Cache-Control", value: "public, max-age=31536000, immutable" }] },
    ];
  },
};

export default nextConfig;
