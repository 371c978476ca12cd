/**
 * Runs once when the dashboard's server starts. Under `metacurate serve` (which names itself in
 * METACURATE_SERVE_PID), the server ends when that process does, even by `kill -9`: it would otherwise
 * live on, orphaned, holding the port, and a restarted `serve` could not listen.
 */
export function register(): void {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const parent = Number(process.env.METACURATE_SERVE_PID);
  if (!Number.isInteger(parent) || parent <= 0) return;
  setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 250).unref();
}
