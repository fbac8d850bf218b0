// Shared pieces of the end-to-end tests: a local feed server with a sources file pointing at
// it, a test clock the bot's scheduler and poller read (moved forward only), and waits on
// conditions with deadlines.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bot } from '../../src/app.ts';
import type { RssItem } from '../support/feed-server.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';

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
  return {
    server,
    sourcesPath,
    publish: (items) => server.set(FEED_PATH, rssRoute('Watch Feed', items)),
  };
}

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
