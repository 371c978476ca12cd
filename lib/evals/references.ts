/**
 * The papers' runs as data, each with its source (paper, table, row), so charts can show them beside
 * a user's runs. DataComp Table 3 gives the five aggregates of every scale and baseline (datacomp-formats.md
 * §5); MetaCLIP Table 8 gives the same five on DataComp's 38 tasks; MetaCLIP Tables 4–5 give 26 tasks one
 * by one under MetaCLIP's own protocol and a 26-task average, which is not DataComp's Average and is never
 * charted as one (metaclip-spec.md §3). Scores are fractions, as eval_results.jsonl holds them. Isomorphic.
 */
import type { AggregateName } from "./tasks";

export interface ReferenceSource {
  paper: "DataComp" | "MetaCLIP";
  citation: string;
  table: string;
  row: string;
}

export interface ReferenceRun {
  id: string;
  name: string;
  source: ReferenceSource;
  /** DataComp scale when the row is one (small … xlarge). */
  scale: string | null;
  model: string;
  samplesSeen: number;
  /** Curated or filtered set size as the paper prints it. */
  datasetSize: string | null;
  /** MetaCLIP's t, where the row is a MetaCLIP curation. */
  t: number | null;
  /** DataComp's aggregates over its 38 tasks, as the paper prints them (3 decimals). */
  aggregates: Partial<Record<AggregateName, number>>;
  /** Per-task main metrics (MetaCLIP Tables 4–5), by DataComp display name where the task is DataComp's too. */
  tasks: { dataset: string; main: number }[];
  /** MetaCLIP's own 26-task average (Tables 4–5), not comparable to DataComp's Average over 38. */
  average26: number | null;
}

const DATACOMP = "Gadre et al., DataComp, NeurIPS 2023 (arXiv 2304.14108 v2+)";
const METACLIP = "Xu et al., Demystifying CLIP Data (MetaCLIP), ICLR 2024";

const SCALES = {
  small: { samplesSeen: 12.8e6, model: "ViT-B-32" },
  medium: { samplesSeen: 128e6, model: "ViT-B-32" },
  large: { samplesSeen: 1.28e9, model: "ViT-B-16" },
  xlarge: { samplesSeen: 12.8e9, model: "ViT-L-14" },
} as const;

/** [strategy, dataset size, ImageNet, IN dist. shifts, VTAB, Retrieval, Average (38)] */
type Table3Row = [string, string, number, number, number, number, number];
const TABLE3: Record<keyof typeof SCALES, Table3Row[]> = {
  small: [
    ["No filtering", "12.8M", 0.025, 0.033, 0.145, 0.114, 0.132],
    ["Basic filtering", "3M", 0.038, 0.043, 0.150, 0.118, 0.142],
    ["Text-based", "3.2M", 0.046, 0.052, 0.169, 0.125, 0.157],
    ["Image-based", "3M", 0.043, 0.047, 0.178, 0.121, 0.159],
    ["LAION-2B filtering", "1.3M", 0.031, 0.040, 0.136, 0.092, 0.133],
    ["CLIP score (L/14 30%)", "3.8M", 0.051, 0.055, 0.190, 0.119, 0.173],
    ["Image-based ∩ CLIP score (L/14 30%)", "1.4M", 0.039, 0.045, 0.162, 0.094, 0.144],
  ],
  medium: [
    ["No filtering", "128M", 0.176, 0.152, 0.259, 0.219, 0.258],
    ["Basic filtering", "30M", 0.226, 0.193, 0.284, 0.251, 0.285],
    ["Text-based", "31M", 0.255, 0.215, 0.328, 0.249, 0.307],
    ["Image-based", "29M", 0.268, 0.213, 0.319, 0.256, 0.312],
    ["LAION-2B filtering", "13M", 0.230, 0.198, 0.307, 0.233, 0.292],
    ["CLIP score (L/14 30%)", "38M", 0.273, 0.230, 0.338, 0.251, 0.328],
    ["Image-based ∩ CLIP score (L/14 30%)", "14M", 0.297, 0.239, 0.346, 0.231, 0.328],
  ],
  large: [
    ["No filtering", "1.28B", 0.459, 0.378, 0.426, 0.419, 0.437],
    ["Basic filtering", "298M", 0.516, 0.423, 0.446, 0.480, 0.458],
    ["Text-based", "317M", 0.561, 0.465, 0.465, 0.352, 0.466],
    ["Image-based", "293M", 0.572, 0.454, 0.483, 0.479, 0.476],
    ["LAION-2B filtering", "130M", 0.553, 0.453, 0.510, 0.495, 0.501],
    ["CLIP score (L/14 30%)", "384M", 0.578, 0.474, 0.538, 0.466, 0.529],
    ["Image-based ∩ CLIP score (L/14 30%)", "140M", 0.631, 0.508, 0.546, 0.498, 0.537],
  ],
  xlarge: [
    ["No filtering", "12.8B", 0.723, 0.612, 0.611, 0.569, 0.621],
    ["LAION-2B filtering", "1.3B", 0.755, 0.637, 0.624, 0.620, 0.636],
    ["CLIP score (L/14 30%)", "3.8B", 0.764, 0.655, 0.643, 0.588, 0.650],
    ["Image-based ∩ CLIP score (L/14 30%) = DataComp-1B", "1.4B", 0.792, 0.679, 0.652, 0.608, 0.663],
  ],
};

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

function datacompRows(): ReferenceRun[] {
  return (Object.keys(TABLE3) as (keyof typeof SCALES)[]).flatMap((scale) =>
    TABLE3[scale].map(([strategy, size, imagenet, shifts, vtab, retrieval, average]) => ({
      id: `datacomp-t3-${scale}-${slug(strategy)}`,
      name: `DataComp ${scale}: ${strategy}`,
      source: { paper: "DataComp" as const, citation: DATACOMP, table: "Table 3", row: `${scale} / ${strategy}` },
      scale, model: SCALES[scale].model, samplesSeen: SCALES[scale].samplesSeen, datasetSize: size, t: null,
      aggregates: { imagenet, imagenet_dist_shifts: shifts, vtab, retrieval, average },
      tasks: [], average26: null,
    })));
}

/** MetaCLIP's 26 tasks in the column order of Tables 4–5, named as DataComp names them where DataComp has the task. */
export const METACLIP_TASKS = [
  "ImageNet 1k", "Food-101", "CIFAR-10", "CIFAR-100", "CUB", "SUN397", "Stanford Cars", "FGVC Aircraft", "Describable Textures",
  "Oxford-IIIT Pet", "Caltech-101", "Oxford Flowers-102", "MNIST", "FER-2013", "STL-10", "EuroSAT", "RESISC45", "GTSRB",
  "KITTI Vehicle Distance", "Country211", "PatchCamelyon", "UCF101", "Kinetics700", "CLEVR Counts", "HatefulMemes", "Rendered SST2",
] as const;

const MODELS: Record<string, { model: string; gpus: string }> = {
  "B/32": { model: "ViT-B-32-quickgelu", gpus: "64 V100" },
  "B/16": { model: "ViT-B-16-quickgelu", gpus: "64 V100" },
  "L/14": { model: "ViT-L-14-quickgelu", gpus: "128 V100" },
  "H/14": { model: "ViT-H-14-quickgelu", gpus: "256 A100" },
  "bigG/14": { model: "ViT-bigG-14-quickgelu", gpus: "256 A100" },
};

/** [model, data, t, Avg (26), 26 per-task values in percent] (Tables 4–5). */
type MetaClipRow = [string, string, number | null, number, string];
const TABLES_4_5: MetaClipRow[] = [
  ["B/32", "OpenAI CLIP (WIT400M)", null, 56.6, "63.4 83.7 89.8 65.1 53.7 62.0 59.7 19.6 44.0 87.2 87.4 66.9 48.2 46.6 97.1 44.9 61.0 32.6 28.7 17.2 62.5 63.9 48.0 23.6 56.4 58.6"],
  ["B/32", "OpenCLIP (LAION-400M)", null, 57.6, "62.9 80.7 90.7 70.6 61.2 66.4 79.2 16.7 54.5 86.5 90.7 66.1 37.4 48.2 95.6 52.2 58.0 42.0 38.0 14.8 50.1 63.0 42.8 22.5 53.3 52.3"],
  ["B/32", "MetaCLIP 400M", 20_000, 58.2, "65.5 80.6 91.3 70.2 63.4 63.0 70.7 26.8 52.8 88.7 91.9 68.5 41.5 35.9 95.4 52.6 64.2 35.8 30.7 17.2 55.5 66.1 45.4 30.6 56.4 53.4"],
  ["B/32", "MetaCLIP 1B", 20_000, 60.3, "67.3 81.9 95.2 76.7 71.4 65.9 73.0 31.4 58.9 89.5 92.5 72.6 35.4 45.8 96.3 50.4 64.6 40.7 32.0 17.0 64.2 70.3 47.8 14.6 54.9 56.8"],
  ["B/32", "MetaCLIP 2.5B", 170_000, 59.8, "67.6 82.6 95.2 77.7 67.8 66.8 77.2 26.9 58.9 90.9 92.5 69.7 42.7 48.3 96.3 49.9 66.5 39.2 29.3 17.7 50.0 68.0 47.6 19.4 53.5 53.1"],
  ["B/16", "OpenAI CLIP (WIT400M)", null, 59.6, "68.3 88.8 90.8 68.2 55.6 64.0 64.6 24.0 45.1 88.9 89.1 69.4 51.8 53.0 98.2 54.8 65.5 43.3 21.7 22.8 56.3 68.5 52.3 25.5 58.7 60.5"],
  ["B/16", "OpenCLIP (LAION-400M)", null, 60.4, "67.0 85.8 91.7 71.4 65.3 69.2 83.6 17.4 51.0 89.2 90.8 66.5 66.3 46.1 97.0 52.2 65.7 43.5 23.7 18.1 51.7 67.0 46.2 33.9 54.5 54.4"],
  ["B/16", "MetaCLIP 400M", 20_000, 61.1, "70.8 86.8 90.1 66.5 70.8 66.6 74.1 27.9 55.9 90.4 93.8 72.3 47.8 44.6 97.2 55.4 68.8 43.8 33.4 22.6 52.9 68.0 49.5 22.8 54.8 60.6"],
  ["B/16", "MetaCLIP 1B", 20_000, 63.2, "72.4 88.1 94.8 78.2 77.5 66.4 79.3 38.0 57.7 92.3 93.6 75.1 36.4 47.8 98.0 50.5 70.1 49.5 36.6 21.6 53.7 74.1 52.7 21.6 56.8 61.6"],
  ["B/16", "MetaCLIP 2.5B", 170_000, 63.5, "72.1 88.3 95.7 79.0 71.4 68.5 82.9 30.3 62.1 91.7 93.3 73.9 66.1 47.0 98.4 51.1 71.1 46.6 16.6 22.7 50.5 73.0 52.5 30.8 57.4 59.0"],
  ["L/14", "OpenAI CLIP (WIT400M)", null, 65.7, "75.5 93.0 95.6 78.3 63.3 66.8 77.8 31.3 55.3 93.6 93.3 79.3 76.4 56.9 99.4 61.9 70.9 50.6 19.2 31.9 50.1 75.7 60.2 22.3 59.7 68.9"],
  ["L/14", "OpenCLIP (LAION-400M)", null, 64.5, "72.7 90.0 94.7 78.0 73.9 72.4 89.5 24.7 60.2 91.6 93.6 73.0 76.1 54.3 98.1 63.9 69.6 49.9 16.0 23.0 51.7 71.5 51.6 25.4 55.3 56.0"],
  ["L/14", "MetaCLIP 400M", 20_000, 67.1, "76.2 90.7 95.5 77.4 75.9 70.5 84.7 40.4 62.0 93.7 94.4 76.4 61.7 46.5 99.3 59.7 71.9 47.5 29.9 30.9 70.1 75.5 57.1 35.1 56.6 65.6"],
  ["L/14", "MetaCLIP 1B", 20_000, 70.2, "79.0 92.9 96.8 84.9 83.1 72.8 86.5 48.9 65.9 95.3 94.8 84.7 53.8 54.1 99.3 70.0 73.8 58.7 36.3 32.2 70.4 81.4 61.6 21.1 61.2 66.1"],
  ["L/14", "MetaCLIP 2.5B", 170_000, 69.8, "79.2 93.4 97.6 84.2 80.1 73.8 88.7 44.6 68.1 94.7 95.4 81.8 64.4 55.1 99.3 59.2 74.6 56.3 29.7 34.0 67.3 81.6 62.0 25.9 58.0 66.7"],
  ["H/14", "MetaCLIP 2.5B", 170_000, 72.4, "80.5 94.2 98.0 86.4 83.4 74.1 90.0 50.2 72.4 95.4 95.6 85.1 72.7 55.2 99.4 66.3 74.6 62.5 38.2 37.2 65.8 82.2 64.1 30.1 59.3 69.2"],
  ["bigG/14", "MetaCLIP 2.5B", 170_000, 73.2, "82.1 94.9 98.5 88.6 84.0 74.7 90.9 52.7 72.6 96.1 95.7 89.5 78.1 56.7 99.5 73.7 75.5 61.7 31.0 41.5 65.6 85.6 65.8 24.3 58.8 65.3"],
];

/** Table 8: [model, data] → Avg-38 / IN / IN dist. shifts / VTAB / retrieval, in percent. */
const TABLE_8: Record<string, string> = {
  "B/32|OpenAI CLIP (WIT400M)": "51.5/63.4/48.2/50.5/48.0", "B/32|OpenCLIP (LAION-400M)": "52.7/62.9/48.5/53.0/50.7",
  "B/32|MetaCLIP 400M": "53.5/65.5/50.4/54.1/50.6", "B/32|MetaCLIP 1B": "54.2/67.3/51.9/53.6/51.1", "B/32|MetaCLIP 2.5B": "55.4/67.6/52.3/55.3/52.6",
  "B/16|OpenAI CLIP (WIT400M)": "55.5/68.3/54.1/54.4/50.2", "B/16|OpenCLIP (LAION-400M)": "56.1/67.0/52.6/54.9/53.9",
  "B/16|MetaCLIP 400M": "57.5/70.8/55.5/56.7/53.9", "B/16|MetaCLIP 1B": "58.4/72.4/57.8/56.3/54.3", "B/16|MetaCLIP 2.5B": "60.0/72.1/57.7/59.0/54.0",
  "L/14|OpenAI CLIP (WIT400M)": "61.4/75.5/61.6/59.5/53.6", "L/14|OpenCLIP (LAION-400M)": "59.7/72.7/57.3/58.6/55.9",
  "L/14|MetaCLIP 400M": "62.2/76.2/61.3/59.8/57.3", "L/14|MetaCLIP 1B": "65.0/79.0/64.5/62.5/58.3", "L/14|MetaCLIP 2.5B": "65.6/79.2/64.6/64.1/60.1",
  "H/14|MetaCLIP 2.5B": "66.5/80.5/66.1/64.6/60.4", "bigG/14|MetaCLIP 2.5B": "68.3/82.1/67.6/66.5/62.6",
};

/** Percent as printed → a fraction, rounded to the printed precision (no 0.1 + 0.2 residue). */
const frac = (pct: number) => Math.round(pct * 10) / 1000;

function metaclipRows(): ReferenceRun[] {
  return TABLES_4_5.map(([arch, data, t, avg26, values]) => {
    const cells = values.split(" ").map(Number);
    if (cells.length !== METACLIP_TASKS.length) throw new Error(`MetaCLIP row ${arch} ${data}: ${cells.length} values`);
    const t8 = TABLE_8[`${arch}|${data}`];
    const [average, imagenet, shifts, vtab, retrieval] = t8 ? t8.split("/").map((x) => frac(Number(x))) : [];
    const table = arch === "B/32" || arch === "B/16" ? "Table 4" : "Table 5";
    return {
      id: `metaclip-${slug(arch)}-${slug(data)}`,
      name: `${arch} ${data}`,
      source: { paper: "MetaCLIP" as const, citation: METACLIP, table: t8 ? `${table} (26 tasks), Table 8 (DataComp 38)` : table, row: `ViT-${arch} / ${data}` },
      scale: null, model: MODELS[arch].model, samplesSeen: 12.8e9, datasetSize: /(\d+(?:\.\d+)?[MB])/.exec(data)?.[1] ?? null, t,
      aggregates: t8 ? { imagenet, imagenet_dist_shifts: shifts, vtab, retrieval, average } : {},
      tasks: cells.map((v, i) => ({ dataset: METACLIP_TASKS[i], main: frac(v) })),
      average26: frac(avg26),
    };
  });
}

export const REFERENCE_RUNS: readonly ReferenceRun[] = [...datacompRows(), ...metaclipRows()];
