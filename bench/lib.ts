// What every bench shares: the report shape run.ts prints, latency percentiles, and running a
// bench file on its own (`npx tsx bench/<file>.ts [--quick] [--items N]`).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchReport {
  name: string;
  lines: string[];
}

/** The flags a bench run on its own understands; `items` only where given. */
export interface BenchArgs {
  quick: boolean;
  items?: number;
  /** Progress lines, to stderr so stdout holds only the report. */
  log: (line: string) => void;
}

/** The `p`th percentile (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function latencySummary(ms: number[]): { p50: number; p95: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

/** Milliseconds (or any figure) to one decimal. */
export const f1 = (n: number): string => n.toFixed(1);

export function parseBenchArgs(argv: string[]): BenchArgs {
  const itemsAt = argv.indexOf('--items');
  const items = itemsAt >= 0 ? Number(argv[itemsAt + 1]) : undefined;
  return {
    quick: argv.includes('--quick'),
    ...(items ? { items } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  };
}

/**
 * When the module at `moduleUrl` is the script node was started with (not imported by
 * run.ts or another bench): run its bench with the command-line flags and print the report.
 */
export async function runWhenMain(
  moduleUrl: string,
  bench: (args: BenchArgs) => Promise<BenchReport>,
): Promise<void> {
  const script = process.argv[1];
  if (!script || fileURLToPath(moduleUrl) !== resolve(script)) return;
  const report = await bench(parseBenchArgs(process.argv.slice(2)));
  process.stdout.write(`## ${report.name}\n${report.lines.map((l) => `  ${l}`).join('\n')}\n`);
}
