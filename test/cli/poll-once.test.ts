// `govwatch poll` chooses its feeds: without options the due ones, --once every feed except
// those backing off after failures, --force every feed. The help says so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rssRoute, startFeedServer, type FeedServer } from '../support/feed-server.ts';
import { messageLines, runInProcess } from './run-cli.ts';

let dir: string;
let server: FeedServer;
let sources: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-poll-once-'));
  server = await startFeedServer({
    '/a.xml': rssRoute('A', [{ guid: 'a1', title: 'First of A', link: 'https://a.example/1' }]),
    '/b.xml': rssRoute('B', [{ guid: 'b1', title: 'First of B', link: 'https://b.example/1' }]),
    '/down.xml': { status: 503, body: 'down' },
  });
  const entry = (id: string, path: string): string =>
    `  - id: ${id}\n    name: ${id}\n    url: ${server.url(path)}\n    kind: media\n    language: en\n`;
  sources = join(dir, 'sources.yaml');
  writeFileSync(
    sources,
    `sources:\n${entry('a', '/a.xml')}${entry('b', '/b.xml')}${entry('down', '/down.xml')}`,
  );
  env = { GOVWATCH_DB: join(dir, 'archive.db') };
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const hits = (path: string): number => server.requestsFor(path).length;

it('polls the due feeds by default, every feed but the failing one with --once, all with --force', async () => {
  const first = await runInProcess(['poll', '--sources', sources], env);
  expect(first.stdout.trim()).toBe('polled 3 feed(s): 2 new item(s), 0 unchanged, 1 failed');

  // Nothing is due a moment later: a plain poll polls nothing.
  const due = await runInProcess(['poll', '--sources', sources], env);
  expect(due.stdout.trim()).toBe('polled 0 feed(s): 0 new item(s), 0 unchanged, 0 failed');
  expect([hits('/a.xml'), hits('/b.xml'), hits('/down.xml')]).toEqual([1, 1, 1]);

  // --once: every feed once, as the word says, but the failing site is left to its backoff.
  const once = await runInProcess(['poll', '--once', '--sources', sources], env);
  expect(once.stdout.trim()).toBe('polled 2 feed(s): 0 new item(s), 2 unchanged, 0 failed');
  expect(messageLines(once.stderr)).toContain(
    'not polled, backing off after failures (--force polls them): down',
  );
  expect([hits('/a.xml'), hits('/b.xml'), hits('/down.xml')]).toEqual([2, 2, 1]);

  // --force: every feed, the failing one included.
  const force = await runInProcess(['poll', '--force', '--sources', sources], env);
  expect(force.stdout.trim()).toBe('polled 3 feed(s): 0 new item(s), 2 unchanged, 1 failed');
  expect([hits('/a.xml'), hits('/b.xml'), hits('/down.xml')]).toEqual([3, 3, 2]);
});

it('says in its help which feeds each option polls', async () => {
  const help = await runInProcess(['poll', '--help'], env);
  const text = help.stdout.replace(/\s+/g, ' ');
  expect(text).toContain('by default only the feeds due (next check reached)');
  expect(text).toContain(
    '--once poll every feed once now, due or not, except feeds backing off after failures',
  );
  expect(text).toContain('--force poll every feed now, also those backing off after failures');
});
