// A typed t, p or target size is read one way everywhere (the t box, ?t= in the URL, the job forms):
// what the page prints reads back as the same value, and every other text is refused with its text named.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fmtInt, fmtP, fmtPct, fmtPctSmall, fmtT } from "../lib/browser/format";
import { DEFAULT_VIEW, parseView, viewQuery } from "../lib/browser/viewState";
import { CountDistribution } from "../lib/curation/distribution";
import { pToT, tToP } from "../lib/curation/threshold";
import { noCapT, parsePText, parseSizeText, parseTText, resolveT } from "../lib/options/thresholdText";

const value = (r: ReturnType<typeof parseTText>) => (r.ok ? r.value : `refused: ${r.problem}`);
const problem = (r: ReturnType<typeof parseTText>) => (r.ok ? `accepted ${r.value}` : r.problem);

test("t: plain, grouped (as fmtInt prints it), k/M suffixes and scientific notation are the same count", () => {
  const cases: [string, number][] = [
    ["1000", 1000], ["1,000", 1000], ["1 000", 1000], ["1\u00a0000", 1000], ["1\u202f000", 1000], ["1_000", 1000],
    ["20,000", 20000], ["170,000", 170000], ["1,234,567", 1234567], ["  51 ", 51], ["1", 1], ["007", 7],
    ["20k", 20000], ["20K", 20000], ["20 k", 20000], ["1.5k", 1500], ["1.005k", 1005], ["8.2M", 8_200_000], [".5k", 500], ["2M", 2e6], ["2.5m", 2.5e6],
    ["2e4", 20000], ["1.7E5", 170000], ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ];
  for (const [text, want] of cases) assert.equal(value(parseTText(text)), want, JSON.stringify(text));
});

test("t: ∞, inf and Infinity are no cap, made the largest count (what p_to_t(counts, 1) gives)", () => {
  for (const text of ["∞", " ∞ ", "inf", "INF", "Inf", "+inf", "infinity", "Infinity"]) assert.equal(value(parseTText(text)), Infinity, text);
  const counts = [0, 0, 3, 9, 40, 40, 7];
  assert.equal(resolveT(Infinity, 40), 40);
  assert.equal(resolveT(Infinity, 40), pToT(counts, 1));
  assert.equal(resolveT(12, 40), 12);
  assert.equal(noCapT(0), 1, "a t is at least 1, even on counts with no match");
});

test("t: hexadecimal, overflow, empty, negative, zero, text, decimals and bad grouping are refused, naming the text", () => {
  const refused: [string, RegExp][] = [
    ["0x10", /must be a whole number from 1.*\(got "0x10"\)/],
    ["0b11", /\(got "0b11"\)/],
    ["0o7", /\(got "0o7"\)/],
    ["1e400", /too large.*∞.*\(got "1e400"\)/],
    ["9007199254740992", /too large/],
    ["", /is empty.*\(got ""\)/],
    ["   ", /is empty/],
    ["-5", /at least 1.*\(got "-5"\)/],
    ["−5", /at least 1/],
    ["0", /at least 1 \(t = 0 would keep no pair\) \(got "0"\)/],
    ["0,000", /at least 1/],
    ["abc", /must be a whole number from 1.*\(got "abc"\)/],
    ["1.5", /whole number of matches \(no decimal point.*\(got "1.5"\)/],
    ["1.000", /no decimal point/],
    ["1.2345k", /whole number of matches \(got "1.2345k"\)/],
    ["1e-3", /whole number/],
    ["1,00", /\(got "1,00"\)/],
    ["1,0000", /\(got "1,0000"\)/],
    ["1,000 000", /\(got "1,000 000"\)/],
    [",000", /\(got ",000"\)/],
    ["1,000.5", /\(got "1,000.5"\)/],
    ["k", /\(got "k"\)/],
    ["20kk", /\(got "20kk"\)/],
    ["+5", /\(got "\+5"\)/],
    ["NaN", /\(got "NaN"\)/],
    ["--∞", /\(got "--∞"\)/],
  ];
  for (const [text, want] of refused) assert.match(problem(parseTText(text)), want, JSON.stringify(text));
  // a long text is named by its start, one line
  const long = parseTText("x".repeat(500) + "\n");
  assert.ok(!long.ok && long.problem.length < 200 && !long.problem.includes("\n"), problem(long));
});

test("every t the page prints reads back as itself", () => {
  for (const t of [1, 7, 51, 999, 1000, 1001, 20000, 170000, 1234567, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    assert.equal(fmtT(t), fmtInt(t));
    assert.equal(value(parseTText(fmtT(t))), t, fmtT(t));
  }
  assert.equal(fmtT(1.5), "1.5", "a t the CLI set to a fraction is shown, not rounded");
});

test("target size: the same whole-count forms as t, no ∞; the refusal keeps the form's wording", () => {
  assert.equal(value(parseSizeText("2,000")), 2000);
  assert.equal(value(parseSizeText("400M")), 4e8);
  assert.equal(value(parseSizeText("2e3")), 2000);
  assert.equal(problem(parseSizeText("12.5")), 'must be a whole number of rows, at least 1 (got "12.5")');
  assert.equal(problem(parseSizeText("0")), 'must be a whole number of rows, at least 1 (got "0")');
  assert.equal(problem(parseSizeText("∞")), 'must be a whole number of rows, at least 1 (got "∞")');
  assert.equal(problem(parseSizeText("1e400")), 'is too large for a number of rows (got "1e400")');
  for (const n of [1, 700, 2827, 1_000_000]) assert.equal(value(parseSizeText(fmtInt(n))), n);
});

test("p: a fraction as the paper writes it, or a percentage with its sign; a bare number above 1 is refused as ambiguous", () => {
  const cases: [string, number][] = [["0.06", 0.06], [".06", 0.06], ["0.060", 0.06], ["6e-2", 0.06], ["0", 0], ["1", 1], ["1.0", 1],
    ["6%", 0.06], ["6 %", 0.06], ["5.3%", 0.053], ["100%", 1], ["0%", 0], ["0.5%", 0.005]];
  for (const [text, want] of cases) assert.equal(value(parsePText(text)), want, text);
  // "p must be a number in [0, 1]" is the engine's own wording (assertP), kept at the start
  assert.equal(problem(parsePText("6")), 'must be a number in [0, 1], a fraction as the paper writes it; for 6% write "6%" or 0.06 (got "6")');
  assert.match(problem(parsePText("5.3")), /for 5.3% write "5.3%" or 0.053 \(got "5.3"\)/);
  assert.equal(problem(parsePText("150")), 'must be a number in [0, 1]: a fraction such as 0.06, or a percentage such as 6% (got "150")');
  assert.match(problem(parsePText("101%")), /0% to 100% \(got "101%"\)/);
  assert.match(problem(parsePText("0,06")), /decimal point as a point.*\(got "0,06"\)/);
  for (const text of ["", "-0.1", "abc", "0x1", "1e400", "%", "6%%", "NaN"]) assert.ok(!parsePText(text).ok, text);
});

test("p is printed as a fraction (the paper's p) and reads back to within its printed digits; other shares are percentages", () => {
  assert.equal(fmtP(0.06), "0.060");
  assert.equal(fmtP(0.057134189503488725), "0.057");
  assert.equal(fmtP(0.0053), "0.0053");
  assert.equal(fmtP(0.00012), "0.00012");
  assert.equal(fmtP(0), "0.000");
  assert.equal(fmtP(1), "1.000");
  assert.equal(fmtP(0.945), "0.945");
  assert.match(fmtP(1e-12), /^1\.0e-12$/);
  for (const p of [0.06, 0.057134189503488725, 0.0053, 0.00012, 0.5, 1e-12]) {
    const back = parsePText(fmtP(p));
    assert.ok(back.ok && Math.abs(back.value - p) <= p * 0.05 + 5e-4, `${p} → ${fmtP(p)}`);
  }
  assert.equal(fmtPct(0.9325), "93.25%");
  assert.equal(fmtPctSmall(1.8e-6), "0.00018%");
  assert.equal(fmtPctSmall(0.005), "0.50%");
  assert.equal(fmtPctSmall(0.25), "25.00%");
  assert.equal(fmtPctSmall(0), "0.00%");
  assert.equal(fmtPctSmall(4 / 9889, 1), "0.040%", "a share above 0 never prints as 0.0%");
  assert.equal(fmtPctSmall(0.393, 1), "39.3%");
});

test("the p a t gives and the t a p gives, through the sorted counts, agree with the reference functions", () => {
  const counts = [0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 407];
  const dist = new CountDistribution(counts);
  for (const t of [1, 2, 5, 51, 144, 406, 407, 408]) assert.equal(dist.figuresAt(t).tailShare, tToP(counts, t));
  for (const p of [0, 0.01, 0.06, 0.2, 0.5, 1]) assert.equal(dist.tForTailShare(p), pToT(counts, p));
  assert.equal(dist.tForTailShare(1), resolveT(Infinity, dist.maxCount), "∞ and p = 1 are the same t");
});

test("?t= in the URL is read by the same parser; a bad one is kept (said on the page), never replaced silently", () => {
  const view = (q: string) => parseView(new URLSearchParams(q));
  assert.equal(view("t=1,000").t, 1000);
  assert.equal(view("t=1%2C000").t, 1000);
  assert.equal(view("t=20k").t, 20000);
  assert.equal(view("t=%E2%88%9E").t, Infinity);
  assert.equal(view("t=inf").t, Infinity);
  for (const bad of ["0x10", "abc", "0", "-5", "1e400", ""]) {
    const v = view(`t=${encodeURIComponent(bad)}`);
    assert.equal(v.t, null, bad);
    assert.equal(v.tRejected?.text, bad);
    assert.ok(v.tRejected?.problem.includes(`(got ${JSON.stringify(bad)})`), v.tRejected?.problem);
    // kept in the URL while other parts of the view change, so the page keeps saying it
    assert.deepEqual(view(viewQuery({ ...v, overlays: false }).slice(1)).tRejected, v.tRejected);
  }
  assert.equal(view("").tRejected, null);
  assert.deepEqual(view(viewQuery({ ...DEFAULT_VIEW, t: Infinity }).slice(1)).t, Infinity);
  // a chosen t replaces the bad one
  const fixed = viewQuery({ ...view("t=abc"), t: 51, tRejected: null });
  assert.equal(fixed, "?t=51");
  assert.equal(view(`t=${"9".repeat(5000)}`).tRejected?.text.length, 200, "a huge ?t= is kept only by its start");
});
