/** A small strict flag parser: unknown flags, missing values and bad numbers are usage errors. */
import { UsageError } from "../lib/errors";

export type FlagKind = "string" | "strings" | "number" | "boolean";

export interface FlagSpec {
  kind: FlagKind;
  help: string;
  required?: boolean;
  value?: string;
}

export type ParsedFlags = Record<string, string | string[] | number | boolean | undefined>;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseFlags(command: string, argv: string[], spec: Record<string, FlagSpec>): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}" for "metacurate ${command}" (see metacurate ${command} --help)`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown flag --${name} for "metacurate ${command}" (see metacurate ${command} --help)`);
    if (out[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    if (flag.kind === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const values: string[] = [];
    if (eq >= 0) values.push(arg.slice(eq + 1));
    while (i + 1 < argv.length && !argv[i + 1].startsWith("--") && (flag.kind === "strings" || values.length === 0)) values.push(argv[++i]);
    if (values.length === 0 || values.some((v) => v === "")) throw new UsageError(`--${name} needs ${flag.value ?? "a value"}`);
    if (flag.kind === "strings") out[name] = values;
    else if (flag.kind === "string") out[name] = values[0];
    else {
      if (!NUMBER.test(values[0])) throw new UsageError(`--${name} must be a number (got "${values[0]}")`);
      out[name] = Number(values[0]);
    }
  }
  for (const [name, flag] of Object.entries(spec)) {
    if (flag.required && out[name] === undefined) throw new UsageError(`"metacurate ${command}" needs --${name} ${flag.value ?? ""}`.trimEnd());
  }
  return out;
}

export function flagHelp(spec: Record<string, FlagSpec>): string {
  const rows = Object.entries(spec).map(([name, f]) => {
    const left = `  --${name}${f.value ? " " + f.value : ""}`;
    return `${left.padEnd(30)} ${f.help}${f.required ? " (required)" : ""}`;
  });
  return rows.join("\n");
}
