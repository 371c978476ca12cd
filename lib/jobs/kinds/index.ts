/** Every job kind by name: adding a kind is a new file beside these and one line here. */
import { balanceKind } from "./balance";
import { curateKind } from "./curate";
import { evalKind } from "./eval";
import { filterKind } from "./filter";
import { trainKind } from "./train";
import type { JobKind } from "./kind";

export const JOB_KINDS: Record<string, JobKind> = Object.fromEntries([curateKind, balanceKind, filterKind, trainKind, evalKind].map((k) => [k.kind, k]));
