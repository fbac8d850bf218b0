export const STAMP_FILE: string;
export const BUILD_INPUTS: string[];
/** `[mtimeMs, size]` of a file, or null when it does not exist. */
export function fileMark(path: string): [number, number] | null;
/** Why the build in `<root>/dist` is missing or stale, or null when it is current. */
export function staleReason(root: string): string | null;
