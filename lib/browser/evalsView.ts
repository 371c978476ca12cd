/** The evals page's state in the URL (?sel=a,b&metric=task:Fashion-MNIST&sort=average&dir=asc), so a copied link reopens it. */
export type EvalsSort = "name" | "t" | "subset_size" | "samples_seen" | "imagenet" | "average" | "main";

export interface EvalsView {
  /** Selected runs by id (references as "ref:ID"). */
  selected: string[];
  /** The metric of the t sweep and the table's "main" column; null: the first the runs have. */
  metric: string | null;
  sort: EvalsSort;
  desc: boolean;
  q: string;
  /** The run pinned as the comparison's reference (A); null: the less curated of the two. */
  ref: string | null;
}

const SORTS: EvalsSort[] = ["name", "t", "subset_size", "samples_seen", "imagenet", "average", "main"];

export function parseEvalsView(p: URLSearchParams): EvalsView {
  const sort = p.get("sort") as EvalsSort | null;
  return {
    selected: (p.get("sel") ?? "").split(",").map((s) => s.trim()).filter(Boolean).slice(0, 50),
    metric: p.get("metric") || null,
    sort: sort && SORTS.includes(sort) ? sort : "name",
    desc: p.get("dir") === "desc",
    q: p.get("q") ?? "",
    ref: p.get("ref") || null,
  };
}

export function evalsQuery(v: EvalsView): string {
  const p = new URLSearchParams();
  if (v.selected.length) p.set("sel", v.selected.join(","));
  if (v.metric) p.set("metric", v.metric);
  if (v.sort !== "name") p.set("sort", v.sort);
  if (v.desc) p.set("dir", "desc");
  if (v.q) p.set("q", v.q);
  if (v.ref) p.set("ref", v.ref);
  const s = p.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%2F/g, "/");
  return s ? `?${s}` : "";
}
