/** Content types of the image files the dashboard serves, by lower-case extension (no dot). */
export const IMAGE_TYPES: Record<string, string> = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif" };
