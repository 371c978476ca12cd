/** Where the e2e fixture workspaces live (made by the engine in serveFixtures.ts). */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const E2E_DATA = path.join(REPO, ".tmp", "e2e-workspaces");
export const FIXTURE = "fixture";
export const BROKEN = "broken";
/** the fixture's pool matched against a short lower-case list: few rows match (matching is case-sensitive) */
export const LOWERCASE = "lowercase";
/** the demo with its images in webdataset tar shards, pool URLs on a host that is never contacted */
export const WEBDATASET = "fixture-wds";
/** the worldwide demo (metacurate demo --worldwide): captions in seven languages, one metadata list per language */
export const WORLDWIDE = "fixture-worldwide";
/**
 * the worldwide demo's experiment runs (raw, English-only and worldwide curation, one seed), kept out of
 * the data directory (the /evals tests count the fixture experiment's runs there) and served apart
 */
export const WORLDWIDE_RUNS = path.join(REPO, ".tmp", "e2e-worldwide-runs");
/** the fixture's training experiment (metacurate demo --experiment): the runs /evals shows */
export const EXPERIMENT = "fixture-experiment";
/**
 * The server's pause gate: the e2e server runs jobs with METACURATE_PAUSE_AT=commit:staged and this file as
 * METACURATE_PAUSE_UNTIL. It exists, so jobs pass; a test that must see its job running removes it (the
 * job's task then holds before its commit) and puts it back.
 */
export const JOB_GATE = path.join(REPO, ".tmp", "e2e-job-gate");
