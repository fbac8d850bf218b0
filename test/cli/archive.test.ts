// `govwatch poll` (child processes) against a local server where one feed answers 500 and
// one sends broken XML, then `search`, `digest` and `feeds list` on the archive it filled.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_QUERIES } from '../store/hostile-queries.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';
import { messageLines, runCli, runInProcess } from './run-cli.ts';
import type { CliResult } from './run-cli.ts';

let dir: string;
let server: FeedServer;
let sourcesPath: string;
let env: Record<string, string>;
let firstPoll: CliResult;
let secondPoll: CliResult;

const recent = (hoursAgo: number): string => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-cli-archive-'));
  server = await startFeedServer({
    '/one.xml': rssRoute('Shutdown Monitor', [
      {
        guid: 'one-1',
        title: 'Internet shutdown in Iraq during school exams',
        link: 'https://monitor.example/iraq-exam-shutdown',
        description: 'Mobile data was cut for two hours every morning.',
        date: recent(3),
      },
      {
        guid: 'one-2',
        title: 'Quokka working group publishes its charter',
        link: 'https://monitor.example/quokka',
        description: 'A new working group on quokka interoperability.',
        date: recent(5),
      },
      {
        guid: 'one-3',
        title: 'Regional shutdown lifted after court order',
        link: 'https://monitor.example/lifted',
        // "Internet" matters: a bare "shutdown" (a factory's, a government's) is not the theme,
        // and the learned tagger rightly leaves it untagged.
        description: 'Mobile internet is back: the shutdown ended after 40 days.',
        date: recent(7),
      },
    ]),
    '/two.xml': rssRoute('Privacy Desk', [
      {
        guid: 'two-1',
        title: 'EU encryption backdoor proposal returns',
        link: 'https://desk.example/backdoor',
        description: 'Client-side scanning of encrypted messages is back on the agenda.',
        date: recent(2),
      },
      {
        guid: 'two-2',
        title: 'Data protection authority fines a quokka app',
        link: 'https://desk.example/fine',
        description: 'The privacy regulator found unlawful tracking.',
        date: recent(4),
      },
    ]),
    '/broken.xml': { status: 500, body: 'internal error' },
    '/invalid.xml': {
      headers: { 'content-type': 'application/rss+xml' },
      body: '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title><item><title>x</ite',
    },
  });
  sourcesPath = join(dir, 'sources.yaml');
  const entry = (id: string, name: string, path: string): string =>
    `  - id: ${id}\n    name: ${name}\n    url: ${server.url(path)}\n    kind: media\n    language: en\n`;
  writeFileSync(
    sourcesPath,
    'sources:\n' +
      entry('ok-one', 'Shutdown Monitor', '/one.xml') +
      entry('broken', 'Broken Feed', '/broken.xml') +
      entry('ok-two', 'Privacy Desk', '/two.xml') +
      entry('invalid', 'Invalid Feed', '/invalid.xml'),
  );
  env = { GOVWATCH_DB: join(dir, 'archive.db') };
  firstPoll = await runCli(['poll', '--sources', sourcesPath], { env });
  // The second poll in-process: the child above already covers exit codes and stderr.
  secondPoll = await runInProcess(['poll', '--once', '--force', '--sources', sourcesPath], env);
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('govwatch poll', () => {
  it('stores the working feeds, reports each failing one on stderr and exits 0', () => {
    expect(firstPoll.code).toBe(0);
    expect(firstPoll.stdout.trim()).toBe('polled 4 feed(s): 5 new item(s), 0 unchanged, 2 failed');
    const lines = messageLines(firstPoll.stderr);
    expect(lines, lines.join('\n')).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('failed broken: '))).toMatch(/HTTP 500/);
    expect(lines.find((l) => l.startsWith('failed invalid: '))).toBeTruthy();
  });

  it('stores nothing new on a second poll, asking conditionally', () => {
    expect(secondPoll.code).toBe(0);
    expect(secondPoll.stdout.trim()).toBe('polled 4 feed(s): 0 new item(s), 2 unchanged, 2 failed');
    const second = server.requestsFor('/one.xml')[1];
    expect(second?.headers['if-none-match']).toMatch(/^".+"$/);
  });
});

describe('govwatch search', () => {
  it('prints ranked results as text and as JSON', async () => {
    const text = await runInProcess(['search', 'shutdown'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^2 result\(s\) for "shutdown":/);
    expect(text.stdout).toContain('[Shutdown Monitor]  Internet shutdown in Iraq during school exams');
    expect(text.stdout).toContain('https://monitor.example/lifted');

    const json = await runInProcess(['search', 'quokka', '--json', '--source', 'ok-two'], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      query: string;
      total: number;
      hits: Array<{ title: string; feedId: string; snippet: string }>;
    };
    expect(parsed.query).toBe('quokka');
    expect(parsed.total).toBe(1);
    expect(parsed.hits.map((h) => [h.feedId, h.title])).toEqual([
      ['ok-two', 'Data protection authority fines a quokka app'],
    ]);
    expect(parsed.hits[0]!.snippet.toLowerCase()).toContain('«quokka»');

    const none = await runInProcess(['search', 'platypus'], env);
    expect(none).toMatchObject({ code: 0, stdout: 'No results for "platypus".\n', stderr: '' });
  });

  it.each([
    { args: ['shutdown', '--limit', '1', '--json'], code: 0, hits: 1 },
    { args: ['shutdown', '--theme', 'shutdowns', '--json'], code: 0, hits: 2 },
    { args: ['shutdown', '--region', 'iq', '--json'], code: 0, hits: 1 },
    { args: ['shutdown', '--since', '6h', '--json'], code: 0, hits: 1 },
    { args: ['shutdown', '--since', '2030-01-01', '--json'], code: 0, hits: 0 },
    { args: ['shutdown', '--theme', 'kittens'], code: 1, error: /unknown theme "kittens"/ },
    { args: ['shutdown', '--since', 'yesterday'], code: 1, error: /not a duration/ },
  ])('search $args', async ({ args, code, hits, error }) => {
    const r = await runInProcess(['search', ...args], env);
    expect(r.code).toBe(code);
    if (hits !== undefined) expect((JSON.parse(r.stdout) as { hits: unknown[] }).hits).toHaveLength(hits);
    if (error) {
      expect(r.stderr).toMatch(error);
      expect(r.stderr.trim().split('\n')[0]).toMatch(error);
    }
  });

  it('exits 0 on hostile queries', async () => {
    const picks = ['"unbalanced', '*', 'NEAR(', 'NEAR(a b', 'title:x OR', '"" AND -', 'shutdown*'];
    const queries = [...picks, ...HOSTILE_QUERIES.filter((q) => q.length > 5000)];
    expect(queries.some((q) => q.length >= 10_000)).toBe(true);
    for (const q of queries) {
      const r = await runInProcess(['search', '--', q], env);
      expect(r.stderr, q.slice(0, 40)).toBe('');
      expect(r.code, q.slice(0, 40)).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    }
  });
});

describe('govwatch digest', () => {
  it.each(['text', 'markdown', 'json'])('prints the stored items as %s', async (format) => {
    const r = await runInProcess(['digest', '--format', format], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const title of [
      'EU encryption backdoor proposal returns',
      'Internet shutdown in Iraq during school exams',
    ])
      expect(r.stdout).toContain(title);
    if (format === 'json') {
      const digest = JSON.parse(r.stdout) as {
        sections: Array<{ entries: unknown[] }>;
        totalStories: number;
      };
      expect(digest.totalStories).toBe(5);
      expect(digest.sections.flatMap((s) => s.entries)).toHaveLength(5);
    }
    if (format === 'markdown')
      expect(r.stdout).toContain(
        '[EU encryption backdoor proposal returns](<https://desk.example/backdoor>)',
      );
  });

  it('filters by source and refuses an unknown theme in one line', async () => {
    const r = await runInProcess(['digest', '--source', 'ok-two', '--format', 'json'], env);
    expect(r.code).toBe(0);
    const digest = JSON.parse(r.stdout) as {
      sections: Array<{ entries: Array<{ item: { feedId: string } }> }>;
    };
    const feeds = digest.sections.flatMap((s) => s.entries.map((e) => e.item.feedId));
    expect(feeds).toEqual(['ok-two', 'ok-two']);

    const bad = await runInProcess(['digest', '--themes', 'kittens'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/unknown theme kittens/);
  });
});

describe('govwatch feeds list', () => {
  it('shows each feed with its state, last success, next check and last error', async () => {
    const r = await runInProcess(['feeds', 'list', '--sources', sourcesPath], env);
    expect(r.code).toBe(0);
    const line = (id: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
    const when = String.raw`\d{4}-\d\d-\d\d \d\d:\d\dZ`;
    expect(line('ok-one')).toMatch(
      new RegExp(`\\s3 items\\s+active · last success ${when} · next check ${when}$`),
    );
    expect(line('ok-two')).toMatch(/\s2 items\s+active · /);
    expect(line('broken')).toMatch(
      new RegExp(`failing ×2 · last success never · next check ${when} · last error ${when}: .*HTTP 500`),
    );
    expect(line('invalid')).toMatch(/failing ×2 · .* · last error /);
    expect(r.stdout).toContain(`4 feeds (${sourcesPath}), 2 failing`);
  });
});
