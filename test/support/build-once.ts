// Vitest global setup: the suites that spawn `node bin/govwatch.js` test the compiled
// command line users run, so dist/ is brought up to date once, before any worker starts
// (bin/govwatch.js would rebuild a stale build too, but parallel workers must not race).
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.mjs';
import { staleReason } from '../../scripts/build-stamp.mjs';

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (staleReason(root)) await build({ root });
}
