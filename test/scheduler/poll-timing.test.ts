// Poll timing through the real scheduler path (createScheduler → pollFeeds → fetch → SQLite)
// on a fake clock: heartbeats once a minute, each firing up to 2 s late, passes that take
// several seconds (the clock moves while each feed is fetched). With a 1-minute interval a
// plain feed is fetched at every heartbeat (gaps of 60 s ± 10 %), not every other one; a
// feed whose server asks for longer (<ttl>, Cache-Control, Retry-After) or that is backing
// off after failures still waits at least that long.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { pollFeeds } from '../../src/ingest/poll.ts';
import { silentLogger } from '../../src/log.ts';
import type { FeedSource } from '../../src/model.ts';
import { THEMES_FILE } from '../../src/paths.ts';
import { createPollDeps } from '../../src/pipeline.ts';
import { createScheduler } from '../../src/scheduler.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { loadTagger } from '../../src/tagging/tagger.ts';
import { rssFeed, startFeedServer, type FeedServer } from '../support/feed-server.ts';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const MIN = 60_000;
const HEARTBEATS = 16;
const PLAIN = 8;

let server: FeedServer;
let dir: string;
let store: Store;

beforeAll(async () => {
  server = await startFeedServer();
  dir = mkdtempSync(join(tmpdir(), 'govwatch-poll-timing-'));
});
afterAll(async () => {
  await store?.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function feedBody(id: string, extra = ''): string {
  return rssFeed(`Feed ${id}`, [
    { guid: `${id}-1`, title: `Regulator opens consultation ${id}`, link: `https://example.org/${id}/1` },
  ]).replace('<description>test feed</description>', `<description>x</description>${extra}`);
}

describe('poll timing under the scheduler (fake clock)', () => {
  it('fetches a 1-minute feed every heartbeat and still honours longer TTLs, max-age, Retry-After and backoff', async () => {
    const xml = { 'content-type': 'application/rss+xml' };
    const sources: FeedSource[] = [];
    const add = (id: string): void => {
      sources.push({
        id,
        name: id,
        url: server.url(`/${id}`),
        kind: 'standards',
        language: 'en',
        origin: 'operator',
      });
    };
    for (let k = 0; k < PLAIN; k++) {
      server.set(`/plain${k}`, { headers: xml, body: feedBody(`plain${k}`), etag: true });
      add(`plain${k}`);
    }
    server.set('/ttl', { headers: xml, body: feedBody('ttl', '<ttl>3</ttl>') });
    add('ttl');
    server.set('/maxage', { headers: { ...xml, 'cache-control': 'max-age=150' }, body: feedBody('maxage') });
    add('maxage');
    server.set('/broken', { status: 500, body: 'down' });
    add('broken');
    server.set('/busy', { status: 503, headers: { 'retry-after': '200' }, body: 'later' });
    add('busy');

    const clock = { ms: T0 };
    const now = (): Date => new Date(clock.ms);
    const config = loadConfig({ GOVWATCH_DB: join(dir, 'archive.db'), GOVWATCH_POLL_MINUTES: '1' });
    store = await openStore(config);
    await store.upsertFeeds(sources);
    const deps = createPollDeps({
      store,
      config,
      logger: silentLogger(),
      owner: 'timing',
      tagger: loadTagger(THEMES_FILE),
      now,
    });
    expect(deps.intervalMs).toBe(MIN);
    // Each fetch takes 0.4 s of clock time before and after the request: a pass of 12 feeds
    // two at a time lasts a few seconds, so feeds late in it are fetched well after its start.
    const fetchedAt = new Map<string, number[]>();
    const realFetch = deps.fetch;
    deps.fetch = async (url, o) => {
      clock.ms += 400;
      const id = new URL(url).pathname.slice(1);
      fetchedAt.set(id, [...(fetchedAt.get(id) ?? []), clock.ms]);
      try {
        return await realFetch(url, o);
      } finally {
        clock.ms += 400;
      }
    };
    const scheduler = createScheduler({
      store,
      poll: async () => {
        await pollFeeds(deps, { concurrency: 2 });
      },
      pollMinutes: 1,
      now,
    });

    // Heartbeats at each minute, each up to 2 s late (a busy event loop, node-cron's timer).
    let passEnds = 0;
    for (let k = 0; k < HEARTBEATS; k++) {
      const beat = T0 + k * MIN + ((k * 7_919) % 2_001);
      expect(beat, 'a pass outlasted the minute').toBeGreaterThanOrEqual(clock.ms);
      clock.ms = beat;
      await scheduler.tick();
      passEnds = Math.max(passEnds, clock.ms - beat);
    }
    await scheduler.stop();
    expect(passEnds).toBeGreaterThan(2_000); // passes were long enough to matter

    const gaps = (id: string): number[] => {
      const times = fetchedAt.get(id) ?? [];
      return times.slice(1).map((t, i) => t - times[i]!);
    };
    // Plain feeds: every heartbeat, so every gap within 60 s ± 10 %.
    const plainGaps = Array.from({ length: PLAIN }, (_, k) => gaps(`plain${k}`)).flat();
    expect(plainGaps).toHaveLength(PLAIN * (HEARTBEATS - 1));
    expect(Math.abs(median(plainGaps) - MIN)).toBeLessThanOrEqual(MIN / 10);
    for (const g of plainGaps) {
      expect(g).toBeGreaterThanOrEqual(0.9 * MIN);
      expect(g).toBeLessThanOrEqual(1.1 * MIN);
    }
    // <ttl>3</ttl>: never sooner than 3 minutes after the fetch, and at the heartbeat after.
    for (const g of gaps('ttl')) {
      expect(g).toBeGreaterThanOrEqual(3 * MIN);
      expect(g).toBeLessThanOrEqual(4 * MIN + 6_000);
    }
    expect(gaps('ttl').length).toBeGreaterThanOrEqual(3);
    // Cache-Control max-age=150: never sooner than 150 s.
    for (const g of gaps('maxage')) {
      expect(g).toBeGreaterThanOrEqual(150_000);
      expect(g).toBeLessThanOrEqual(3 * MIN + 6_000);
    }
    expect(gaps('maxage').length).toBeGreaterThanOrEqual(4);
    // Retry-After: 200 on every answer: never sooner than 200 s.
    for (const g of gaps('busy')) expect(g).toBeGreaterThanOrEqual(200_000);
    expect(gaps('busy').length).toBeGreaterThanOrEqual(3);
    // Backoff after 1, 2, 3, 4 failures: 1, 2, 4, 8 intervals (less the 5 s heartbeat slack),
    // polled at the heartbeat where it falls due, not one later (the feed's place in the
    // pass moves by a few seconds from pass to pass).
    const backoff = gaps('broken');
    expect(backoff.length).toBeGreaterThanOrEqual(4);
    backoff.forEach((g, i) => {
      const wait = MIN * 2 ** i;
      expect(g).toBeGreaterThanOrEqual(wait - 5_000);
      expect(g).toBeLessThanOrEqual(wait + 15_000);
    });
  });
});
