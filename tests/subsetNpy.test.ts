// subset.npy's sort: exact against a plain sort of the hex uids, in memory and through spilled runs.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { readUidNpy } from "../lib/pool/npy";
import { SubsetNpyWriter } from "../lib/pipeline/subsetNpy";
import { tempDir } from "./support/fixtures";

function uidsOf(kind: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const md5 = createHash("md5").update(`${kind}${i}`).digest("hex");
    if (kind === "repeats") return createHash("md5").update(String(i % 37)).digest("hex");
    // the first 20 digits shared, then few distinct values: every byte level of the radix sort is used
    if (kind === "prefix") return "00000000000000000000" + md5.slice(0, 3) + "000000000";
    if (kind === "upper") return i % 2 ? md5.toUpperCase() : md5;
    return md5;
  });
}

for (const kind of ["md5", "repeats", "prefix", "upper"]) {
  test(`subset.npy holds the ${kind} uids sorted, in memory and when merged from spilled runs`, (t) => {
    const dir = tempDir(t);
    const uids = uidsOf(kind, 5000);
    const expected = uids.map((u) => u.toLowerCase()).sort();
    for (const runRecords of [1 << 22, 1000, 333]) {
      const writer = new SubsetNpyWriter((i) => path.join(dir, `run-${runRecords}-${i}.bin`), runRecords);
      const bytes = new TextEncoder().encode(uids.join(""));
      for (let i = 0; i < uids.length; i++) writer.add(bytes, 32 * i);
      const target = path.join(dir, `subset-${runRecords}.npy`);
      writer.write(target);
      assert.equal(writer.size, uids.length);
      assert.deepEqual(readUidNpy(readFileSync(target)), expected, `runs of ${runRecords}`);
    }
  });
}

test("subset.npy: an empty set is a valid file; a non-hex uid is refused", (t) => {
  const dir = tempDir(t);
  const writer = new SubsetNpyWriter((i) => path.join(dir, `run-${i}.bin`));
  writer.write(path.join(dir, "empty.npy"));
  assert.deepEqual(readUidNpy(readFileSync(path.join(dir, "empty.npy"))), []);
  assert.throws(() => writer.add(new TextEncoder().encode("g".repeat(32)), 0), /not a 32-hex-digit uid/);
});
