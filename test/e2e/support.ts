// Shared pieces of the end-to-end tests: a local feed server with a sources file pointing at
// it, a test clock the bot's scheduler and poller read (moved forward only), and waits on
// conditions with deadlines; and the scenario steps the Discord and Slack runs share.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { startBot } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';
import type { RssItem } from '../support/feed-server.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';
import { treatyPage, treatyRows } from '../../src/demo/tracker-fixtures.ts';

export const FEED_ID = 'watch';
export const FEED_PATH = '/watch.xml';
/** A second feed, served but not in the sources file: what an admin adds with /feeds add. */
export const EXTRA_PATH = '/extra.xml';

const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

/** What the feed publishes at first; each title is tagged with one theme by the shipped rules. */
export const BASE_ITEMS: RssItem[] = [
  {
    guid: 'b1',
    title: 'Government orders internet shutdown in the capital',
    link: 'https://watch.example/b1',
    description: 'Mobile data cut for the third day.',
    date: hoursAgo(2),
  },
  {
    guid: 'b2',
    title: 'Encryption backdoor bill advances in parliament',
    link: 'https://watch.example/b2',
    description: 'The bill would require scanning of messages.',
    date: hoursAgo(3),
  },
  {
    guid: 'b3',
    title: 'New web standard for accessibility published',
    link: 'https://watch.example/b3',
    description: 'A recommendation from the working group.',
    date: hoursAgo(5),
  },
];

export function newItem(guid: string, title: string): RssItem {
  return { guid, title, link: `https://watch.example/${guid}`, description: 'Just in.', date: hoursAgo(0.1) };
}

export interface FeedWorld {
  server: FeedServer;
  sourcesPath: string;
  /** feeds/events.yaml of this world: one meeting 40 days ahead (outside every digest's agenda). */
  eventsPath: string;
  /** Publish these items (newest first) in the watched feed. */
  publish(items: RssItem[]): void;
}

/** A feed server on 127.0.0.1 and an operator sources file naming its feed. */
export async function startFeedWorld(dir: string): Promise<FeedWorld> {
  const server = await startFeedServer({
    [FEED_PATH]: rssRoute('Watch Feed', BASE_ITEMS),
    [EXTRA_PATH]: rssRoute('Extra Feed', [newItem('x1', 'Extra feed first post')]),
  });
  const sourcesPath = join(dir, 'sources.yaml');
  writeFileSync(
    sourcesPath,
    `sources:\n  - id: ${FEED_ID}\n    name: Watch Feed\n    url: ${server.url(FEED_PATH)}\n    kind: rights\n    language: en\n`,
  );
  const eventsPath = join(dir, 'events.yaml');
  const start = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(
    eventsPath,
    `events:\n  - {id: wta, name: World Test Assembly, organiser: ITU, start: ${start}, end: ${start}, ` +
      `timezone: Europe/Zurich, place: Geneva, url: "https://itu.example/wta", themes: [standards]}\n`,
  );
  publishTreaty({ server }, 39);
  return {
    server,
    sourcesPath,
    eventsPath,
    publish: (items) => server.set(FEED_PATH, rssRoute('Watch Feed', items)),
  };
}

/** The UN Treaty Collection status page of the Convention against Cybercrime, served by the world. */
export const TREATY_PATH = '/Pages/ViewDetails.aspx';

/** 72 signatories, `parties` of them ratified on consecutive days from 5 January 2026 (the 40th: 13 February). */
export function publishTreaty(world: Pick<FeedWorld, 'server'>, parties: number): void {
  world.server.set(TREATY_PATH, {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: treatyPage(treatyRows(72, parties, '2026-01-05')),
    etag: true,
  });
}

/** What the 40th ratification notice says (40th on 2026-02-13, in force 90 days later). */
export const ENTRY_INTO_FORCE = '40th ratification (Country 40, 2026-02-13): enters into force on 2026-05-14';

/** The bot's clock: starts at real time and only moves forward. */
export class TestClock {
  private t = Date.now();
  readonly now = (): Date => new Date(this.t);
  get ms(): number {
    return this.t;
  }
  /** Move to `ms` unless that is in the past. */
  moveTo(ms: number): void {
    this.t = Math.max(this.t, ms);
  }
}

/**
 * A daily digest hour (UTC) half a day from now: the subscription is stamped with the real
 * clock and earlier tests move the test clock on by minutes to hours, so a fixed hour (say
 * 08:00) made the digest tests fail when the suite ran shortly before it.
 */
export const DIGEST_HOUR = (new Date().getUTCHours() + 12) % 24;
export const DIGEST_TIME = `${String(DIGEST_HOUR).padStart(2, '0')}:00`;

/** The first whole hour `hour`:00 UTC strictly after `afterMs`. */
export function nextUtcHour(hour: number, afterMs: number): number {
  const d = new Date(afterMs);
  let at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  while (at <= afterMs) at += 86_400_000;
  return at;
}

/**
 * One poll, as the heartbeat would run it once the watched feed is due: the clock moves to
 * the feed's next check, then the poll runs and the outbox worker delivers what it enqueued.
 */
export async function pollOnce(bot: Bot, clock: TestClock): Promise<void> {
  const feed = await bot.store.getFeed(FEED_ID);
  const next = feed?.state.nextCheckAt ? Date.parse(feed.state.nextCheckAt) : clock.ms;
  clock.moveTo(next + 1_000);
  const outcome = await bot.scheduler.runPoll();
  if (outcome !== 'ran') throw new Error(`poll did not run: ${outcome}`);
  await deliverAll(bot);
}

/** Run outbox rounds until nothing is claimed; returns how many entries were sent. */
export async function deliverAll(bot: Bot): Promise<number> {
  let sent = 0;
  for (let round = 0; round < 20; round++) {
    const r = await bot.worker.runOnce();
    sent += r.sent;
    if (r.claimed === 0) return sent;
  }
  throw new Error('the outbox did not drain in 20 rounds');
}

export async function until<T>(
  what: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The settings every e2e bot shares: archive and sources in `dir`, first poll counted as news. */
export function worldEnv(dir: string, world: FeedWorld, replicaId: string): Record<string, string> {
  return {
    GOVWATCH_DB: join(dir, 'govwatch.db'),
    GOVWATCH_SOURCES: world.sourcesPath,
    GOVWATCH_REPLICA_ID: replicaId,
    // Trackers on, every source pointed at the world's server: nothing reaches a real host.
    GOVWATCH_TRACKERS: 'on',
    GOVWATCH_DATATRACKER_API_URL: world.server.baseUrl,
    GOVWATCH_UNTC_URL: world.server.baseUrl,
    GOVWATCH_ICANN_URL: world.server.baseUrl,
    GOVWATCH_EU_HAVEYOURSAY_URL: world.server.baseUrl,
    GOVWATCH_EVENTS: world.eventsPath,
    // A tracked process is checked again at the next feed poll.
    GOVWATCH_TRACKER_POLL_MINUTES: '15',
    // The feed's first poll counts as news (not only backlog), so digests have something to show.
    GOVWATCH_NEW_ON_FIRST_POLL: String(BASE_ITEMS.length),
  };
}

/** The first poll archives the operator feed served on 127.0.0.1, without error. */
export async function expectFirstPollArchivesFeed(
  bot: Bot,
  clock: TestClock,
  platform: string,
): Promise<void> {
  expect(bot.platforms).toContain(platform);
  await pollOnce(bot, clock);
  expect(await bot.store.countItems()).toBe(BASE_ITEMS.length);
  expect((await bot.store.getFeed(FEED_ID))!.state.lastError).toBeNull();
}

/** Feed URLs an admin may not add while the private-address guard is on. */
export const GUARDED_FEED_URLS: [string, (world: FeedWorld) => string][] = [
  ['the feed server itself (loopback)', (world) => world.server.url(EXTRA_PATH)],
  ['a private network address', () => 'http://10.0.0.1/feed'],
];

/** The watched feed now serves a hostile title and a shutdown news item. */
export function publishHostileAndNews(world: FeedWorld, hostileTitle: string): void {
  world.publish([
    newItem('h1', hostileTitle),
    newItem('n1', 'Regional internet shutdown ordered before the vote'),
  ]);
}

/**
 * A bot with its own heartbeat and outbox loop (no test seams) on the fresh archive of `config`,
 * which holds one shutdowns alert subscription for `target`: it polls at start and posts both
 * shutdown alerts of the feed. `postedCount` reads the channel; returns its count before.
 */
export async function runLiveBotWithAlertSubscription(
  config: Config,
  target: Target,
  postedCount: () => number,
): Promise<number> {
  const setup = await openStore(config);
  await setup.addSubscription({
    target,
    filter: { themes: ['shutdowns'], regions: [], sources: [], keywords: [] },
    mode: 'alert',
    cron: null,
    timezone: 'UTC',
    createdBy: 'operator',
  });
  await setup.close();
  const before = postedCount();
  const live = await startBot(config, silentLogger());
  try {
    // The feed now serves two shutdown items (h1, n1), both news on this archive's first poll.
    await until('both alerts in the channel', () => postedCount() === before + 2, 15_000);
    // The platform has the message a moment before the outbox records it as sent.
    const sent = await until('both recorded as sent', async () => {
      const done = await live.store.listOutbox({ status: 'sent' });
      return done.length === 2 && done;
    });
    expect(sent.map((e) => e.kind)).toEqual(['alert', 'alert']);
  } finally {
    await live.stop();
  }
  return before;
}
