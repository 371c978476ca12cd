/**
 * Keep probability of a pair and the keep decision (MetaCLIP Algorithm 1, part 2, closed form):
 * P(keep) = 1 - prod_e (1 - p_e), p_e = t / max(count_e, t); kept iff draw(seed, uid) < P(keep).
 * The product runs over the ids in ascending order so every caller gets the same bits.
 */
export function keepProbability(ids: ArrayLike<number>, start: number, end: number, counts: ArrayLike<number>, t: number): number {
  let prod = 1;
  for (let i = start; i < end; i++) {
    const c = counts[ids[i]];
    prod *= 1 - t / (c > t ? c : t);
  }
  return 1 - prod;
}

/**
 * Expected curated size: sum over matched rows, in row order, of keepProbability. The one
 * definition the size curve, stats, and the dashboard share.
 */
export function expectedSize(rowStarts: ArrayLike<number>, ids: ArrayLike<number>, counts: ArrayLike<number>, t: number): number {
  let sum = 0;
  for (let r = 0; r + 1 < rowStarts.length; r++) sum += keepProbability(ids, rowStarts[r], rowStarts[r + 1], counts, t);
  return sum;
}
