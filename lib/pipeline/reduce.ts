/**
 * `metacurate reduce`: the match shards of a sharded job → the pool's entry counts (summed), its
 * exact size curve and the global t, written as the single process writes them. The size curve and
 * E(t) are sums of floating-point terms, so they are summed again here over every shard's rows in
 * pool order (not added up from per-shard sums): the same bits as one `curate` of the whole pool.
 */
import { stageTimer } from "../util/stageTimer";
import { ExpectedSize, keepProbability } from "../curation/balance";
import { sizeCurveGrid } from "../curation/sizeCurve";
import { SizeCurveKernel } from "../curation/sizeCurveKernel";
import { tForTargetSize } from "../curation/targetSize";
import { tToP } from "../curation/threshold";
import { keepProbabilityByEntry, languageOfId, WorldwideSizeCurve, WorldwideThresholds } from "../curation/worldwideBalance";
import { InputError } from "../errors";
import { loadMetadata } from "../metadata/load";
import { forEachMatchRow, readEntryCounts, readManifest } from "../workspace/artifacts";
import type { LanguageSection, Manifest, MatchSection, ReduceSection } from "../workspace/manifest";
import { DEFAULT_SEED, resolveT, validateBalanceOptions, worldwideThresholds, type BalanceOptions } from "./balance";
import { languageCounts, writeEntryCounts, writeSizeCurve } from "./match";
import { peakRssMb, runStaged } from "./stagedRun";

export const REDUCE_OUTPUTS = ["entry_counts.parquet", "size_curve.parquet"];

type RowVisitor = (ids: Int32Array, start: number, end: number) => void;

export async function runReduce(shardDirs: string[], outDir: string, opts: BalanceOptions): Promise<Manifest> {
  validateBalanceOptions(opts);
  const manifests = await readShardManifests(shardDirs);
  return runStaged(outDir, opts.memoryLimitGb, async (out, con) => {
    const timings: Record<string, number> = {};
    const started = performance.now();
    const time = stageTimer(timings, opts.onStage);
    const first = manifests[0].match;
    const counts = await time("sum_counts_ms", async () => {
      const sum = new Float64Array(first.entries);
      for (const dir of shardDirs) {
        const part = await readEntryCounts(con, dir);
        if (part.length !== sum.length) throw new InputError(`${dir}/entry_counts.parquet has ${part.length} entries, the first shard ${sum.length}`);
        for (let i = 0; i < sum.length; i++) sum[i] += part[i];
      }
      return sum;
    });
    const rowsMatched = manifests.reduce((n, m) => n + m.match.rows_matched, 0);
    const visitAll = async (visit: RowVisitor): Promise<void> => {
      let rows = 0;
      for (const dir of shardDirs) {
        const before = rows;
        rows += await forEachMatchRow(dir, (_row, _uids, _us, _ue, ids, s, e) => visit(ids, s, e), (done) => opts.onProgress?.(before + done, rowsMatched));
      }
      if (rows !== rowsMatched) throw new InputError(`the shards' matches.parquet hold ${rows} rows, their manifests say ${rowsMatched}`);
    };

    const metadata = await time("load_metadata_ms", () => loadMetadata(first.metadata.file));
    if (metadata.report.metadataHash !== first.metadata.metadataHash) throw new InputError(`metadata ${first.metadata.file} changed since the shards were matched; match again`);
    await time("write_entry_counts_ms", () => writeEntryCounts(con, metadata, counts, out.file("entry_counts.parquet")));

    // a worldwide pool's t is English's, each language balanced at its own t (lib/curation/worldwideBalance)
    const ranges = first.languages ?? null;
    const worldwide = ranges ? worldwideThresholds(ranges, counts) : null;
    const tCounts = worldwide ? worldwide.englishCounts(counts) : counts;
    let maxCount = 0;
    for (let i = 0; i < tCounts.length; i++) if (tCounts[i] > maxCount) maxCount = tCounts[i];
    const grid = sizeCurveGrid(worldwide ? worldwide.topT : maxCount);
    const sums = (g: number[]) => (worldwide ? new WorldwideSizeCurve(g, counts, worldwide) : new SizeCurveKernel(g, counts));
    const curve = sums(grid);
    const keep = (at: number) => {
      const entryT = worldwide ? worldwide.entryThresholds(at, counts.length) : null;
      return (ids: Int32Array, s: number, e: number) => (entryT ? keepProbabilityByEntry(ids, s, e, counts, entryT) : keepProbability(ids, s, e, counts, at));
    };
    // E(t), and each language's, summed in pool order: the bits one process gets
    const byLang = (ranges ?? []).map(() => new ExpectedSize());
    const addExpected = (rule: ReturnType<typeof keep>, ids: Int32Array, s: number, e: number) => {
      const p = rule(ids, s, e);
      expected.add(p);
      if (ranges && e > s) byLang[languageOfId(ranges, ids[s])].add(p);
    };
    // with t known from --t or --p, E(t) is summed in the same pass as the curve
    let t = opts.targetSize === undefined ? resolveT(tCounts, opts) : null;
    let expected = new ExpectedSize();
    const rule = t === null ? null : keep(t);
    await time("size_curve_ms", () => visitAll((ids, s, e) => {
      curve.addRow(ids, s, e);
      if (rule) addExpected(rule, ids, s, e);
    }));
    const points = await writeSizeCurve(con, counts, { grid, sums: curve.values() }, rowsMatched, out.file("size_curve.parquet"), worldwide);
    if (t === null) {
      if (counts.every((c) => c === 0)) throw new InputError("no entry has a match, so no t reaches a target size");
      t = (await time("target_size_ms", () => tForTargetSize((visit) => visitAll(visit), tCounts, opts.targetSize!, sums, worldwide?.topT))).t;
      const at = keep(t);
      expected = new ExpectedSize();
      byLang.forEach((_e, i) => { byLang[i] = new ExpectedSize(); });
      await time("expected_size_ms", () => visitAll((ids, s, e) => addExpected(at, ids, s, e)));
    }
    timings.total_ms = Math.round(performance.now() - started);
    const total = counts.reduce((a, b) => a + b, 0);
    const reduce: ReduceSection = {
      t,
      tail_share: worldwide ? worldwide.tailShare(t) : total > 0 ? tToP(counts, t) : 1,
      ...(ranges ? { languages_expected_size: byLang.map((e) => e.value) } : {}),
      p_requested: opts.p ?? null,
      target_size_requested: opts.targetSize ?? null,
      seed: opts.seed ?? DEFAULT_SEED,
      expected_size: expected.value,
      rows_matched: rowsMatched,
      shards: manifests.map((m) => ({ rows_from: m.match.shard!.rows_from, rows_to: m.match.shard!.rows_to, rows_matched: m.match.rows_matched, match_ms: m.match.timings_ms.total_ms })),
      timings_ms: timings,
    };
    return { manifest: { tool: "metacurate", version: manifests[0].version, match: combinedMatch(manifests, counts, points), reduce }, files: REDUCE_OUTPUTS };
  }, { inputs: shardDirs.flatMap((d) => ["matches.parquet", "entry_counts.parquet"].map((name) => ({ flag: "shards", path: `${d}/${name}` }))) });
}

/** The shards' manifests, checked to be the shards 0..S-1 of one pool and one metadata, in order, covering it. */
export async function readShardManifests(dirs: string[]): Promise<Manifest[]> {
  if (dirs.length === 0) throw new InputError("no shard folder given (--shards DIR [DIR...])");
  const manifests = await Promise.all(dirs.map((d) => readManifest(d)));
  const first = manifests[0].match;
  const poolKey = (m: MatchSection) => JSON.stringify([m.pool.files.map((f) => [f.path, f.bytes, f.rows]), m.pool.columns]);
  let next = 0;
  manifests.forEach((m, i) => {
    const s = m.match.shard;
    if (!s) throw new InputError(`${dirs[i]} is not a shard of a sharded match (its manifest has no "shard")`);
    if (s.count !== dirs.length || s.index !== i) throw new InputError(`${dirs[i]} is shard ${s.index} of ${s.count}; expected shard ${i} of ${dirs.length} (give the shards in order)`);
    if (m.match.metadata.metadataHash !== first.metadata.metadataHash) throw new InputError(`${dirs[i]} was matched against other metadata than ${dirs[0]}`);
    if (poolKey(m.match) !== poolKey(first)) throw new InputError(`${dirs[i]} is a shard of another pool than ${dirs[0]}`);
    if (languageKey(m.match) !== languageKey(first)) throw new InputError(`${dirs[i]} took its captions' languages otherwise than ${dirs[0]} (${languageKey(m.match)} against ${languageKey(first)}): match every shard the same way`);
    if (s.rows_from !== next) throw new InputError(`${dirs[i]} starts at pool row ${s.rows_from}; the shard before it ended at ${next}`);
    next = s.rows_to;
  });
  const poolRows = first.pool.files.reduce((n, f) => n + f.rows, 0);
  if (next !== poolRows) throw new InputError(`the shards end at pool row ${next}; the pool has ${poolRows}`);
  return manifests;
}

/** Where a worldwide match's caption languages came from (column or model, and the map's hash): every shard's must be the same. */
function languageKey(m: MatchSection): string {
  const s = m.language_source;
  if (!s) return "one list";
  return s.column !== undefined ? `column "${s.column}"` + (s.map ? ` mapped by ${s.map.sha256.slice(0, 12)}` : "") : `${s.lid}` + (s.map ? ` mapped by ${s.map.sha256.slice(0, 12)}` : "");
}

/** The match section one process would have written for the whole pool. */
function combinedMatch(manifests: Manifest[], counts: Float64Array, points: number): MatchSection {
  const first = manifests[0].match;
  const sum = (f: (m: MatchSection) => number) => manifests.reduce((n, m) => n + f(m.match), 0);
  const files = first.pool.files.map((f, i) => ({ ...f, sha256: manifests.map((m) => m.match.pool.files[i].sha256).find((h) => h !== "") ?? "" }));
  let maxCount = 0, zero = 0, total = 0;
  for (let i = 0; i < counts.length; i++) { total += counts[i]; if (counts[i] > maxCount) maxCount = counts[i]; if (counts[i] === 0) zero++; }
  const matchMs = sum((m) => m.timings_ms.total_ms);
  const { shard: _shard, ...rest } = first;
  return {
    ...rest,
    pool: { ...first.pool, files },
    rows_read: sum((m) => m.rows_read),
    rows_null_text: sum((m) => m.rows_null_text),
    rows_matched: sum((m) => m.rows_matched),
    total_matches: sum((m) => m.total_matches),
    entries_matched: counts.length - zero,
    zero_count_entries: zero,
    max_count: maxCount,
    total_count: total,
    size_curve_points: points,
    peak_rss_mb: Math.max(peakRssMb(), ...manifests.map((m) => m.match.peak_rss_mb)),
    timings_ms: { shards_total_ms: matchMs },
    rows_per_second: Math.round(sum((m) => m.rows_read) / (Math.max(1, matchMs) / 1000)),
    ...(first.languages ? { languages: first.languages.map((l, i): LanguageSection => ({
      ...l, rows: manifests.reduce((n, m) => n + m.match.languages![i].rows, 0), rows_matched: manifests.reduce((n, m) => n + m.match.languages![i].rows_matched, 0),
      ...languageCounts(l, counts),
    })) } : {}),
    ...(first.language_source ? { language_source: { ...first.language_source, rows_other: manifests.reduce((n, m) => n + (m.match.language_source?.rows_other ?? 0), 0) } } : {}),
  };
}
