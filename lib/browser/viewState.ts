import { parseTText } from "../options/thresholdText";

/** The view's state in the URL (?workspace=NAME&t=20000…), so a copied link reopens the same view. */
export interface ViewState {
  workspace: string | null;
  /** Read as the t box reads it (lib/options/thresholdText); Infinity for ?t=∞ (no cap). */
  t: number | null;
  /** A ?t= that is not a t: its text, kept in the URL until a t is chosen, and why it was refused. */
  tRejected: { text: string; problem: string } | null;
  /** null: the workspace's own seed (0 when it was never balanced). */
  seed: number | null;
  overlays: boolean;
  q: string;
  sort: "count" | "entry" | "entry_id";
  desc: boolean;
  entry: number | null;
  keep: "all" | "kept" | "dropped";
  text: string;
  page: number;
  remote: boolean;
  /** A worldwide workspace's language (its code): the filter of /entries and /pairs, the language /distribution shows. */
  lang: string | null;
  /** A ?lang= that is no language code (said on the page, never silently dropped), cut to 40 characters. */
  langRejected: string | null;
}

/** The longest search or filter text kept (in the box and the URL): longer ones made 20 kB URLs (HTTP 431 on reload). */
export const MAX_SEARCH_CHARS = 200;

export const DEFAULT_VIEW: ViewState = {
  workspace: null, t: null, tRejected: null, seed: null, overlays: true, q: "", sort: "count", desc: true, entry: null, keep: "all", text: "", page: 0, remote: false, lang: null, langRejected: null,
};

const int = (s: string | null, min: number, max: number): number | null => {
  if (s === null || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
};

export function parseView(params: URLSearchParams): ViewState {
  const t = params.get("t")?.slice(0, MAX_SEARCH_CHARS) ?? null;
  const tParsed = t === null ? null : parseTText(t);
  const sort = params.get("sort");
  const keep = params.get("keep");
  return {
    workspace: params.get("workspace"),
    t: tParsed?.ok ? tParsed.value : null,
    tRejected: tParsed && !tParsed.ok ? { text: t!, problem: tParsed.problem } : null,
    seed: int(params.get("seed"), 0, 0xffffffff),
    overlays: params.get("overlays") !== "0",
    q: (params.get("q") ?? "").slice(0, MAX_SEARCH_CHARS),
    sort: sort === "entry" || sort === "entry_id" ? sort : "count",
    desc: params.get("dir") !== "asc",
    entry: int(params.get("entry"), 0, 2 ** 31 - 1),
    keep: keep === "kept" || keep === "dropped" ? keep : "all",
    text: (params.get("text") ?? "").slice(0, MAX_SEARCH_CHARS),
    page: int(params.get("page"), 0, 1e9) ?? 0,
    remote: params.get("remote") === "1",
    lang: langCode(params.get("lang")) ? params.get("lang") : null,
    langRejected: params.get("lang") !== null && !langCode(params.get("lang")) ? params.get("lang")!.slice(0, 40) : null,
  };
}

/** A language code as metadata folders name their lists (lib/metadata/folder's LANGUAGE_CODE). */
const langCode = (s: string | null) => s !== null && /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(s);

/** Only what differs from the defaults goes in the URL. */
export function viewQuery(v: ViewState): string {
  const p = new URLSearchParams();
  if (v.workspace) p.set("workspace", v.workspace);
  if (v.t !== null) p.set("t", v.t === Infinity ? "∞" : String(v.t));
  else if (v.tRejected) p.set("t", v.tRejected.text);
  if (v.seed !== null) p.set("seed", String(v.seed));
  if (!v.overlays) p.set("overlays", "0");
  if (v.q) p.set("q", v.q);
  if (v.sort !== "count") p.set("sort", v.sort);
  if (!v.desc) p.set("dir", "asc");
  if (v.entry !== null) p.set("entry", String(v.entry));
  if (v.keep !== "all") p.set("keep", v.keep);
  if (v.text) p.set("text", v.text);
  if (v.page) p.set("page", String(v.page));
  if (v.remote) p.set("remote", "1");
  if (v.lang) p.set("lang", v.lang);
  else if (v.langRejected) p.set("lang", v.langRejected); // kept, as a bad t is, until a language is chosen
  const s = p.toString();
  return s ? `?${s}` : "";
}
