// The operator's sources file is the truth: feeds that leave it are paused (never deleted,
// their items stay searchable) and said so once, feeds it lists again resume, a run with the
// wrong --sources cannot keep its feeds, and the commands that only read change nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSources } from '../../src/archive.ts';
import type { FeedSource } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';
import { runInProcess } from './run-cli.ts';

const source = (id: string, origin: FeedSource['origin'] = 'operator'): FeedSource => ({
  id,
  name: id,
  url: `https://${id}.example/feed.xml`,
  kind: 'rights',
  language: 'en',
  origin,
});

let dir: string;
let server: FeedServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-sync-'));
  const item = (guid: string, title: string) => ({
    guid,
    title,
    link: `https://news.example/${guid}`,
    date: new Date(Date.now() - 3_600_000).toISOString(),
  });
  server = await startFeedServer({
    '/alpha.xml': rssRoute('Alpha', [item('a1', 'Alpha pangolin report')]),
    '/beta.xml': rssRoute('Beta', [item('b1', 'Beta pangolin report')]),
    '/wrong.xml': rssRoute('Wrong', [item('w1', 'Wrong pangolin report')]),
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sourcesFile(name: string, feeds: Array<[id: string, path: string]>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    'sources:\n' +
      feeds
        .map(
          ([id, p]) =>
            `  - id: ${id}\n    name: ${id}\n    url: ${server.url(p)}\n    kind: media\n    language: en\n`,
        )
        .join(''),
  );
  return path;
}

describe('syncSources', () => {
  it('pauses operator feeds the file dropped (once), resumes them when listed again, leaves the rest', async () => {
    const store = await openStore({ dbPath: join(dir, 'unit.db'), databaseUrl: undefined });
    try {
      expect(await syncSources(store, [source('alpha'), source('beta'), source('held')])).toEqual({
        added: ['alpha', 'beta', 'held'],
        paused: [],
        resumed: [],
      });
      await store.upsertFeeds([source('from-chat', 'chat')]);
      await store.setFeedPaused('held', { at: '2026-01-01T00:00:00.000Z', by: 'operator' });
      const now = new Date('2026-02-01T00:00:00.000Z');
      const dropped = await syncSources(
        store,
        [{ ...source('alpha'), name: 'Alpha renamed' }, source('held')],
        now,
      );
      expect(dropped).toEqual({ added: [], paused: ['beta'], resumed: [] });
      expect((await store.getFeed('beta'))?.paused).toEqual({ at: now.toISOString(), by: 'sources-file' });
      expect((await store.getFeed('alpha'))?.name).toBe('Alpha renamed');
      expect((await store.getFeed('from-chat'))?.paused).toBeNull();
      // Said once: the next sync finds it paused already.
      expect(await syncSources(store, [source('alpha'), source('held')])).toEqual({
        added: [],
        paused: [],
        resumed: [],
      });
      // Listed again: it resumes. A feed the operator paused stays paused whatever the file says.
      expect(await syncSources(store, [source('alpha'), source('beta'), source('held')])).toEqual({
        added: [],
        paused: [],
        resumed: ['beta'],
      });
      expect((await store.getFeed('held'))?.paused?.by).toBe('operator');
      expect((await store.listFeeds()).map((f) => f.id)).toEqual(['alpha', 'beta', 'from-chat', 'held']);
    } finally {
      await store.close();
    }
  });
});

describe('govwatch poll with a changed or wrong sources file', () => {
  it('stops polling the feeds that left the file, keeps their items, and brings the right ones back', async () => {
    const env = { GOVWATCH_DB: join(dir, 'cli.db') };
    const right = sourcesFile('right.yaml', [
      ['alpha', '/alpha.xml'],
      ['beta', '/beta.xml'],
    ]);
    const wrong = sourcesFile('wrong.yaml', [['wrong', '/wrong.xml']]);
    const poll = (file: string) => runInProcess(['poll', '--force', '--sources', file], env);
    const hits = async (word: string) =>
      (
        JSON.parse((await runInProcess(['search', word, '--json'], env)).stdout) as {
          hits: Array<{ feedId: string }>;
        }
      ).hits
        .map((h) => h.feedId)
        .sort();

    expect((await poll(right)).stdout).toContain('polled 2 feed(s): 2 new item(s)');
    const mistaken = await poll(wrong);
    expect(mistaken.stdout).toContain('polled 1 feed(s): 1 new item(s)');
    expect(mistaken.stderr).toContain(
      `govwatch: 2 feed(s) are no longer in ${wrong} and are paused, their items kept: alpha, beta`,
    );
    expect(server.requestsFor('/alpha.xml')).toHaveLength(1);

    const back = await poll(right);
    expect(back.stdout).toContain('polled 2 feed(s)');
    expect(back.stderr).toContain(
      `1 feed(s) are no longer in ${right} and are paused, their items kept: wrong`,
    );
    expect(back.stderr).toContain(`2 feed(s) are back in ${right} and resume: alpha, beta`);
    const wrongFetches = server.requestsFor('/wrong.xml').length;

    // Said once; the paused feed is not fetched again, even by --force; its item stays.
    const again = await poll(right);
    expect(again.stderr).toBe('');
    expect(server.requestsFor('/wrong.xml')).toHaveLength(wrongFetches);
    expect(await hits('pangolin')).toEqual(['alpha', 'beta', 'wrong']);

    const list = await runInProcess(['feeds', 'list', '--sources', right], env);
    expect(list.stdout).toMatch(/^wrong .* 1 items {2}paused no longer in the sources file since /m);
    expect(list.stdout).toContain(`3 feeds (${right}), 1 paused`);
  });

  it('search, digest, feeds list, feeds export and subscriptions list leave the feed table as it was', async () => {
    const db = join(dir, 'readonly.db');
    const env = { GOVWATCH_DB: db };
    const file = sourcesFile('first.yaml', [['alpha', '/alpha.xml']]);
    expect((await runInProcess(['poll', '--sources', file], env)).code).toBe(0);
    // Another file that drops alpha and adds beta: only a poll or start may apply it.
    const other = sourcesFile('other.yaml', [['beta', '/beta.xml']]);
    const table = (): unknown[] => {
      const handle = new Database(db, { readonly: true });
      try {
        return handle.prepare('SELECT * FROM feeds ORDER BY id').all();
      } finally {
        handle.close();
      }
    };
    const before = table();
    expect(before).toHaveLength(1);
    for (const args of [
      ['search', 'pangolin'],
      ['digest', '--since', '7d'],
      ['feeds', 'list'],
      ['feeds', 'list', '--json'],
      ['feeds', 'export'],
      ['subscriptions', 'list'],
    ]) {
      const r = await runInProcess([...args, '--sources', other], env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(table(), args.join(' ')).toEqual(before);
    }
    const listed = await runInProcess(['feeds', 'list', '--sources', other], env);
    expect(listed.stdout).toMatch(/^alpha .*not in the sources file: paused at the next poll/m);
    expect(listed.stdout).toMatch(/^beta .*new: added at the next poll/m);
  });
});
