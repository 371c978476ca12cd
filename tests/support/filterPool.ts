// A DataComp-style pool for the filter tests: real LAION captions (or synthetic ones without ../shared)
// and the odd texts, with sizes and scores that hold ties, NaN, nulls and zeros.
import { openDuckDB, sqlString } from "../../lib/pool/duckdb";
import { hasLaion, LAION_10K } from "./fixtures";

/** Captions whose lengths Python and JavaScript count differently, and a few of every kind. */
export const ODD_TEXTS = [
  "two\u001cwords here", "a\u0085b c d", "wide\u3000space\u3000words", "zero\u200bwidth is not a space", "bom\ufeffis not a space either",
  "😀😀😀", "😀 😀 😀 😀", "  leading and trailing  ", "tab\tseparated\twords", "line\nbreak\nwords", "ab", "",
];

/** A DataComp-style pool: uid, url, text, original_width/height, both CLIP scores (ties, NaN, null, zeros). */
export async function makePool(file: string): Promise<number> {
  const con = await openDuckDB();
  try {
    const captions = hasLaion
      ? `SELECT file_row_number AS i, TEXT AS text FROM read_parquet(${sqlString(LAION_10K)}, file_row_number = true) WHERE file_row_number < 4000`
      : `SELECT i, 'a photo of item number ' || i AS text FROM range(4000) t(i)`;
    const odd = ODD_TEXTS.map((t, k) => `SELECT ${100000 + k} AS i, ${sqlString(t)} AS text`).join(" UNION ALL ");
    await con.run(`COPY (SELECT md5('row' || i) AS uid, 'http://example.invalid/' || i AS url,
        CASE WHEN i % 101 = 0 THEN NULL ELSE text END AS text,
        CASE WHEN i % 23 = 0 THEN 0 WHEN i % 29 = 0 THEN NULL ELSE 100 + (i * 37) % 900 END AS original_width,
        CASE WHEN i % 31 = 0 THEN 0 ELSE 100 + (i * 53) % 900 END AS original_height,
        CASE WHEN i % 13 = 0 THEN 'NaN'::DOUBLE WHEN i % 17 = 0 THEN NULL ELSE round(((i * 7919) % 1000) / 1000.0, 2) END AS clip_b32_similarity_score,
        CAST(((i * 104729) % 1000) / 1000.0 AS FLOAT) AS clip_l14_similarity_score
      FROM (${captions} UNION ALL ${odd}) ORDER BY i) TO ${sqlString(file)} (FORMAT parquet)`);
    return 4000 + ODD_TEXTS.length;
  } finally {
    con.closeSync();
  }
}

