/** A progress bar on stderr, drawn only when stderr is a terminal (quiet in pipes, logs and CI). */
export class Progress {
  private readonly enabled: boolean;
  private stage = "";
  private started = performance.now();
  private lastDraw = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = Boolean(stream.isTTY);
  }

  setStage(stage: string): void {
    this.stage = stage.replace(/_ms$/, "").replaceAll("_", " ");
    this.started = performance.now();
    if (this.enabled) this.draw(`${this.stage}…`);
  }

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    this.draw(`${this.stage} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${done.toLocaleString("en")}/${total.toLocaleString("en")} rows ${formatRate(rate)} rows/s`);
  }

  done(): void {
    if (this.enabled) process.stderr.write("\r\x1b[2K");
  }

  private draw(line: string): void {
    process.stderr.write("\r\x1b[2K" + line);
  }
}

function formatRate(r: number): string {
  if (r >= 1e6) return (r / 1e6).toFixed(2) + "M";
  if (r >= 1e3) return (r / 1e3).toFixed(0) + "k";
  return r.toFixed(0);
}
