/** mulberry32: a small seeded PRNG in [0, 1), the same sequence everywhere (the demo pool, training). */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Fisher–Yates shuffle of `xs` in place. */
export function shuffleInPlace<T>(xs: T[] | Int32Array, rng: Rng): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = xs[i]; xs[i] = xs[j]; xs[j] = t;
  }
}

/** A standard normal draw (Box–Muller), from two uniforms of `rng`. */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12), v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
