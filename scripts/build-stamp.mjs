// Whether dist/ was built from the sources as they are now. The build records the size and
// modification time of every file it read (plus the files that steer it); a source checkout
// compares them before running, so an edited, pulled or deleted file never runs as old code.
// No dependencies: bin/govwatch.js loads this on every run in a checkout, so it must be cheap.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = 'build-stamp.json';

/** Files that change what the build produces without being bundled themselves. */
export const BUILD_INPUTS = ['package.json', 'package-lock.json', 'scripts/build.mjs'];

/** `[mtimeMs, size]` of a file, or null when it does not exist. */
export function fileMark(path) {
  try {
    const s = statSync(path);
    return [s.mtimeMs, s.size];
  } catch {
    return null;
  }
}

/** Why the build in `<root>/dist` is missing or stale, or null when it is current. */
export function staleReason(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP_FILE), 'utf8'));
  } catch {
    return 'dist/ has not been built';
  }
  for (const [file, mark] of Object.entries(stamp.files ?? {})) {
    const now = fileMark(join(root, file));
    if (!now) return `${file} was removed`;
    if (now[0] !== mark[0] || now[1] !== mark[1]) return `${file} changed`;
  }
  return null;
}
