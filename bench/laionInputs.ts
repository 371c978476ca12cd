/** What the LAION benchmarks start from (needs ../shared): bench/out, the 10,000 captions, and the 500k list written there once. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LAION_10K, REPO, hasLaion, laionCaptions } from "../tests/support/fixtures";
import { list500k } from "../tests/support/metadataLists";

export async function laionBenchInputs(bench: string): Promise<{ out: string; captions: string[]; metadata500k: string }> {
  if (!hasLaion) {
    console.log(`${bench} needs ${LAION_10K}`);
    process.exit(1);
  }
  const out = path.join(REPO, "bench/out");
  mkdirSync(out, { recursive: true });
  const captions = await laionCaptions();
  const metadata500k = path.join(out, "metadata-500k.json");
  if (!existsSync(metadata500k)) writeFileSync(metadata500k, JSON.stringify(await list500k(captions)));
  return { out, captions, metadata500k };
}
