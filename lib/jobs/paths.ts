/**
 * Paths in a job spec: relative, resolved inside the data directory or one of the pools folders the
 * server (or `job submit`) was given, with every symlink resolved. `..`, absolute paths, encoded
 * forms and symlinks out are refused with the field named.
 */
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { controlCharacter, shown } from "../cluster/shellText";
import { UsageError } from "../errors";

export interface PathRoots {
  dataDir: string;
  poolsDirs: string[];
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The real path of an existing input named by `field`. */
export function resolveInput(value: string, field: string, roots: PathRoots): string {
  checkShape(value, field);
  for (const root of [roots.dataDir, ...roots.poolsDirs]) {
    const realRoot = realpathSync(root);
    const candidate = path.resolve(realRoot, value);
    if (!existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (!inside(realRoot, real)) throw new UsageError(`"${field}": ${JSON.stringify(value)} leads outside the data directory (a symlink out)`);
    return real;
  }
  throw new UsageError(`"${field}": ${JSON.stringify(value)} does not exist in the data directory${roots.poolsDirs.length ? " or the pools folders" : ""}`);
}

/** A workspace name for an output: one plain folder name of the data directory. */
export function checkWorkspaceName(value: string, field: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value) || value.includes("..")) throw new UsageError(`"${field}": ${JSON.stringify(value.slice(0, 80))} is not a workspace name (letters, digits, . _ -)`);
  return value;
}

function checkShape(value: string, field: string): void {
  if (value.length === 0 || value.length > 1024) throw new UsageError(`"${field}": needs a path`);
  // a newline in a path would end a line of a generated script (lib/cluster/shellText)
  const control = value.includes("\0") ? null : controlCharacter(value);
  if (control) throw new UsageError(`"${field}": ${shown(value)} holds ${control}; a path must be one line of printable characters`);
  if (value.includes("\0") || /%[0-9a-f]{2}/i.test(value)) throw new UsageError(`"${field}": ${JSON.stringify(value.slice(0, 80))} holds encoded or NUL characters`);
  if (path.isAbsolute(value) || /^[a-z][a-z0-9+.-]*:/i.test(value)) throw new UsageError(`"${field}": ${JSON.stringify(value.slice(0, 80))} must be a path relative to the data directory, not an absolute path or a URL`);
  if (value.split(/[\\/]/).includes("..")) throw new UsageError(`"${field}": ${JSON.stringify(value.slice(0, 80))} must not climb out with ".."`);
}

/** An existing workspace of the data directory named by `field`: its real folder (it must hold a manifest.json). */
export function resolveWorkspace(value: string, field: string, roots: PathRoots): string {
  const name = checkWorkspaceName(value, field);
  const dir = resolveInput(name, field, { dataDir: roots.dataDir, poolsDirs: [] });
  if (!existsSync(path.join(dir, "manifest.json"))) throw new UsageError(`"${field}": ${JSON.stringify(name)} is not a workspace (no manifest.json)`);
  return dir;
}

/** A job never reads an input inside the output it writes over. */
export function refuseInputsInside(outDir: string, out: string, inputs: [string, string][]): void {
  const real = existsSync(outDir) ? realpathSync(outDir) : outDir;
  for (const [field, p] of inputs) {
    if (p.startsWith(real + path.sep)) throw new UsageError(`"${field}": it is inside the output "${out}", which the job writes over; move it out first or choose another "out"`);
  }
}
