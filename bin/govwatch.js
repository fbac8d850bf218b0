#!/usr/bin/env node
// Runs the compiled command line (dist/, built by `npm run build`, which `npm ci` runs through
// `prepare`). In a source checkout a missing or stale build is rebuilt first, so edited or
// pulled sources never run as old code; an installed package has no src/ and skips the check.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (existsSync(`${root}src/cli.ts`)) {
  const { staleReason } = await import('../scripts/build-stamp.mjs');
  const reason = staleReason(root);
  if (reason) {
    process.stderr.write(`govwatch: ${reason}; rebuilding dist/ (npm run build)\n`);
    try {
      const { build } = await import('../scripts/build.mjs');
      await build();
    } catch (err) {
      process.stderr.write(
        `govwatch: the build failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); run \`npm ci\` then \`npm run build\`\n`,
      );
      process.exit(1);
    }
  }
}
if (process.env.GOVWATCH_DEBUG === '1') process.setSourceMapsEnabled(true);
const { main } = await import('../dist/cli.js');
await main(process.argv);
