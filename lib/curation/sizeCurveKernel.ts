/**
 * SizeCurveAccumulator's sums on the WebAssembly kernel (lib/curation/wasm/sizeCurve.ts): the same
 * bits (a test checks it), about twice as fast, as two grid points share each division instruction.
 * Rows are staged in the kernel's memory and added a batch at a time. Node only: it reads its
 * compiled kernel from disk.
 */
import { curveValues } from "./sizeCurve";
import { sizeCurveModule } from "./wasmKernel";

interface Kernel {
  memory: WebAssembly.Memory;
  heapBase(): number;
  addRows(ids: number, starts: number, rows: number, counts: number, grid: number, gridLen: number,
    certainFrom: number, certain: number, partial: number, rowCounts: number): void;
}

const BATCH_ROWS = 1 << 14;
const PAGE = 65536;

export class SizeCurveKernel {
  rows = 0;
  private readonly kernel: Kernel;
  private top: number;
  private readonly at: { counts: number; grid: number; certainFrom: number; certain: number; partial: number; starts: number };
  private ids = { at: 0, cap: 0 };
  private rowCounts = { at: 0, cap: 0 };
  private staged = 0;
  private stagedIds = 0;

  constructor(readonly grid: readonly number[], counts: ArrayLike<number>, module: WebAssembly.Module = sizeCurveModule()) {
    this.kernel = new WebAssembly.Instance(module, {}).exports as unknown as Kernel;
    this.top = align(this.kernel.heapBase());
    const g = grid.length;
    this.at = {
      counts: this.alloc(8 * counts.length), grid: this.alloc(8 * (g + 1)), certainFrom: this.alloc(8 * (g + 1)),
      certain: this.alloc(8 * g), partial: this.alloc(8 * g), starts: this.alloc(4 * (BATCH_ROWS + 1)),
    };
    this.ids = { at: this.alloc(4 * (1 << 18)), cap: 1 << 18 };
    this.rowCounts = { at: this.alloc(8 * 1024), cap: 1024 };
    new Float64Array(this.buffer, this.at.counts, counts.length).set(counts);
    new Float64Array(this.buffer, this.at.grid, g).set(grid);
  }

  /** Adds one matched row whose ids are ids[start, end). */
  addRow(ids: ArrayLike<number>, start: number, end: number): void {
    const n = end - start;
    if (this.staged === BATCH_ROWS || this.stagedIds + n > this.ids.cap) this.flush();
    if (n > this.ids.cap) this.ids = { at: this.alloc(4 * n), cap: n };
    if (n > this.rowCounts.cap) this.rowCounts = { at: this.alloc(8 * n), cap: n };
    const buffer = this.buffer;
    const staged = new Int32Array(buffer, this.ids.at + 4 * this.stagedIds, n);
    for (let i = 0; i < n; i++) staged[i] = ids[start + i];
    this.stagedIds += n;
    new Int32Array(buffer, this.at.starts, BATCH_ROWS + 1)[++this.staged] = this.stagedIds;
    this.rows++;
  }

  /** E(t) at each grid point, the same bits as SizeCurveAccumulator.values over the same rows. */
  values(): Float64Array {
    this.flush();
    const g = this.grid.length, buffer = this.buffer;
    const certainFrom = new Float64Array(buffer, this.at.certainFrom, g + 1);
    const certain = new Float64Array(buffer, this.at.certain, g), partial = new Float64Array(buffer, this.at.partial, g);
    return curveValues(certainFrom, certain, partial);
  }

  private flush(): void {
    if (this.staged > 0) {
      const a = this.at;
      this.kernel.addRows(this.ids.at, a.starts, this.staged, a.counts, a.grid, this.grid.length, a.certainFrom, a.certain, a.partial, this.rowCounts.at);
    }
    this.staged = this.stagedIds = 0;
  }

  private get buffer(): ArrayBuffer {
    return this.kernel.memory.buffer;
  }

  /** Reserves zeroed bytes at the top of the kernel's memory, growing it when needed. */
  private alloc(bytes: number): number {
    const at = this.top;
    this.top = align(at + bytes);
    const memory = this.kernel.memory;
    if (this.top > memory.buffer.byteLength) memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / PAGE));
    return at;
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}
