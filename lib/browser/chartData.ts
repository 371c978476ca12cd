/** Chart series from the sorted counts, at pixel resolution (a few hundred points, not 500k). */
import type { CountDistribution } from "../curation/distribution";

export interface RankPoint { rank: number; count: number; series: string }
export interface CumPoint { index: number; cumulative: number; series: string }

/** Ranks 1..n (descending counts) at log-spaced positions; zero counts are left out (log scale). */
export function rankSeries(dist: CountDistribution, t: number, points = 400): RankPoint[] {
  const n = dist.entries - dist.zeroEntries;
  if (n <= 0) return [];
  const ranks = new Set<number>([1, n]);
  for (let k = 0; k <= points; k++) ranks.add(Math.max(1, Math.min(n, Math.round(n ** (k / points)))));
  const out: RankPoint[] = [];
  for (const rank of [...ranks].sort((a, b) => a - b)) {
    const count = dist.sorted[dist.entries - rank];
    out.push({ rank, count, series: "before (count)" });
    out.push({ rank, count: Math.min(count, t), series: `after (min(count, t))` });
  }
  return out;
}

/**
 * MetaCLIP's cumulative plot: entries ascending, Σ min(count, t) for each t (Infinity = raw). Zero-count
 * entries add nothing, so x starts at the first entry with a match (index = rank among matched entries).
 */
export function cumulativeSeries(dist: CountDistribution, ts: { t: number; label: string }[], points = 300): CumPoint[] {
  const z = dist.zeroEntries, n = dist.entries, m = n - z;
  const idx = new Set<number>([0, m]);
  for (let k = 0; k <= points; k++) idx.add(Math.round((m * k) / points));
  // the head is where the curve bends: sample the last 5% densely too
  for (let k = 0; k <= 100; k++) idx.add(Math.round(m - (m * 0.05 * k) / 100));
  const xs = [...idx].filter((i) => i >= 0 && i <= m).sort((a, b) => a - b);
  const out: CumPoint[] = [];
  for (const { t, label } of ts) for (const i of xs) out.push({ index: i, cumulative: t === Infinity ? dist.prefix[z + i] : dist.cappedCumulative(z + i, t), series: label });
  return out;
}

/** One rank–count series of any per-entry counts (sorted descending here; zeros left out), at log-spaced ranks. */
export function rankSeriesOf(values: ArrayLike<number>, series: string, points = 300): RankPoint[] {
  const sorted = Float64Array.from(values).filter((v) => v > 0).sort().reverse();
  const n = sorted.length;
  if (n === 0) return [];
  const ranks = new Set<number>([1, n]);
  for (let k = 0; k <= points; k++) ranks.add(Math.max(1, Math.min(n, Math.round(n ** (k / points)))));
  return [...ranks].sort((a, b) => a - b).map((rank) => ({ rank, count: sorted[rank - 1], series }));
}
