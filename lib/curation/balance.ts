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
 * The expected curated size Σ_rows keepProbability, summed one canonical way so that every caller
 * (size curve, balance, stats, the dashboard) gets the same bits: rows kept for sure (probability
 * exactly 1) are counted as an integer, the others' probabilities are summed in row order.
 */
export class ExpectedSize {
  certain = 0;
  partial = 0;

  add(p: number): void {
    if (p === 1) this.certain++;
    else this.partial += p;
  }

  get value(): number {
    return this.certain + this.partial;
  }
}

export function expectedSize(rowStarts: ArrayLike<number>, ids: ArrayLike<number>, counts: ArrayLike<number>, t: number): number {
  const e = new ExpectedSize();
  for (let r = 0; r + 1 < rowStarts.length; r++) e.add(keepProbability(ids, rowStarts[r], rowStarts[r + 1], counts, t));
  return e.value;
}
