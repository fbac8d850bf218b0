// Poll timing in real time (`npm run bench -- poll-timing`): how often each feed is fetched
// against the configured interval, measured at a local feed server.
//
// Default (scaled): the real scheduler (createScheduler with a node-cron heartbeat every 2 s,
// pollMinutes = 2 s) driving pollFeeds with the real fetcher, parser, tagger and SQLite
// store (createPollDeps), feed interval 2 s, 40 feeds (each on its own port) answering after 50–250 ms, 5 of which
// send Cache-Control: max-age=5 (longer than the interval: must be honoured). Reports the
// median (p10, p90) gap between fetches of a plain feed over the interval, the share of gaps
// within ±10 %, and the shortest gap of a max-age feed.
//
// `--start <minutes> [--repo <dir>]`: the issue's own setting instead: `govwatch start` (the
// built bin/govwatch.js of <dir>, default this checkout) as a child process with
// GOVWATCH_POLL_MINUTES=1 and the terminal bot, the same local feeds, for <minutes> minutes.
// Running it with --repo pointing at a checkout of the previous code gives the before figure.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { pollFeeds } from '../src/ingest/poll.ts';
import { silentLogger } from '../src/log.ts';
import type { FeedSource } from '../src/model.ts';
import { createPollDeps } from '../src/pipeline.ts';
import { createScheduler } from '../src/scheduler.ts';
import { openStore } from '../src/store/index.ts';
import type { BenchReport } from './lib.ts';
import { percentile, runWhenMain } from './lib.ts';

const NAME = 'poll-timing-bench';
const FEEDS = 40;
const MAX_AGE_FEEDS = 5;
const MAX_AGE_S = 5;

interface FeedLog {
  /** Request times (ms, real clock) per feed index. */
  hits: number[][];
  url(k: number): string;
  close(): Promise<void>;
}

/** One server per feed: the fetcher allows 2 requests per host, and real feeds have their own hosts. */
async function startFeeds(n: number, maxAgeFrom: number): Promise<FeedLog> {
  const hits: number[][] = Array.from({ length: n }, () => []);
  const servers = await Promise.all(
    Array.from({ length: n }, async (_, k) => {
      const server = createServer((req, res) => {
        hits[k]!.push(Date.now());
        const body =
          `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${k}</title>` +
          `<link>https://example.org/</link><description>x</description>` +
          `<item><guid>f${k}-1</guid><title>Standards body opens consultation ${k}</title>` +
          `<link>https://example.org/${k}/1</link></item></channel></rss>`;
        const headers: Record<string, string> = { 'content-type': 'application/rss+xml', etag: `"${k}"` };
        if (k >= maxAgeFrom) headers['cache-control'] = `max-age=${MAX_AGE_S}`;
        setTimeout(
          () => {
            if (req.headers['if-none-match'] === `"${k}"`) res.writeHead(304, headers).end();
            else res.writeHead(200, headers).end(body);
          },
          50 + ((k * 37) % 200),
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return server;
    }),
  );
  return {
    hits,
    url: (k) => `http://127.0.0.1:${(servers[k]!.address() as AddressInfo).port}/feed.xml`,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((r) => {
              server.closeAllConnections();
              server.close(() => r());
            }),
        ),
      );
    },
  };
}

function gapsOf(times: number[], skipFirst: number): number[] {
  const t = times.slice(skipFirst);
  return t.slice(1).map((x, i) => x - t[i]!);
}

function describeGaps(plain: number[], intervalMs: number): string[] {
  const s = [...plain].sort((a, b) => a - b);
  const within = plain.filter((g) => Math.abs(g - intervalMs) <= intervalMs / 10).length;
  const r = (ms: number): string => `${(ms / 1000).toFixed(2)} s (${(ms / intervalMs).toFixed(2)}×)`;
  return [
    `plain feeds: ${plain.length} gaps, median ${r(percentile(s, 50))}, p10 ${r(percentile(s, 10))}, ` +
      `p90 ${r(percentile(s, 90))} of the ${(intervalMs / 1000).toFixed(0)} s interval; ` +
      `${((100 * within) / Math.max(1, plain.length)).toFixed(0)} % within ±10 %`,
  ];
}

const sourcesFor = (feeds: FeedLog, n: number): FeedSource[] =>
  Array.from({ length: n }, (_, k) => ({
    id: `f${String(k).padStart(2, '0')}`,
    name: `Feed ${k}`,
    url: feeds.url(k),
    kind: 'standards' as const,
    language: 'en',
    origin: 'operator' as const,
  }));

/** The real scheduler and poll path with a 2-second heartbeat and interval. */
async function scaled(seconds: number, log: (l: string) => void): Promise<string[]> {
  const intervalMs = 2_000;
  const feeds = await startFeeds(FEEDS, FEEDS - MAX_AGE_FEEDS);
  const dir = mkdtempSync(join(tmpdir(), 'govwatch-poll-timing-'));
  const config = loadConfig({ GOVWATCH_DB: join(dir, 'archive.db'), GOVWATCH_TRACKERS: 'off' });
  const store = await openStore(config);
  try {
    await store.upsertFeeds(sourcesFor(feeds, FEEDS));
    const deps = { ...createPollDeps({ store, config, logger: silentLogger(), owner: 'bench' }), intervalMs };
    const scheduler = createScheduler({
      store,
      poll: async () => {
        await pollFeeds(deps);
      },
      pollMinutes: intervalMs / 60_000,
      heartbeat: `*/${intervalMs / 1000} * * * * *`,
    });
    log(`${NAME}: scaled run, ${seconds} s`);
    scheduler.start();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await scheduler.stop();
    // The first fetch follows start()'s immediate tick, off the heartbeat grid: skip it.
    const plain = feeds.hits.slice(0, FEEDS - MAX_AGE_FEEDS).flatMap((t) => gapsOf(t, 1));
    const maxAge = feeds.hits.slice(FEEDS - MAX_AGE_FEEDS).flatMap((t) => gapsOf(t, 0));
    return [
      `real scheduler, node-cron heartbeat every ${intervalMs / 1000} s, feed interval ${intervalMs / 1000} s, ` +
        `${FEEDS} feeds on their own ports answering after 50–250 ms, ${seconds} s`,
      ...describeGaps(plain, intervalMs),
      `max-age=${MAX_AGE_S} feeds: ${maxAge.length} gaps, shortest ${(Math.min(...maxAge) / 1000).toFixed(2)} s ` +
        `(must be ≥ ${MAX_AGE_S} s)`,
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await feeds.close();
  }
}

/** `govwatch start` with GOVWATCH_POLL_MINUTES=1 as a child process, for `minutes`. */
async function underStart(minutes: number, repo: string, log: (l: string) => void): Promise<string[]> {
  const n = 20;
  const feeds = await startFeeds(n, n);
  const dir = mkdtempSync(join(tmpdir(), 'govwatch-poll-timing-start-'));
  const sourcesFile = join(dir, 'sources.yaml');
  writeFileSync(
    sourcesFile,
    'sources:\n' +
      sourcesFor(feeds, n)
        .map(
          (s) =>
            `  - id: ${s.id}\n    name: ${s.name}\n    url: ${s.url}\n    kind: standards\n    language: en\n`,
        )
        .join(''),
  );
  const child = spawn(process.execPath, [join(repo, 'bin/govwatch.js'), 'start'], {
    cwd: repo,
    env: {
      ...process.env,
      GOVWATCH_DB: join(dir, 'bot.db'),
      GOVWATCH_SOURCES: sourcesFile,
      GOVWATCH_POLL_MINUTES: '1',
      GOVWATCH_TRACKERS: 'off',
      GOVWATCH_LOG_LEVEL: 'warn',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  log(`${NAME}: govwatch start (${repo}) for ${minutes} min`);
  try {
    await new Promise((r) => setTimeout(r, minutes * 60_000));
  } finally {
    child.kill('SIGTERM');
    await exited;
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const plain = feeds.hits.flatMap((t) => gapsOf(t, 1));
  return [
    `govwatch start (${repo}), GOVWATCH_POLL_MINUTES=1, ${n} local feeds, ${minutes} min`,
    ...describeGaps(plain, 60_000),
  ];
}

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  const at = process.argv.indexOf('--start');
  if (at >= 0) {
    const repoAt = process.argv.indexOf('--repo');
    const repo = resolve(
      repoAt >= 0 ? process.argv[repoAt + 1]! : fileURLToPath(new URL('..', import.meta.url)),
    );
    return { name: NAME, lines: await underStart(Number(process.argv[at + 1] ?? 6), repo, log) };
  }
  return { name: NAME, lines: await scaled(opts.quick ? 20 : 40, log) };
}

await runWhenMain(import.meta.url, (args) => run({ quick: args.quick }));
