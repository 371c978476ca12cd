/**
 * Progress of a long command, on stderr: a bar on a terminal (quiet in pipes, logs and CI), or with
 * `--progress json` one JSON object per line — {"step", "done", "total", "rate"} — that a parent
 * process, a Slurm task log and the dashboard read alike.
 */
export type ProgressMode = "bar" | "json" | "none";
export const PROGRESS_MODES: readonly ProgressMode[] = ["bar", "json", "none"];

export interface ProgressEvent {
  step: string;
  done: number;
  total: number | null;
  /** Rows (or samples) per second since the step began. */
  rate: number;
  /** Training: the loss of the last steps, and the seconds left at this rate. */
  loss?: number;
  eta?: number;
}

export class Progress {
  private readonly mode: ProgressMode;
  private stage = "";
  private started = performance.now();
  private lastDraw = 0;

  constructor(mode: ProgressMode = "bar", private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.mode = mode === "bar" && !stream.isTTY ? "none" : mode;
  }

  setStage(stage: string): void {
    this.stage = stage.replace(/_ms$/, "");
    this.started = performance.now();
    this.lastDraw = 0;
    if (this.mode === "bar") this.draw(`${this.stage.replaceAll("_", " ")}…`);
    else if (this.mode === "json") this.emit({ step: this.stage, done: 0, total: null, rate: 0 });
  }

  update(done: number, total: number, extra: { loss?: number; eta?: number; unit?: string } = {}): void {
    if (this.mode === "none") return;
    const now = performance.now();
    if (now - this.lastDraw < (this.mode === "json" ? 500 : 100) && done < total) return;
    this.lastDraw = now;
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    const { unit = "rows", ...training } = extra;
    if (this.mode === "json") {
      const rounded = { ...(training.loss !== undefined ? { loss: Number(training.loss.toFixed(4)) } : {}), ...(training.eta !== undefined ? { eta: Math.round(training.eta) } : {}) };
      this.emit({ step: this.stage, done, total, rate: Math.round(rate), ...rounded });
      return;
    }
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const more = `${training.loss !== undefined ? ` loss ${training.loss.toFixed(3)}` : ""}${training.eta !== undefined ? ` ETA ${Math.round(training.eta)} s` : ""}`;
    this.draw(`${this.stage.replaceAll("_", " ")} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${done.toLocaleString("en")}/${total.toLocaleString("en")} ${unit} ${formatRate(rate)} ${unit}/s${more}`);
  }

  done(): void {
    if (this.mode === "bar") this.stream.write("\r\x1b[2K");
  }

  // a stream whose reader went away (bin/closedPipes) is written no more
  private emit(event: ProgressEvent): void {
    if (!this.stream.destroyed) this.stream.write(JSON.stringify(event) + "\n");
  }

  private draw(line: string): void {
    if (!this.stream.destroyed) this.stream.write("\r\x1b[2K" + line);
  }
}

function formatRate(r: number): string {
  if (r >= 1e6) return (r / 1e6).toFixed(2) + "M";
  if (r >= 1e3) return (r / 1e3).toFixed(0) + "k";
  return r.toFixed(0);
}
