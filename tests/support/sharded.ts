/** Shared by the sharded tests: a LAION pool in files and row groups, and the check against one `curate`. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { JobStore } from "../../lib/jobs/store";
import type { JobRecord } from "../../lib/jobs/types";
import { wordnetDbDir, wordnetLemmas } from "../../lib/metadata/wordnet";
import { openDuckDB, sqlString } from "../../lib/pool/duckdb";
import { LAION_10K } from "./fixtures";

const BYTE_IDENTICAL = ["entry_counts.parquet", "size_curve.parquet", "subset.npy", "matches.parquet", "curated.parquet", "preview.parquet"];
const SAME_ROWS = ["matches.parquet", "curated.parquet", "preview.parquet"];
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** A 30,000-row pool in 4 files (LAION captions, repeated, so uids repeat across files), 2,048-row groups, and WordNet metadata. */
export async function laionPool(dir: string): Promise<{ metadata: string; pool: string[] }> {
  const con = await openDuckDB();
  const pool = [["a", 0, 10_000], ["b", 0, 10_000], ["c", 2_000, 6_000], ["d", 6_000, 4_000]].map(([name, offset, rows]) => {
    return { file: path.join(dir, `${name}.parquet`), offset, rows };
  });
  try {
    for (const p of pool) {
      await con.run(`COPY (SELECT URL, TEXT FROM read_parquet(${sqlString(LAION_10K)}) LIMIT ${p.rows} OFFSET ${p.offset}) TO ${sqlString(p.file)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    }
  } finally {
    con.closeSync();
  }
  const metadata = path.join(dir, "metadata.txt");
  writeFileSync(metadata, [...new Set(await wordnetLemmas(wordnetDbDir()))].join("\n") + "\n");
  return { metadata, pool: pool.map((p) => p.file) };
}

/** Rows of a parquet file in order, compared through DuckDB: same count, and no row at another position. */
async function assertSameRows(a: string, b: string, what: string): Promise<void> {
  const con = await openDuckDB();
  try {
    const q = (f: string) => `SELECT * FROM read_parquet(${sqlString(f)}, file_row_number = true)`;
    const r = await con.runAndReadAll(`SELECT (SELECT count(*) FROM (${q(a)})) AS na, (SELECT count(*) FROM (${q(b)})) AS nb,
      (SELECT count(*) FROM ((${q(a)}) EXCEPT ALL (${q(b)}))) AS d1, (SELECT count(*) FROM ((${q(b)}) EXCEPT ALL (${q(a)}))) AS d2`);
    const [na, nb, d1, d2] = r.getRows()[0].map(Number);
    assert.ok(na > 0, `${what}: no rows`);
    assert.deepEqual({ rows: nb, differ: d1 + d2 }, { rows: na, differ: 0 }, what);
  } finally {
    con.closeSync();
  }
}

export async function assertEqualsCurate(ref: string, got: string): Promise<void> {
  for (const f of BYTE_IDENTICAL) assert.equal(sha(path.join(got, f)), sha(path.join(ref, f)), `${f} differs`);
  for (const f of SAME_ROWS) await assertSameRows(path.join(ref, f), path.join(got, f), f);
  const [m, r] = [got, ref].map((d) => JSON.parse(readFileSync(path.join(d, "manifest.json"), "utf8")));
  for (const k of ["t", "rows_matched", "rows_kept", "expected_size", "tail_share", "p_requested", "target_size_requested", "seed"]) assert.equal(m.balance[k], r.balance[k], `balance.${k}`);
  for (const k of ["rows_read", "rows_matched", "total_matches", "entries_matched", "max_count", "total_count"]) assert.equal(m.match[k], r.match[k], `match.${k}`);
  assert.deepEqual(m.match.pool.files, r.match.pool.files);
}

export async function waitEnded(store: JobStore, id: string, ms = 240_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await store.read(id);
    if (j.state !== "queued" && j.state !== "running") return j;
    if (Date.now() > end) throw new Error(`job ${id} still ${j.state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

