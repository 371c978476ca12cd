// Worldwide matching benchmark (npm run bench:worldwide; issue 27). Not a test: prints figures.
// Baseline, in the same run: the English-only `match` of 1,000,000 distinct LAION rows against the
// 500k-entry list. Against it:
//   worldwide-en: the same 1M English rows as a worldwide match (a folder whose en.json is that list,
//                 plus five other languages' lists): what the worldwide path costs on English alone;
//   worldwide-mixed: 1M rows, half those English rows, half captions in zh, ja, th, de and es;
//   worldwide-mixed-cached: the same with the tables read back from --tables-cache (a sharded job's
//                 match tasks after the first).
// Only LAION's English alt-texts are real here (these machines reach no other corpus): the other
// languages' lists (100,000 entries each) and captions are synthetic, drawn from each script's
// characters, written without spaces for zh, ja and th, as the web writes them. Each configuration
// runs `rounds` times, interleaved; the medians are compared.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDuckDB, sqlString } from "../lib/pool/duckdb";
import { LAION_10K, REPO } from "../tests/support/fixtures";
import { rng } from "../tests/support/worldwidePool";
import { laionBenchInputs } from "./laionInputs";

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const ROWS = arg("--rows", 1_000_000);
const ROUNDS = arg("--rounds", 3);
const LIST = 100_000;
const { out: OUT, captions, metadata500k } = await laionBenchInputs("bench:worldwide");
const DIR = path.join(OUT, "worldwide");
mkdirSync(DIR, { recursive: true });

const next = rng(2027);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
const range = (lo: number, hi: number) => String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
const KANA = Array.from({ length: 0x30f6 - 0x3041 }, (_, i) => String.fromCodePoint(0x3041 + i));
/** A word of each synthetic language. */
const WORD: Record<string, () => string> = {
  zh: () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => range(0x4e00, 0x9fff)).join(""),
  ja: () => (next() < 0.6 ? Array.from({ length: 1 + Math.floor(next() * 2) }, () => range(0x4e00, 0x9fff)).join("") : "") + Array.from({ length: Math.floor(next() * 3) }, () => pick(KANA)).join(""),
  th: () => Array.from({ length: 2 + Math.floor(next() * 4) }, () => range(0x0e01, 0x0e30)).join(""),
  de: () => Array.from({ length: 3 + Math.floor(next() * 7) }, () => range(0x61, 0x7a)).join(""),
  es: () => Array.from({ length: 3 + Math.floor(next() * 7) }, () => range(0x61, 0x7a)).join(""),
};
const JOINER: Record<string, string> = { zh: "", ja: "", th: "", de: " ", es: " " };
const OTHERS = Object.keys(WORD);

/** The metadata folder: en.json is the 500k list, each other language 100k synthetic words. */
function metadataFolder(): { folder: string; vocab: Record<string, string[]> } {
  const folder = path.join(DIR, "meta");
  mkdirSync(folder, { recursive: true });
  if (!existsSync(path.join(folder, "en.json"))) writeFileSync(path.join(folder, "en.json"), readFileSync(metadata500k));
  const vocab: Record<string, string[]> = {};
  for (const lang of OTHERS) {
    const words = new Set<string>();
    while (words.size < LIST) { const w = WORD[lang](); if (w) words.add(w); }
    vocab[lang] = [...words];
    writeFileSync(path.join(folder, `${lang}.json`), JSON.stringify(vocab[lang]));
  }
  return { folder, vocab };
}

/** The 1M distinct English rows (as bench:memory makes them) with lang = "en". */
async function englishPool(file: string): Promise<void> {
  if (existsSync(file)) return;
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT URL || '#' || CAST(n AS VARCHAR) AS URL, TEXT || ' ' || CAST(n % 997 AS VARCHAR) AS TEXT, 'en' AS lang
        FROM (SELECT URL, TEXT, row_number() OVER () - 1 AS n FROM read_parquet(${sqlString(LAION_10K)}), range(${Math.ceil(ROWS / captions.length)}) LIMIT ${ROWS}))
      TO ${sqlString(file + ".tmp")} (FORMAT parquet)`);
    renameSync(file + ".tmp", file);
  } finally {
    con.closeSync();
  }
}

/** 1M rows: every other one the English pool's, the rest synthetic captions of the other languages (80% of their words in the lists). */
async function mixedPool(file: string, english: string, vocab: Record<string, string[]>): Promise<void> {
  if (existsSync(file)) return;
  const half = Math.floor(ROWS / 2);
  const lines: string[] = [];
  for (let i = 0; i < ROWS - half; i++) {
    const lang = OTHERS[i % OTHERS.length];
    const n = 4 + Math.floor(next() * 10);
    const words = Array.from({ length: n }, () => (next() < 0.8 ? pick(vocab[lang]) : WORD[lang]()));
    lines.push(JSON.stringify({ URL: `https://example.org/${lang}/${i}.jpg`, TEXT: words.join(JOINER[lang]) + (next() < 0.3 ? "。" : ""), lang }));
  }
  const json = file + ".ndjson";
  writeFileSync(json, lines.join("\n") + "\n");
  const con = await openDuckDB();
  try {
    await con.run(`COPY (SELECT URL, TEXT, lang FROM (
        (SELECT URL, TEXT, lang, 2 * (row_number() OVER () - 1) AS k FROM read_parquet(${sqlString(english)}) LIMIT ${half})
        UNION ALL
        (SELECT URL, TEXT, lang, 2 * (row_number() OVER () - 1) + 1 AS k FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {URL: 'VARCHAR', TEXT: 'VARCHAR', lang: 'VARCHAR'})))
        ORDER BY k) TO ${sqlString(file + ".tmp")} (FORMAT parquet)`);
    renameSync(file + ".tmp", file);
  } finally {
    con.closeSync();
    rmSync(json, { force: true });
  }
}

interface Run { wall: number; matchMs: number; buildMs: number; rowsMatched: number; tableMb: number; peakMb: number; languages?: { lang: string; rows: number; rows_matched: number }[] }

function match(name: string, args: string[]): Run {
  const out = path.join(DIR, `out-${name}`);
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/metacurate.mjs"), "match", ...args, "--out", out, "--progress", "none"], { encoding: "utf8" });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) { console.log(r.stderr); process.exit(1); }
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).match;
  rmSync(out, { recursive: true, force: true });
  return { wall, matchMs: m.timings_ms.match_ms, buildMs: m.timings_ms.build_automaton_ms, rowsMatched: m.rows_matched, tableMb: m.automaton.table_bytes / 2 ** 20, peakMb: m.peak_rss_mb, languages: m.languages };
}

const { folder, vocab } = metadataFolder();
const english = path.join(DIR, `english-${ROWS}.parquet`), mixed = path.join(DIR, `mixed-${ROWS}.parquet`);
await englishPool(english);
await mixedPool(mixed, english, vocab);
const configs: [string, string[]][] = [
  ["english-only (baseline)", ["--metadata", metadata500k, "--pool", english]],
  ["worldwide-en", ["--metadata", folder, "--pool", english, "--lang-col", "lang"]],
  ["worldwide-mixed", ["--metadata", folder, "--pool", mixed, "--lang-col", "lang"]],
  // a sharded job's later match tasks: the tables read back from --tables-cache (stored by a first run below)
  ["worldwide-mixed-cached", ["--metadata", folder, "--pool", mixed, "--lang-col", "lang", "--tables-cache", path.join(DIR, "tables-cache")]],
];
rmSync(path.join(DIR, "tables-cache"), { recursive: true, force: true });
match("warm", configs[3][1]);
const runs = new Map<string, Run[]>(configs.map(([n]) => [n, []]));
for (let round = 0; round < ROUNDS; round++) for (const [name, args] of configs) runs.get(name)!.push(match(name.split(" ")[0], args));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(runs.get(configs[0][0])!.map((r) => r.wall));
console.log(`match of ${ROWS.toLocaleString("en")} rows, median of ${ROUNDS} interleaved rounds (wall: the whole command; match: its match stage)\n`);
for (const [name] of configs) {
  const rs = runs.get(name)!;
  const wall = median(rs.map((r) => r.wall)), matchMs = median(rs.map((r) => r.matchMs)), buildMs = median(rs.map((r) => r.buildMs));
  console.log(`${name.padEnd(24)} wall ${wall.toFixed(2)} s (${(wall / base).toFixed(2)}× baseline), tables ${(buildMs / 1000).toFixed(2)} s, match stage ${(matchMs / 1000).toFixed(2)} s, ` +
    `${rs[0].rowsMatched.toLocaleString("en")} rows matched, tables ${rs[0].tableMb.toFixed(0)} MB, peak RSS ${median(rs.map((r) => r.peakMb))} MB`);
}
const langs = runs.get("worldwide-mixed")![0].languages ?? [];
console.log(`\nworldwide-mixed by language: ${langs.map((l) => `${l.lang} ${l.rows_matched.toLocaleString("en")}/${l.rows.toLocaleString("en")}`).join(", ")}`);
