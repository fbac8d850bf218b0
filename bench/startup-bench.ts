// Start-up time of the command line, as ratios against bare `node -e 0` measured in the same
// run (interleaved, so machine load hits every command alike). Target: `--help` within 2×.
// Measured: `node bin/govwatch.js --help`, `search` on a small archive, `--version`, and the
// same `--help` through `npx govwatch` (what npx adds on top).
//
//   npx tsx bench/startup-bench.ts [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../scripts/build.mjs';
import { staleReason } from '../scripts/build-stamp.mjs';
import { openStore } from '../src/store/index.ts';
import type { BenchArgs, BenchReport } from './lib.ts';
import { f1, runWhenMain } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function smallArchive(path: string): Promise<void> {
  const store = await openStore({ dbPath: path, databaseUrl: undefined });
  await store.upsertFeeds([
    {
      id: 'bench',
      name: 'Bench',
      url: 'https://bench.example/feed',
      kind: 'media',
      language: 'en',
      origin: 'operator',
    },
  ]);
  await store.addItems(
    'bench',
    Array.from({ length: 200 }, (_, i) => ({
      guid: `g${i}`,
      title: `VPN blocking report ${i}`,
      url: `https://bench.example/${i}`,
      author: null,
      summary: 'Mobile networks widened protocol-level VPN blocking.',
      published: new Date(Date.now() - i * 3_600_000).toISOString(),
      publishedEstimated: false,
      lang: 'en',
      themes: ['censorship'],
      regions: ['RU'],
      why: {},
    })),
    { alertable: () => false },
  );
  await store.close();
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function timeOnce(argv: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function run(args: { quick: boolean; log?: BenchArgs['log'] }): Promise<BenchReport> {
  const log = args.log ?? (() => {});
  if (staleReason(ROOT)) await build({ root: ROOT });
  const dir = mkdtempSync(join(tmpdir(), 'govwatch-startup-'));
  try {
    const db = join(dir, 'archive.db');
    await smallArchive(db);
    const commands: Record<string, string[]> = {
      'node -e 0': [process.execPath, '-e', '0'],
      '--help': [process.execPath, 'bin/govwatch.js', '--help'],
      '--version': [process.execPath, 'bin/govwatch.js', '--version'],
      'search VPN': [process.execPath, 'bin/govwatch.js', 'search', 'VPN', '--db', db],
    };
    const npx: Record<string, string[]> = {
      'npx govwatch --help': ['npx', '--no-install', 'govwatch', '--help'],
    };
    const rounds = args.quick ? 7 : 25;
    const times: Record<string, number[]> = {};
    for (const argv of Object.values({ ...commands, ...npx })) timeOnce(argv); // warm the caches
    for (let i = 0; i < rounds; i++) {
      for (const [name, argv] of Object.entries(commands)) (times[name] ??= []).push(timeOnce(argv));
      // npx costs ~10× a run: every third round is enough for a median.
      if (i % 3 === 0) {
        times['node -e 0 (npx rounds)'] ??= [];
        times['node -e 0 (npx rounds)'].push(timeOnce(commands['node -e 0']!));
        for (const [name, argv] of Object.entries(npx)) (times[name] ??= []).push(timeOnce(argv));
      }
      log(`round ${i + 1}/${rounds}`);
    }
    const base = median(times['node -e 0']!);
    const npxBase = median(times['node -e 0 (npx rounds)']!);
    const lines = [`${rounds} interleaved rounds; medians; ratio against bare node in the same rounds`];
    for (const name of Object.keys(commands)) {
      const m = median(times[name]!);
      lines.push(`${name.padEnd(22)} ${f1(m).padStart(7)} ms  ${(m / base).toFixed(2)}×`);
    }
    for (const name of Object.keys(npx)) {
      const m = median(times[name]!);
      lines.push(
        `${name.padEnd(22)} ${f1(m).padStart(7)} ms  ${(m / npxBase).toFixed(2)}× (bare node ${f1(npxBase)} ms)`,
      );
    }
    const help = median(times['--help']!) / base;
    lines.push(`target --help ≤ 2.00×: ${help <= 2 ? 'met' : 'NOT met'} (${help.toFixed(2)}×)`);
    return { name: 'startup', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runWhenMain(import.meta.url, run);
