#!/usr/bin/env node
// Entry point of the `metacurate` command: the bundled CLI (dist/) when it is up to date with the
// sources, else (or with METACURATE_FROM_SOURCE=1) the TypeScript CLI under tsx.
import { pathToFileURL } from "node:url";
import { BUNDLE_CLI, bundleIsFresh } from "./bundle.mjs";

let cli;
if (process.env.METACURATE_FROM_SOURCE !== "1" && bundleIsFresh()) {
  cli = await import(pathToFileURL(BUNDLE_CLI).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import("./cli.ts");
}
const code = await cli.main(process.argv.slice(2));
// 141: a closed stdout or stderr said so already (bin/closedPipes.ts), perhaps after the command returned
if (process.exitCode !== 141) process.exitCode = code;
