// Child process of the match benchmark: one npm Aho–Corasick package on one metadata list, with
// MetaCLIP semantics given to it the plain way (patterns " " + entry + " ", texts spacing(text)).
// Usage: node --import tsx bench/baselineRun.ts PACKAGE LIST.json CAPTIONS.json COUNT
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import ModernAC from "modern-ahocorasick";
import { AhoCorasick as MonyoneFast } from "@monyone/aho-corasick/fast";
import { spacing } from "../lib/curation/normalize";

const [name, listFile, captionsFile, countArg] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const makers: Record<string, (patterns: string[]) => (text: string) => number> = {
  "modern-ahocorasick": (p) => { const m = new ModernAC(p); return (t) => new Set(m.search(t).map((x: { patternIndex: number }) => x.patternIndex)).size; },
  "@monyone/aho-corasick": (p) => { const m = new MonyoneFast(p); return (t) => new Set(m.matchInText(t).map((x) => x.keyword)).size; },
  "ahocorasick": (p) => { const AC = require("ahocorasick"); const m = new AC(p); return (t) => new Set((m.search(t) as [number, string[]][]).flatMap((x) => x[1])).size; },
};
const entries = JSON.parse(readFileSync(listFile, "utf8")) as string[];
const captions = JSON.parse(readFileSync(captionsFile, "utf8")) as string[];
const count = Number(countArg);
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const match = makers[name](entries.map((e) => " " + e + " "));
const build = performance.now() - t0;
const rss = process.memoryUsage().rss - rss0;
for (let i = 0; i < 1000; i++) match(spacing(captions[i % captions.length])); // warm-up
const t1 = performance.now();
let matches = 0;
for (let i = 0; i < count; i++) matches += match(spacing(captions[i % captions.length]));
process.stdout.write(JSON.stringify({ build, perSec: count / ((performance.now() - t1) / 1000), rss, matchesPerCaption: matches / count }) + "\n");
