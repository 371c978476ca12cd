/**
 * tfjs for Node: @tensorflow/tfjs-core with every gradient registered, and the cpu and wasm backends.
 * tfjs-core's gradient registrations ship only as ES modules with extensionless imports, which
 * Node's ES loader cannot resolve and its CommonJS loader cannot run; so the four packages are
 * bundled once, with esbuild, into one CommonJS file (node_modules/.cache/metacurate/, keyed by their
 * versions) that shares one engine, and loaded from there. wasm for runs (one thread in Node), cpu
 * for tests and the gradient check. Node only.
 */
import { buildSync } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as TfCore from "@tensorflow/tfjs-core";

export type Tf = typeof TfCore;
export type Backend = "wasm" | "cpu";

const require = createRequire(import.meta.url);
let loaded: Tf | null = null;

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** The bundle's path, built when missing (written whole, then renamed: concurrent builders do not collide). */
function bundle(): string {
  const core = packageDir("@tensorflow/tfjs-core");
  const version = (JSON.parse(readFileSync(path.join(core, "package.json"), "utf8")) as { version: string }).version;
  const dir = path.resolve(core, "../../.cache/metacurate");
  const file = path.join(dir, `tfjs-${version}.cjs`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const entry = [
    'export * from "@tensorflow/tfjs-core";',
    'import "@tensorflow/tfjs-core/dist/register_all_gradients";',
    'import "@tensorflow/tfjs-backend-cpu";',
    'export { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";',
  ].join("\n");
  const built = buildSync({ stdin: { contents: entry, resolveDir: core, loader: "js" }, bundle: true, platform: "node", format: "cjs", target: "node20", write: false, logLevel: "error", mainFields: ["module", "main"] });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, built.outputFiles[0].contents);
  renameSync(tmp, file);
  return file;
}

function load(): Tf {
  if (loaded) return loaded;
  const tf = require(bundle()) as Tf & { setWasmPaths(prefix: string): void };
  tf.setWasmPaths(path.join(packageDir("@tensorflow/tfjs-backend-wasm"), "dist") + path.sep);
  loaded = tf;
  return tf;
}

/** tfjs on `backend`, ready. */
export async function loadTf(backend: Backend): Promise<Tf> {
  const tf = load();
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`the tfjs ${backend} backend did not start`);
  }
  await tf.ready();
  return tf;
}
