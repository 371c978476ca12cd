/**
 * The one reading of a typed t, p or target size: the dashboard's boxes, the URL's ?t= and the job
 * forms go through here, so a text means the same everywhere. A text is accepted in the forms the
 * page itself prints (fmtInt's "20,000", fmtP's "0.060") and a few a person types ("20k", "2e4", "6%").
 *
 * Whole counts (t, target size): digits, optionally grouped by threes with one separator used
 * throughout (",", "_", a space, a no-break or thin space: "20,000", "20 000"), or a number with a
 * k or M suffix ("20k", "1.5M"), or scientific notation ("2e4"); the value must be a whole number
 * from 1 to 2^53 − 1. A decimal point alone is refused ("1.000" is 1 in one locale and 1000 in
 * another), as are hexadecimal, signs and anything else. t also takes "∞" (or inf, infinity): no
 * cap, returned as Infinity; the caller turns it into a t that caps nothing (noCapT).
 *
 * p: a fraction from 0 to 1, as the paper writes it ("0.06", ".06", "6e-2"), or a percentage with
 * its "%" ("6%"); a bare number above 1 is refused as ambiguous rather than read as a percentage.
 *
 * Each refusal is a phrase to follow the field's name ("t must be …", `"t": must be …`) and ends
 * with the text it refused.  Isomorphic and pure.
 */
import { shown } from "../cluster/shellText";

export type Parsed = { ok: true; value: number } | { ok: false; problem: string };

/** The largest count a double holds exactly. */
const MAX_WHOLE = Number.MAX_SAFE_INTEGER;

/** Separators of digit groups: comma, underscore, space, no-break space, narrow no-break space, thin space. */
const GROUPED = /^\d{1,3}([, _\u00a0\u202f\u2009])\d{3}(?:\1\d{3})*$/;
const DECIMAL = /^(?:\d+\.?\d*|\.\d+)$/;
const SCIENTIFIC = /^(?:\d+\.?\d*|\.\d+)e[+-]?\d+$/i;
const SUFFIX_ZEROS: Record<string, number> = { k: 3, K: 3, m: 6, M: 6 };
const INFINITE = /^(?:∞|\+?inf(?:inity)?)$/i;

const got = (raw: string) => `(got ${shown(raw, 40)})`;

type Whole = { ok: true; value: number } | { ok: false; why: "empty" | "not a number" | "decimal" | "not whole" | "below 1" | "too large" };

/** A whole count in one of the accepted forms (see the file's comment); Infinity is not one. */
function wholeCount(raw: string): Whole {
  const s = raw.trim();
  if (s === "") return { ok: false, why: "empty" };
  if (/^[-−]/.test(s)) {
    const rest = wholeCount(s.slice(1));
    return { ok: false, why: rest.ok || rest.why !== "not a number" ? "below 1" : "not a number" };
  }
  let value: number;
  const suffixed = /^(.*?)\s?([kKmM])$/.exec(s);
  // "1.005k" as 1.005e3, read by one correctly rounded parse (1.005 * 1000 is 1004.9999999999999)
  if (suffixed && DECIMAL.test(suffixed[1])) value = Number(`${suffixed[1]}e${SUFFIX_ZEROS[suffixed[2]]}`);
  else if (/^\d+$/.test(s)) value = Number(s);
  else if (GROUPED.test(s)) value = Number(s.replace(/[^\d]/g, ""));
  else if (SCIENTIFIC.test(s)) value = Number(s);
  else if (DECIMAL.test(s)) return { ok: false, why: "decimal" };
  else return { ok: false, why: "not a number" };
  if (!Number.isFinite(value) || value > MAX_WHOLE) return { ok: false, why: "too large" };
  if (!Number.isInteger(value)) return { ok: false, why: "not whole" };
  if (value < 1) return { ok: false, why: "below 1" };
  return { ok: true, value };
}

/** The forms a t is written in, for a message. */
export const T_FORMS = "a whole number from 1, e.g. 20000, 20,000 or 20k, or ∞ for no cap";

/** A typed t: a whole count, or Infinity for "∞" (no cap: see noCapT). */
export function parseTText(raw: string): Parsed {
  if (INFINITE.test(raw.trim())) return { ok: true, value: Infinity };
  const r = wholeCount(raw);
  if (r.ok) return r;
  const problem = {
    empty: "is empty: give " + T_FORMS,
    "not a number": `must be ${T_FORMS}`,
    decimal: "must be a whole number of matches (no decimal point; thousands are written 20,000)",
    "not whole": "must be a whole number of matches",
    "below 1": "must be at least 1 (t = 0 would keep no pair)",
    "too large": "is too large for a count; for no cap write ∞",
  }[r.why];
  return { ok: false, problem: `${problem} ${got(raw)}` };
}

/** A typed target size: a whole number of rows, at least 1 (the same forms as t, without ∞). */
export function parseSizeText(raw: string): Parsed {
  const r = wholeCount(raw);
  if (r.ok) return r;
  const problem = r.why === "too large" ? "is too large for a number of rows" : "must be a whole number of rows, at least 1";
  return { ok: false, problem: `${problem} ${got(raw)}` };
}

/** A typed p: a fraction in [0, 1] ("0.06"), or a percentage with its sign ("6%"). */
export function parsePText(raw: string): Parsed {
  const s = raw.trim();
  const forms = "a fraction such as 0.06, or a percentage such as 6%";
  if (s === "") return { ok: false, problem: `is empty: give ${forms} ${got(raw)}` };
  const percent = s.endsWith("%");
  const body = percent ? s.slice(0, -1).trimEnd() : s;
  if (!DECIMAL.test(body) && !SCIENTIFIC.test(body)) {
    const hint = /^\d*,\d+$/.test(body) ? " (write the decimal point as a point: 0.06)" : "";
    return { ok: false, problem: `must be a number in [0, 1]: ${forms}${hint} ${got(raw)}` };
  }
  const v = Number(body);
  if (percent) return v <= 100 ? { ok: true, value: DECIMAL.test(body) ? Number(`${body}e-2`) : v / 100 } : { ok: false, problem: `must be a percentage from 0% to 100% ${got(raw)}` };
  if (v <= 1) return { ok: true, value: v };
  return { ok: false, problem: v <= 100
    ? `must be a number in [0, 1], a fraction as the paper writes it; for ${body}% write "${body}%" or ${Number(`${body}e-2`)} ${got(raw)}`
    : `must be a number in [0, 1]: ${forms} ${got(raw)}` };
}

/**
 * The t "∞" stands for on counts whose largest is maxCount: the largest count itself, the smallest t
 * that caps no entry (every p_e = 1, so balancing keeps every matched row). It is also what
 * p_to_t(counts, 1) gives. At least 1, as every t.
 */
export function noCapT(maxCount: number): number {
  return Math.max(1, maxCount);
}

/** A parsed t made finite: ∞ becomes `noCap`, the t that caps nothing (noCapT of the largest count; a worldwide workspace's is English's + 1). */
export function resolveT(t: number, noCap: number): number {
  return t === Infinity ? noCap : t;
}
