/**
 * DataComp's 38 scored evaluation tasks (datacomp-formats.md §4.1: the repo's tasklist.yml) and the
 * groups its aggregate_scores.py averages over (§4.2). Isomorphic.
 */
export interface TaskInfo {
  key: string;
  dataset: string;
  /** random_score from the tasklist; null where it gives none. */
  chance: number | null;
}

const t = (key: string, dataset: string, chance: number | null): TaskInfo => ({ key, dataset, chance });

export const DATACOMP_TASKS: readonly TaskInfo[] = [
  t("vtab/caltech101", "Caltech-101", 0.0098), t("cifar10", "CIFAR-10", 0.1), t("vtab/cifar100", "CIFAR-100", 0.01),
  t("vtab/clevr_count_all", "CLEVR Counts", 0.125), t("vtab/clevr_closest_object_distance", "CLEVR Distance", 0.191),
  t("country211", "Country211", 0.0047), t("vtab/dtd", "Describable Textures", 0.021), t("vtab/eurosat", "EuroSAT", 0.101),
  t("fgvc_aircraft", "FGVC Aircraft", 0.01), t("food101", "Food-101", 0.0099), t("gtsrb", "GTSRB", 0.038),
  t("imagenet1k", "ImageNet 1k", 0.001), t("imagenet_sketch", "ImageNet Sketch", 0.001), t("imagenetv2", "ImageNet v2", 0.001),
  t("imagenet-a", "ImageNet-A", 0.0081), t("imagenet-o", "ImageNet-O", 0.006), t("imagenet-r", "ImageNet-R", 0.0062),
  t("vtab/kitti_closest_vehicle_distance", "KITTI Vehicle Distance", 0.295), t("mnist", "MNIST", 0.1), t("objectnet", "ObjectNet", 0.0095),
  t("vtab/flowers", "Oxford Flowers-102", 0.0098), t("vtab/pets", "Oxford-IIIT Pet", 0.027), t("voc2007", "Pascal VOC 2007", 0.154),
  t("vtab/pcam", "PatchCamelyon", 0.5), t("renderedsst2", "Rendered SST2", 0.5), t("vtab/resisc45", "RESISC45", 0.022),
  t("cars", "Stanford Cars", 0.0052), t("stl10", "STL-10", 0.1), t("sun397", "SUN397", 0.0046), t("vtab/svhn", "SVHN", 0.118),
  t("retrieval/flickr_1k_test_image_text_retrieval", "Flickr", null), t("retrieval/mscoco_2014_5k_test_image_text_retrieval", "MSCOCO", null),
  t("misc/winogavil", "WinoGAViL", 0.205), t("wilds/iwildcam", "iWildCam", 0.143), t("wilds/camelyon17", "Camelyon17", 0.5),
  t("wilds/fmow", "FMoW", 0.027), t("fairness/dollar_street", "Dollar Street", null), t("fairness/geode", "GeoDE", null),
];

/** The groups of paper Table 3, by display name (aggregate_scores.py keys them by `dataset`). */
export const AGGREGATE_GROUPS = {
  imagenet: ["ImageNet 1k"],
  imagenet_dist_shifts: ["ImageNet Sketch", "ImageNet v2", "ImageNet-A", "ImageNet-O", "ImageNet-R", "ObjectNet"],
  vtab: ["Caltech-101", "CIFAR-100", "CLEVR Counts", "CLEVR Distance", "Describable Textures", "EuroSAT", "KITTI Vehicle Distance",
    "Oxford Flowers-102", "Oxford-IIIT Pet", "PatchCamelyon", "RESISC45", "SVHN", "SUN397"],
  retrieval: ["Flickr", "MSCOCO", "WinoGAViL"],
  average: DATACOMP_TASKS.map((x) => x.dataset),
} as const;
export type AggregateName = keyof typeof AGGREGATE_GROUPS;
