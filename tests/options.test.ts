// One schema per command (lib/options): the CLI's flags and a job spec's or API body's fields validate
// through it, every message naming the field at fault.
import assert from "node:assert/strict";
import { test } from "node:test";
import { balanceOptions, curateOptions, statsOptions } from "../lib/options/commands";
import { parseOptions } from "../lib/options/validate";

const curate = { metadata: "m.json", pool: ["a.parquet"], out: "ws", t: 20000 };

test("a curate spec as JSON: wrong types, unknown fields, t = 0, a missing pool are named as fields", () => {
  assert.deepEqual(parseOptions(curateOptions, curate, "field"), curate);
  const bad: [unknown, RegExp][] = [
    [{ ...curate, t: "20000" }, /^"t": must be a number \(got "20000"\)$/],
    [{ ...curate, t: 0 }, /^"t": t must be a number >= 1 \(got 0\)$/],
    [{ ...curate, pool: [] }, /^"pool": needs at least one parquet file$/],
    [{ ...curate, pool: "a.parquet" }, /^"pool": must be a list/],
    [{ metadata: "m.json", out: "ws", t: 5 }, /^"pool": is required$/],
    [{ ...curate, frobnicate: 1 }, /^unknown field "frobnicate"$/],
    [{ ...curate, p: 0.1 }, /^give one of "t", "p" or "target-size", not more$/],
    [{ ...curate, seed: -1, workers: 0 }, /^(?=.*"seed": seed must be an integer in \[0, 4294967295\] \(got -1\))(?=.*"workers": must be an integer from 1 to 256 \(got 0\))/],
    [{ ...curate, t: undefined, "target-size": 2.5 }, /^"target-size": must be a whole number of rows, at least 1 \(got 2\.5\)$/],
    [{ ...curate, "memory-limit": 0.1 }, /^"memory-limit": must be a number of GB from 0\.25 to 1024 \(1 TB\) \(got 0\.1\)$/],
  ];
  for (const [spec, message] of bad) assert.throws(() => parseOptions(curateOptions, spec, "field"), (e: Error) => message.test(e.message), JSON.stringify(spec));
});

test("the same schemas name flags on the command line", () => {
  assert.throws(() => parseOptions(balanceOptions, { in: "ws", t: 0 }), /^UsageError: --t: t must be a number >= 1 \(got 0\)$/);
  assert.throws(() => parseOptions(balanceOptions, { in: "ws" }), /give one of --t N, --p X or --target-size N$/);
  assert.throws(() => parseOptions(statsOptions, { in: "ws", top: -1 }), /--top: must be a non-negative integer \(got -1\)/);
  assert.deepEqual(parseOptions(balanceOptions, { in: "ws", "target-size": 1000 }), { in: "ws", "target-size": 1000 });
});
