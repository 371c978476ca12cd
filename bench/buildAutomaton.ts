// Child process of the match benchmark: builds one automaton and reports time and memory, so the
// memory figure is this build's alone. Usage: node --import tsx bench/buildAutomaton.ts LIST.json
import { readFileSync } from "node:fs";
import { automatonBytes, buildAutomaton } from "../lib/curation/automaton";

const entries = JSON.parse(readFileSync(process.argv[2], "utf8")) as string[];
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const tables = buildAutomaton(entries);
const ms = performance.now() - t0;
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ ms, tableBytes: automatonBytes(tables), peakGrowth: peakRss - rssBefore, nodes: tables.nodeCount, tokens: tables.tokenCount }) + "\n");
