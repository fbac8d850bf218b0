// The poll orchestrator with the real pipeline (fetcher, parser, tagger, clusters, alerts)
// against a local feed server and a real SQLite archive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueAlerts } from '../../src/alerts.ts';
import { loadConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { pollFeeds } from '../../src/ingest/poll.ts';
import { silentLogger } from '../../src/log.ts';
import type { FeedSource, Target } from '../../src/model.ts';
import { THEMES_FILE } from '../../src/paths.ts';
import { createPollDeps } from '../../src/pipeline.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { loadTagger } from '../../src/tagging/tagger.ts';
import type { Tagger } from '../../src/tagging/tagger.ts';
import { rssFeed, rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer, RssItem } from '../support/feed-server.ts';

const T0 = new Date('2026-11-20T12:00:00Z');
const INTERVAL_MS = 15 * 60_000;
/** A regular next check comes this much before pass start + interval (heartbeat jitter). */
const SLACK_MS = 5_000;

let tagger: Tagger;
let server: FeedServer;
let dir: string;
let store: Store;
const clock = { now: T0 };

beforeAll(async () => {
  tagger = loadTagger(THEMES_FILE);
  server = await startFeedServer();
});
afterAll(() => server.close());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-pipeline-'));
  clock.now = T0;
});
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function configWith(env: Record<string, string> = {}): Config {
  return loadConfig({ GOVWATCH_DB: join(dir, 'archive.db'), ...env });
}

async function open(config: Config): Promise<Store> {
  store = await openStore(config);
  return store;
}

function deps(config: Config) {
  return createPollDeps({
    store,
    config,
    logger: silentLogger(),
    owner: 'test',
    tagger,
    now: () => clock.now,
  });
}

function source(id: string, path: string, over: Partial<FeedSource> = {}): FeedSource {
  return {
    id,
    name: id.toUpperCase(),
    url: server.url(path),
    kind: 'rights',
    language: 'en',
    origin: 'operator',
    ...over,
  };
}

/** Items with distinct dates, newest last in the array but published newest-first order irrelevant. */
function items(prefix: string, n: number, start = Date.parse('2026-11-10T08:00:00Z')): RssItem[] {
  return Array.from({ length: n }, (_, i) => ({
    guid: `${prefix}-${i}`,
    title: `${prefix} report number ${i} on broadband pricing`,
    link: `https://${prefix}.example/${i}`,
    description: `Story ${i} of ${prefix}.`,
    date: new Date(start + i * 3_600_000).toISOString(),
  }));
}

describe('pollFeeds with the real pipeline', () => {
  it('records a broken feed as failing with backoff while the other feeds are stored', async () => {
    server.set('/a/good1', rssRoute('Good one', items('g1', 3)));
    server.set('/a/good2', rssRoute('Good two', items('g2', 2)));
    server.set('/a/500', { status: 500, body: 'boom' });
    server.set('/a/invalid', {
      headers: { 'content-type': 'application/rss+xml' },
      body: '<?xml version="1.0"?><rss version="2.0"><channel><title>Half</title><item><title>x</ite',
    });
    const config = configWith();
    await open(config);
    await store.upsertFeeds([
      source('good1', '/a/good1'),
      source('broken', '/a/500'),
      source('good2', '/a/good2'),
      source('invalid', '/a/invalid'),
    ]);
    const d = deps(config);

    const first = await pollFeeds(d, { all: true });
    expect(first.added).toBe(5);
    expect(first.failed).toBe(2);
    const byId = new Map(first.feeds.map((r) => [r.feedId, r]));
    expect(byId.get('good1')).toMatchObject({ status: 'ok', added: 3 });
    expect(byId.get('good2')).toMatchObject({ status: 'ok', added: 2 });
    expect(byId.get('broken')).toMatchObject({ status: 'failed', added: 0 });
    expect(byId.get('broken')!.error).toMatch(/HTTP 500/);
    expect(byId.get('invalid')!.status).toBe('failed');

    const broken = (await store.getFeed('broken'))!;
    expect(broken.state.lastError).toMatch(/HTTP 500/);
    expect(broken.state.consecutiveFailures).toBe(1);
    expect(broken.state.lastErrorAt).toBe(T0.toISOString());
    expect(broken.state.nextCheckAt).toBe(new Date(T0.getTime() + INTERVAL_MS - SLACK_MS).toISOString());
    expect(broken.state.backlogDone).toBe(false);
    const invalid = (await store.getFeed('invalid'))!;
    expect(invalid.state.lastError).toBeTruthy();
    expect(invalid.state.consecutiveFailures).toBe(1);
    const good = (await store.getFeed('good1'))!;
    expect(good.state.lastError).toBeNull();
    expect(good.state.consecutiveFailures).toBe(0);
    expect(good.itemCount).toBe(3);

    // Only due feeds are polled: a minute later nothing is due; after the interval the
    // failing ones fail again and back off twice as long.
    clock.now = new Date(T0.getTime() + 60_000);
    const early = await pollFeeds(d);
    expect(early.feeds).toHaveLength(0);
    clock.now = new Date(T0.getTime() + INTERVAL_MS);
    const second = await pollFeeds(d);
    expect(second.feeds.map((r) => r.feedId).sort()).toEqual(['broken', 'good1', 'good2', 'invalid']);
    const broken2 = (await store.getFeed('broken'))!;
    expect(broken2.state.consecutiveFailures).toBe(2);
    expect(broken2.state.nextCheckAt).toBe(
      new Date(clock.now.getTime() + 2 * INTERVAL_MS - SLACK_MS).toISOString(),
    );

    // Recovery resets the failure count.
    server.set('/a/500', rssRoute('Fixed', items('fx', 1)));
    clock.now = new Date(T0.getTime() + 4 * INTERVAL_MS);
    await pollFeeds(d, { all: true });
    const fixed = (await store.getFeed('broken'))!;
    expect(fixed.state.consecutiveFailures).toBe(0);
    expect(fixed.state.lastError).toBeNull();
    expect(fixed.itemCount).toBe(1);
  });

  it('sends a conditional request on the second poll and counts the 304 as not modified', async () => {
    server.set('/b/feed', rssRoute('Cond', items('c', 2)));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('cond', '/b/feed')]);
    const d = deps(config);
    await pollFeeds(d, { all: true });
    const etag = (await store.getFeed('cond'))!.state.etag;
    expect(etag).toMatch(/^".+"$/);
    const again = await pollFeeds(d, { all: true });
    expect(again.feeds[0]).toMatchObject({ status: 'not-modified', added: 0 });
    const reqs = server.requestsFor('/b/feed');
    expect(reqs).toHaveLength(2);
    expect(reqs[0]!.headers['if-none-match']).toBeUndefined();
    expect(reqs[1]!.headers['if-none-match']).toBe(etag);
    expect(await store.countItems()).toBe(2);
  });

  it('stores a new feed’s backlog without alerts and alerts on the next poll’s new item', async () => {
    const backlog = items('bk', 4);
    server.set('/c/feed', rssRoute('Backlog', backlog));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('bk', '/c/feed')]);
    const d = deps(config);
    const first = await pollFeeds(d, { all: true });
    expect(first.added).toBe(4);
    expect(await store.listItems({ alertableOnly: true })).toHaveLength(0);
    expect((await store.getFeed('bk'))!.state.backlogDone).toBe(true);

    const fresh = {
      guid: 'bk-new',
      title: 'Fresh story',
      link: 'https://bk.example/new',
      date: '2026-11-20T09:00:00Z',
    };
    server.set('/c/feed', rssRoute('Backlog', [fresh, ...backlog]));
    const second = await pollFeeds(d, { all: true });
    expect(second.added).toBe(1);
    const alertable = await store.listItems({ alertableOnly: true });
    expect(alertable.map((i) => i.guid)).toEqual(['bk-new']);
  });

  it.each([1, 3])('marks the newest %i item(s) of a first poll alertable with newOnFirstPoll', async (n) => {
    const list = items('nf', 5);
    // Served out of date order, so "newest" has to come from the dates, not the position.
    server.set(`/d/feed${n}`, rssRoute('Newest', [list[2]!, list[4]!, list[0]!, list[3]!, list[1]!]));
    const config = configWith({ GOVWATCH_NEW_ON_FIRST_POLL: String(n) });
    await open(config);
    await store.upsertFeeds([source('nf', `/d/feed${n}`)]);
    await pollFeeds(deps(config), { all: true });
    const alertable = await store.listItems({ alertableOnly: true });
    const expected = list
      .slice(-n)
      .map((i) => i.guid)
      .sort();
    expect(alertable.map((i) => i.guid).sort()).toEqual(expected);
    expect(await store.countItems()).toBe(5);
  });

  it('puts a matching new item in an alert subscriber’s outbox exactly once', async () => {
    const target: Target = { platform: 'discord', workspaceId: 'g1', kind: 'channel', channelId: 'c-alerts' };
    server.set('/e/feed', rssRoute('Alerts', items('al', 2)));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('al', '/e/feed')]);
    await store.addSubscription({
      target,
      filter: { themes: [], regions: [], sources: [], keywords: ['quokka'] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'u1',
    });
    const d = deps(config);
    await pollFeeds(d, { all: true }); // backlog: no alerts
    expect(await store.listOutbox()).toHaveLength(0);

    server.set(
      '/e/feed',
      rssRoute('Alerts', [
        {
          guid: 'al-match',
          title: 'Quokka protocol filed',
          link: 'https://al.example/m',
          date: '2026-11-20T10:00:00Z',
        },
        {
          guid: 'al-other',
          title: 'Unrelated note',
          link: 'https://al.example/o',
          date: '2026-11-20T10:30:00Z',
        },
        ...items('al', 2),
      ]),
    );
    await pollFeeds(d, { all: true });
    const outbox = await store.listOutbox();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'alert', status: 'pending', target });
    const matched = (await store.listItems({ alertableOnly: true })).find((i) => i.guid === 'al-match')!;
    expect(outbox[0]!.key).toContain(String(matched.id));

    // Running the alert step again for the same items adds nothing.
    const again = await enqueueAlerts(store, await store.listItems({ alertableOnly: true }));
    expect(again).toBe(0);
    expect(await store.listOutbox()).toHaveLength(1);
  });

  it('still enqueues alerts when story clustering fails', async () => {
    const target: Target = { platform: 'slack', workspaceId: 'T1', kind: 'channel', channelId: 'C-alerts' };
    server.set('/e2/feed', rssRoute('Alerts', items('ca', 1)));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('ca', '/e2/feed')]);
    await store.addSubscription({
      target,
      filter: { themes: [], regions: [], sources: ['ca'], keywords: [] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'u1',
    });
    // Clustering reads items by URL; make that fail as a broken database call would.
    const failing = new Proxy(store, {
      get(target_, prop) {
        if (prop === 'findItemsByUrl') return () => Promise.reject(new Error('disk I/O error'));
        const value = Reflect.get(target_, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target_) : value;
      },
    });
    const d = createPollDeps({
      store: failing,
      config,
      logger: silentLogger(),
      owner: 'test',
      tagger,
      now: () => clock.now,
    });
    await pollFeeds(d, { all: true }); // backlog
    server.set(
      '/e2/feed',
      rssRoute('Alerts', [
        { guid: 'ca-new', title: 'Fresh', link: 'https://ca.example/new' },
        ...items('ca', 1),
      ]),
    );
    const second = await pollFeeds(d, { all: true });
    expect(second.added).toBe(1);
    const outbox = await store.listOutbox();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'alert', target });
  });

  it.each([
    { allowPrivate: false, status: 'failed', reaches: false },
    { allowPrivate: true, status: 'ok', reaches: true },
  ])(
    'a chat-added feed on 127.0.0.1 is refused unless private URLs are allowed ($allowPrivate)',
    async ({ allowPrivate, status, reaches }) => {
      const path = `/f/chat-${allowPrivate}`;
      server.set(path, rssRoute('Chat feed', items('ch', 1)));
      const config = configWith(allowPrivate ? { GOVWATCH_ALLOW_PRIVATE_URLS: '1' } : {});
      await open(config);
      await store.upsertFeeds([source('chatfeed', path, { origin: 'chat' }), source('opfeed', '/f/op')]);
      server.set('/f/op', rssRoute('Operator feed', items('op', 1)));
      const summary = await pollFeeds(deps(config), { all: true });
      const chat = summary.feeds.find((r) => r.feedId === 'chatfeed')!;
      expect(chat.status).toBe(status);
      if (!reaches) expect(chat.error).toMatch(/127\.0\.0\.1|loopback|private|blocked/i);
      expect(server.requestsFor(path).length > 0).toBe(reaches);
      // The operator's own feed on the same address is trusted either way.
      expect(summary.feeds.find((r) => r.feedId === 'opfeed')!.status).toBe('ok');
    },
  );

  it('does not store re-ordered or republished items twice', async () => {
    const list = items('ro', 4);
    server.set('/g/feed', rssRoute('Reorder', list));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('ro', '/g/feed')]);
    const d = deps(config);
    await pollFeeds(d, { all: true });
    const republished = [...list].reverse().map((i) => ({ ...i, date: '2026-11-25T00:00:00Z' }));
    server.set('/g/feed', rssRoute('Reorder', republished));
    const second = await pollFeeds(d, { all: true });
    expect(second.feeds[0]).toMatchObject({ status: 'ok', added: 0, duplicates: 4 });
    expect(await store.countItems()).toBe(4);
  });

  it('stores six items with distinct guids and one shared link, and re-polled still six', async () => {
    const press = items('press', 6).map((i) => ({ ...i, link: 'https://ministry.example/press' }));
    server.set('/h/guids', rssRoute('Ministry', press));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('ministry', '/h/guids')]);
    const d = deps(config);
    const first = await pollFeeds(d, { all: true });
    expect(first.feeds[0]).toMatchObject({ status: 'ok', added: 6, duplicates: 0 });
    // Re-ordered, so the server's validator changes and the body is read again.
    server.set('/h/guids', rssRoute('Ministry', [...press].reverse()));
    const again = await pollFeeds(d, { all: true });
    expect(again.feeds[0]).toMatchObject({ status: 'ok', added: 0, duplicates: 6 });
    expect(await store.countItems()).toBe(6);
    expect((await store.getFeed('ministry'))!.state.idMode).toBe('guid');
    // One feed's items under one link are distinct stories unless their text says so.
    const clusters = new Set((await store.listItems({})).map((i) => i.clusterId));
    expect(clusters.size).toBe(6);
  });

  it('still dedupes a shared link when the feed has no guids', async () => {
    const press = items('noguid', 6).map(({ guid: _guid, ...i }) => ({
      ...i,
      link: 'https://ministry.example/press',
    }));
    server.set('/h/noguids', rssRoute('Ministry', press));
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('ministry', '/h/noguids')]);
    const d = deps(config);
    const first = await pollFeeds(d, { all: true });
    expect(first.feeds[0]).toMatchObject({ status: 'ok', added: 1, duplicates: 5 });
    server.set('/h/noguids', rssRoute('Ministry', [...press].reverse()));
    const again = await pollFeeds(d, { all: true });
    expect(again.feeds[0]).toMatchObject({ status: 'ok', added: 0, duplicates: 6 });
    expect(await store.countItems()).toBe(1);
    expect((await store.getFeed('ministry'))!.state.idMode).toBe('hash');
  });

  it('clears the last error when a failed feed answers 304', async () => {
    const route = rssRoute('Flaky', items('fl', 2));
    server.set('/i/feed', route);
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('flaky', '/i/feed')]);
    const d = deps(config);
    await pollFeeds(d, { all: true });
    server.set('/i/feed', { status: 502, body: 'bad gateway' });
    await pollFeeds(d, { all: true });
    expect((await store.getFeed('flaky'))!.state).toMatchObject({ consecutiveFailures: 1 });
    server.set('/i/feed', route); // same body, same ETag: the server answers 304
    const back = await pollFeeds(d, { all: true });
    expect(back.feeds[0]!.status).toBe('not-modified');
    const state = (await store.getFeed('flaky'))!.state;
    expect(state.consecutiveFailures).toBe(0);
    expect(state.lastError).toBeNull();
  });

  it('reports each feed’s own result to onFeedDone while feeds run in parallel', async () => {
    // Feeds of different sizes, answered after different delays, so completions interleave.
    const sizes = [1, 2, 3, 4, 5, 6];
    sizes.forEach((n, i) => {
      const body = rssRoute(`P${n}`, items(`p${n}`, n));
      server.set(`/j/feed${n}`, (_req, res) => {
        setTimeout(() => res.writeHead(200, body.headers).end(body.body), (sizes.length - i) * 15);
      });
    });
    const config = configWith();
    await open(config);
    await store.upsertFeeds(sizes.map((n) => source(`par${n}`, `/j/feed${n}`)));
    // A store whose lease release takes real time, as over a network (PostgreSQL).
    const slowRelease = new Proxy(store, {
      get(target, prop) {
        if (prop === 'releaseFeed')
          return async (id: string, owner: string) => {
            await new Promise((r) => setTimeout(r, 40));
            return target.releaseFeed(id, owner);
          };
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const reported = new Map<string, number>();
    const counts: number[] = [];
    const summary = await pollFeeds(
      { ...deps(config), store: slowRelease },
      {
        concurrency: 6,
        onFeedDone: (r, done) => {
          reported.set(r.feedId, r.added);
          counts.push(done);
        },
      },
    );
    expect(summary.added).toBe(21);
    expect([...reported.entries()].sort()).toEqual(sizes.map((n) => [`par${n}`, n]).sort());
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    {
      name: 'Cache-Control max-age',
      headers: { 'cache-control': 'public, max-age=10800' },
      ttl: '',
      wait: 3 * 3_600_000,
    },
    {
      name: 'Expires',
      headers: { expires: new Date(T0.getTime() + 5 * 3_600_000).toUTCString() },
      ttl: '',
      wait: 5 * 3_600_000,
    },
    { name: 'the feed’s <ttl>', headers: {}, ttl: '<ttl>120</ttl>', wait: 2 * 3_600_000 },
    { name: 'no hint', headers: {}, ttl: '', wait: INTERVAL_MS - SLACK_MS },
  ] as Array<{ name: string; headers: Record<string, string>; ttl: string; wait: number }>)(
    'schedules the next check from $name',
    async ({ headers, ttl, wait }) => {
      const path = `/k/${wait}`;
      server.set(path, {
        headers: { 'content-type': 'application/rss+xml', ...headers },
        body: rssFeed('Hints', items('hn', 1)).replace(
          '<description>test feed</description>',
          `<description>x</description>${ttl}`,
        ),
      });
      const config = configWith();
      await open(config);
      await store.upsertFeeds([source('hints', path)]);
      await pollFeeds(deps(config), { all: true });
      const state = (await store.getFeed('hints'))!.state;
      expect(state.lastError).toBeNull();
      expect(state.nextCheckAt).toBe(new Date(T0.getTime() + wait).toISOString());
    },
  );

  it('pushes the next check out by Retry-After on a 429', async () => {
    server.set('/h/feed', { status: 429, headers: { 'retry-after': '7200' }, body: 'slow down' });
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('busy', '/h/feed')]);
    const summary = await pollFeeds(deps(config), { all: true });
    expect(summary.feeds[0]!.status).toBe('failed');
    const state = (await store.getFeed('busy'))!.state;
    expect(state.lastError).toMatch(/429/);
    const waitMs = Date.parse(state.nextCheckAt!) - T0.getTime();
    expect(waitMs).toBeGreaterThanOrEqual(7_200_000 - 5_000);
    expect(waitMs).toBeGreaterThan(INTERVAL_MS);
  });
});

// Kept here so the builder stays honest: a feed document with no items still parses.
describe('feed-server builders', () => {
  it('writes an RSS document the parser accepts', async () => {
    server.set('/z/empty', {
      headers: { 'content-type': 'application/rss+xml' },
      body: rssFeed('Empty', []),
    });
    const config = configWith();
    await open(config);
    await store.upsertFeeds([source('empty', '/z/empty')]);
    const summary = await pollFeeds(deps(config), { all: true });
    expect(summary.feeds[0]).toMatchObject({ status: 'ok', added: 0 });
  });
});
