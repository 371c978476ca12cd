/** Times a command's stages: each is announced (onStage) and its milliseconds recorded in `timings` under its name. */
export function stageTimer(timings: Record<string, number>, onStage?: (stage: string) => void) {
  return async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    onStage?.(name);
    const t0 = performance.now();
    try { return await f(); } finally { timings[name] = Math.round(performance.now() - t0); }
  };
}
