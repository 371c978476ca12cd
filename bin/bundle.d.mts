export const REPO: string;
export const BUNDLE_DIR: string;
export const BUNDLE_CLI: string;
export const KERNEL_NAMES: string[];
export const KERNELS: string[];
export const BUNDLED_PACKAGES: string[];
export function sourcesMtime(): number;
export function bundleIsFresh(): boolean;
