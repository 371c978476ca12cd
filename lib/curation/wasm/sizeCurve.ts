// AssemblyScript, compiled to WebAssembly by scripts/build-kernel.mjs (on npm install); not part of
// the TypeScript program. The arithmetic of SizeCurveAccumulator.addRow (lib/curation/sizeCurve.ts)
// for a batch of rows, two grid points per f64x2 lane pair: each lane does the same IEEE operations
// in the same order as the JavaScript (1 - t/c, multiplied id by id), so the sums are bit for bit
// the same, about twice as fast (the divisions are the cost). The host lays out memory and passes
// every address; nothing here allocates.

export function heapBase(): usize { return __heap_base; }

/**
 * Adds `rows` rows: row r's entry ids are ids[starts[r], starts[r + 1]) (i32). counts: f64 per entry;
 * grid: f64 x (gridLen + 1), the last a pad read by the unused lane; certainFrom: f64 x (gridLen + 1);
 * certain, partial: f64 x gridLen; rowCounts: f64 scratch for the longest row.
 */
export function addRows(ids: usize, starts: usize, rows: i32, counts: usize, grid: usize, gridLen: i32,
  certainFrom: usize, certain: usize, partial: usize, rowCounts: usize): void {
  const one = f64x2.splat(1);
  for (let r = 0; r < rows; r++) {
    const s = load<i32>(starts + (<usize>r << 2)), n = load<i32>(starts + (<usize>(r + 1) << 2)) - s;
    let minCount = Infinity;
    for (let i = 0; i < n; i++) {
      const c = load<f64>(counts + (<usize>load<i32>(ids + (<usize>(s + i) << 2)) << 3));
      store<f64>(rowCounts + (<usize>i << 3), c);
      if (c < minCount) minCount = c;
    }
    // from the first t >= the smallest count on, the probability is exactly 1
    let lo = 0, hi = gridLen;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (load<f64>(grid + (<usize>mid << 3)) >= minCount) hi = mid; else lo = mid + 1; }
    const from = certainFrom + (<usize>lo << 3);
    store<f64>(from, load<f64>(from) + 1);
    for (let k = 0; k < lo; k += 2) {
      const t = v128.load(grid + (<usize>k << 3));
      let prod = one;
      for (let i = 0; i < n; i++) prod = f64x2.mul(prod, f64x2.sub(one, f64x2.div(t, f64x2.splat(load<f64>(rowCounts + (<usize>i << 3))))));
      const p = f64x2.sub(one, prod);
      add(certain, partial, k, f64x2.extract_lane(p, 0));
      if (k + 1 < lo) add(certain, partial, k + 1, f64x2.extract_lane(p, 1));
    }
  }
}

// @ts-ignore: decorator
@inline function add(certain: usize, partial: usize, k: i32, p: f64): void {
  if (p == 1) { const a = certain + (<usize>k << 3); store<f64>(a, load<f64>(a) + 1); }
  else { const a = partial + (<usize>k << 3); store<f64>(a, load<f64>(a) + p); }
}
