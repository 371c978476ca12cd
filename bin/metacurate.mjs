#!/usr/bin/env node
// Entry point of the `metacurate` command: runs the TypeScript CLI under tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./cli.ts");
process.exitCode = await main(process.argv.slice(2));
