// `npm run bench [-- --quick] [--pg] [name…]`: runs the benchmarks and prints their reports.
// Each bench module exports run({ quick }) → { name, lines }; figures are ratios against
// the baseline each one names, measured in the same run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './lib.ts';

const BENCHES = [
  'parse-bench',
  'search-bench',
  'tag-bench',
  'cluster-bench',
  'discord-delivery-bench',
  'pg-search-bench',
  'poll-bench',
  'poll-replicas-bench',
  'poll-timing-bench',
  'story-key-recall-bench',
  'startup-bench',
  'trends-bench',
];

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const only = argv.filter((a) => !a.startsWith('--'));
  for (const name of BENCHES) {
    // `poll` is poll-bench (an exact name wins), `poll-r` poll-replicas-bench.
    const picked = (o: string) =>
      BENCHES.includes(`${o}-bench`) ? name === `${o}-bench` : name.startsWith(o);
    if (only.length && !only.some(picked)) continue;
    const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    if (!existsSync(file)) continue;
    const mod = (await import(file)) as {
      run: (opts: { quick: boolean; argv: string[] }) => Promise<BenchReport>;
    };
    const started = Date.now();
    // Flags such as --pg reach the benches that read them (trends-bench).
    const report = await mod.run({ quick, argv });
    process.stdout.write(`\n## ${report.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    for (const line of report.lines) process.stdout.write(`  ${line}\n`);
  }
}

await main(process.argv.slice(2));
