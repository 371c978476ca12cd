/**
 * The field's real training recipes, as data (isomorphic). DataComp's four scales are its
 * scale_configs.py (paper Table 14): model, samples seen, global batch, lr, warmup and AdamW β2 are
 * fixed by the benchmark, never by the user; xlarge trains in amp_bfloat16 (its slurm_train.sh, PR #47).
 * MetaCLIP's recipe is its b32_400m config (open_clip; paper §4, Table 12): ViT-B-32-quickgelu, global
 * batch 32,768, lr 5e-4, 2k warmup, 400M samples × 32 epochs = 12.8B seen, open_clip's ViT optimizer
 * defaults (wd 0.2, β 0.9/0.98, ε 1e-6).
 */
export const DATACOMP_SCALES = ["small", "medium", "large", "xlarge"] as const;
export type DatacompScale = (typeof DATACOMP_SCALES)[number];

export interface DatacompScaleConfig {
  model: string;
  /** train_num_samples: samples seen, whatever the subset's size */
  samplesSeen: number;
  batch: number;
  lr: number;
  warmup: number;
  /** AdamW β2; null: open_clip's default */
  beta2: number | null;
  precision: "amp" | "amp_bfloat16";
}

export const DATACOMP_SCALE_CONFIGS: Record<DatacompScale, DatacompScaleConfig> = {
  small: { model: "ViT-B-32", samplesSeen: 12_800_000, batch: 4096, lr: 5e-4, warmup: 500, beta2: null, precision: "amp" },
  medium: { model: "ViT-B-32", samplesSeen: 128_000_000, batch: 4096, lr: 5e-4, warmup: 500, beta2: null, precision: "amp" },
  large: { model: "ViT-B-16", samplesSeen: 1_280_000_000, batch: 8192, lr: 5e-4, warmup: 500, beta2: null, precision: "amp" },
  xlarge: { model: "ViT-L-14", samplesSeen: 12_800_000_000, batch: 90112, lr: 1e-3, warmup: 10000, beta2: 0.95, precision: "amp_bfloat16" },
};

export const DATACOMP_SOURCE = "DataComp (Gadre et al., NeurIPS 2023) scale_configs.py and Table 14; xlarge precision from slurm_train.sh";

export const METACLIP_RECIPES = ["metaclip-b32-400m"] as const;
export type MetaclipRecipe = (typeof METACLIP_RECIPES)[number];

export interface OpenClipRecipe {
  model: string;
  /** samples per epoch (train-num-samples) and epochs: samples seen = their product */
  samplesPerEpoch: number;
  epochs: number;
  batch: number;
  lr: number;
  warmup: number;
  wd: number;
  beta1: number;
  beta2: number;
  eps: number;
  precision: "amp";
  /** open_clip flags MetaCLIP's config sets */
  flags: string[];
}

export const METACLIP_RECIPE_CONFIGS: Record<MetaclipRecipe, OpenClipRecipe> = {
  "metaclip-b32-400m": {
    model: "ViT-B-32-quickgelu", samplesPerEpoch: 400_000_000, epochs: 32, batch: 32768, lr: 5e-4, warmup: 2000,
    wd: 0.2, beta1: 0.9, beta2: 0.98, eps: 1e-6, precision: "amp", flags: ["--force-quick-gelu", "--local-loss", "--gather-with-grad"],
  },
};

export const METACLIP_SOURCE = "MetaCLIP (Xu et al., ICLR 2024) run_configs_400m.py b32_400m and Table 12";

/** Global batch split over GPUs: the benchmark fixes the global batch, so it must divide evenly. */
export function perGpuBatch(globalBatch: number, gpus: number): number | null {
  return gpus > 0 && globalBatch % gpus === 0 ? globalBatch / gpus : null;
}
