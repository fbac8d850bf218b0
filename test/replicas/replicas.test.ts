// Three govwatch replicas (child processes, test/support/replica-runner.ts) on one PostgreSQL
// database, 200 local feeds that grow while the test runs, and the Discord stand-in with 30
// digest channels and 2 alert channels. One replica is SIGKILLed while it holds feed leases
// (and, when the timing allows, outbox rows it is sending). At the end:
// - every item is stored exactly once (per feed: no repeated guid; the stored guids are
//   exactly the feed's final content, shared items and a repost under a new guid included);
// - every feed was polled (the server saw it; lastSuccessAt after the content froze), and
//   no feed is still leased to the dead replica;
// - every digest and alert in the outbox was delivered, each exactly once (the stand-in holds
//   each message part once, by nonce, and nothing else), none stuck in 'sending', and rows
//   the dead replica was sending were completed by another replica;
// - schedules did not run twice: no item leads stories in two digests of one channel.
//
// Skipped, with a message, without GOVWATCH_TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOutboundMessage } from '../../src/delivery/worker.ts';
import type { Digest } from '../../src/digest/types.ts';
import { EMPTY_FILTER } from '../../src/digest/filter.ts';
import type { FeedSource, Target } from '../../src/model.ts';
import { targetKey } from '../../src/model.ts';
import { nonceFor, renderOutbound } from '../../src/platforms/discord/sender.ts';
import { openStore } from '../../src/store/index.ts';
import type { DiscordStandin } from '../support/discord-standin/index.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';
import type { GeneratedItem, MultiPortFeedServer, Replica, ScratchDatabase } from '../support/replicas.ts';
import {
  createScratchDatabase,
  rssDocument,
  startFeedServers,
  startReplica,
  stopReplica,
  waitFor,
} from '../support/replicas.ts';

const PG_URL = process.env.GOVWATCH_TEST_DATABASE_URL ?? '';
if (!PG_URL) {
  console.warn(
    'replica test skipped: set GOVWATCH_TEST_DATABASE_URL=postgres://user@host:5432/db (a server where ' +
      'the user may CREATE DATABASE) to run three replicas on PostgreSQL',
  );
}

const FEEDS = 200;
const PORTS = 10;
const DIGEST_CHANNELS = 30;
const ALERT_CHANNELS = 2;
const GUILD = '400000000000000001';
/** Feeds grow at steps of STEP_MS until the content freezes at FREEZE_MS (8 steps). */
const STEP_MS = 1_500;
const FREEZE_MS = 12_000;
/** Scheduler clock speed: cron `* * * * *` gives a digest slot every 60/15 = 4 s. */
const CLOCK_SPEED = 15;
const ALERT_WORD = 'quantum';
const TOPICS = [
  'IETF working group publishes draft on encrypted DNS',
  'Court rules on bulk data retention by telecom operators',
  'ITU study group debates numbering resources',
  'Rights group documents regional internet shutdown',
  'W3C revises accessibility guidelines for web apps',
  'Regulator fines platform over privacy breach',
  'Parliament votes on age verification for online services',
  'Standards body opens consultation on digital identity',
];

const channelIds = Array.from({ length: DIGEST_CHANNELS + ALERT_CHANNELS }, (_, k) =>
  String(410000000000000000n + BigInt(k)),
);
const digestChannels = channelIds.slice(0, DIGEST_CHANNELS);
const alertChannels = channelIds.slice(DIGEST_CHANNELS);
const targetOf = (channelId: string): Target => ({
  platform: 'discord',
  channelId,
  workspaceId: GUILD,
  kind: 'channel',
});

/**
 * Feed k's items at `elapsed` ms into the run: own items (one at first, one more every fourth
 * step, a quarter of the feeds growing at each step), the stories it shares with its pair
 * feed (same guid and URL in both), and a repost of its first item's link under another guid
 * (its own item: these feeds' guids are trusted, so they are the identity, not the link).
 */
function feedItems(k: number, elapsed: number): GeneratedItem[] {
  const steps = Math.max(0, Math.floor(Math.min(elapsed, FREEZE_MS) / STEP_MS));
  const firstGrowth = 1 + (k % 4);
  const own = 1 + (steps >= firstGrowth ? 1 + Math.floor((steps - firstGrowth) / 4) : 0);
  const base = Date.UTC(2026, 10, 26, 6, 0, 0);
  const items: GeneratedItem[] = [];
  for (let i = own - 1; i >= 0; i--) {
    // The new items of feeds 0–7 carry the alert word.
    const alert = k < 8 && i > 0 ? ` ${ALERT_WORD} ` : ' ';
    items.push({
      guid: `f${k}-${i}`,
      url: `http://news.test/f${k}/${i}`,
      title: `${TOPICS[(k + i) % TOPICS.length]}${alert}(report ${k}-${i})`,
      published: new Date(base + i * 60_000),
    });
  }
  const pair = k >> 1;
  const shared = steps >= 2 + (pair % 4) ? 2 : 1;
  for (let s = 0; s < shared; s++) {
    items.push({
      guid: `pair${pair}-${s}`,
      url: `http://news.test/pair${pair}/${s}`,
      title: `${TOPICS[(pair + s + 3) % TOPICS.length]} (joint story ${pair}-${s})`,
      published: new Date(base - (s + 1) * 30_000),
    });
  }
  items.push({
    guid: `f${k}-repost`,
    url: `http://news.test/f${k}/0`,
    title: `${TOPICS[k % TOPICS.length]} (repost ${k})`,
    published: new Date(base - 3_600_000),
  });
  return items;
}

describe.skipIf(!PG_URL)('three replicas on one PostgreSQL', () => {
  let db: ScratchDatabase;
  let feeds: MultiPortFeedServer;
  let standin: DiscordStandin;
  let replicas: Replica[] = [];
  /** Set when the replicas are ready: feeds start growing from here. */
  let growthStart = 0;

  beforeAll(async () => {
    db = await createScratchDatabase(PG_URL);
    feeds = await startFeedServers(FEEDS, PORTS, (k, req, res) => {
      const elapsed = growthStart ? Date.now() - growthStart : 0;
      const items = feedItems(k, elapsed);
      // An ETag per content version (content only grows): unchanged feeds answer 304.
      const etag = `"${k}-${items.length}"`;
      const answer = (): void => {
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        const body = rssDocument(`Feed ${k}`, items);
        res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body);
      };
      // Answers take a while, so feed leases are held most of the time (the kill lands mid-poll).
      setTimeout(answer, 60 + (k % 5) * 20);
    });
    standin = await startDiscordStandin({
      guilds: [{ id: GUILD, name: 'replicas', channels: channelIds.map((id, k) => ({ id, name: `c${k}` })) }],
      // Slow answers keep sends in flight, so the kill can land between a send and its record.
      latencyMs: 120,
    });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => stopReplica(r, 2_000)));
    await standin?.close();
    await feeds?.close();
    await db?.drop();
  }, 30_000);

  it(
    'store each item once, poll every feed and deliver each digest and alert once across a SIGKILL',
    { timeout: 90_000 },
    async () => {
      // Archive, feeds and subscriptions, as an operator would set them up before starting.
      const setup = await openStore({ dbPath: ':memory:', databaseUrl: db.url });
      const sources: FeedSource[] = Array.from({ length: FEEDS }, (_, k) => ({
        id: `feed-${String(k).padStart(3, '0')}`,
        name: `Feed ${k}`,
        url: feeds.urlOf(k),
        kind: 'standards',
        language: 'en',
        origin: 'operator',
      }));
      await setup.upsertFeeds(sources);
      for (const id of digestChannels) {
        await setup.addSubscription({
          target: targetOf(id),
          filter: EMPTY_FILTER,
          mode: 'digest',
          cron: '* * * * *',
          timezone: 'UTC',
          createdBy: 'test',
        });
      }
      for (const id of alertChannels) {
        await setup.addSubscription({
          target: targetOf(id),
          filter: { ...EMPTY_FILTER, keywords: [ALERT_WORD] },
          mode: 'alert',
          cron: null,
          timezone: 'UTC',
          createdBy: 'test',
        });
      }
      await setup.close();

      const env = {
        DATABASE_URL: db.url,
        DISCORD_TOKEN: standin.token,
        DISCORD_APP_ID: standin.appId,
        DISCORD_API_URL: standin.apiUrl,
        GW_POLL_EVERY_MS: '200',
        GW_FEED_INTERVAL_MS: '1000',
        GW_FEED_LEASE_MS: '2000',
        GW_OUTBOX_LEASE_MS: '2000',
        GW_DIGEST_EVERY_MS: '250',
        GW_DIGEST_LOCK_MS: '15000',
        GW_DIGEST_CAP: '5',
        GW_CLOCK_ORIGIN: String(Date.now()),
        GW_CLOCK_SPEED: String(CLOCK_SPEED),
      };
      const t0 = Date.now();
      const phases: string[] = [];
      const phase = (name: string): void => {
        phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      };
      replicas = ['r0', 'r1', 'r2'].map((id) => startReplica(id, env));
      await Promise.all(replicas.map((r) => r.ready));
      phase('ready');
      const q = async <T extends Record<string, unknown>>(
        sql: string,
        params: unknown[] = [],
      ): Promise<T[]> => (await db.client.query<T>(sql, params)).rows;
      const count = async (sql: string, params: unknown[] = []): Promise<number> =>
        (await q<{ n: number }>(sql, params))[0]?.n ?? 0;
      // Feeds grow only once every channel has had its first digest run. A first digest (no
      // mark yet) selects items by first-seen time against the slot's period, which on the
      // scaled clock lies ahead of the real clock; later digests go by the mark alone.
      await waitFor(
        'a first digest run for every channel',
        async () => (await count('SELECT count(*)::int AS n FROM digest_marks')) === DIGEST_CHANNELS,
        { timeoutMs: 30_000, everyMs: 100 },
      );
      growthStart = Date.now();
      phase('first digests');
      const freezeAt = new Date(growthStart + FREEZE_MS).toISOString();

      // Kill r0 once it holds feed leases and outbox rows in 'sending' at the same time (or,
      // failing that before the content freezes, whatever it holds then).
      const victim = replicas[0]!;
      const held = await waitFor(
        'r0 to hold feed leases',
        async () => {
          const leases = await count(
            `SELECT count(*)::int AS n FROM feeds WHERE lease_owner = 'r0' AND lease_until > $1`,
            [new Date().toISOString()],
          );
          const sending = await count(
            `SELECT count(*)::int AS n FROM outbox WHERE claimed_by = 'r0' AND status = 'sending'`,
          );
          const late = Date.now() > growthStart + FREEZE_MS - 1_500;
          const early = Date.now() < growthStart + 3_000;
          return !early && leases > 0 && (sending > 0 || late) ? { leases, sending } : null;
        },
        { timeoutMs: FREEZE_MS + 10_000, everyMs: 10 },
      );
      victim.proc.kill('SIGKILL');
      await victim.exited;
      const feedsHeld = (await q<{ id: string }>(`SELECT id FROM feeds WHERE lease_owner = 'r0'`)).map(
        (r) => r.id,
      );
      const rowsHeld = (
        await q<{ id: number }>(`SELECT id FROM outbox WHERE claimed_by = 'r0' AND status = 'sending'`)
      ).map((r) => r.id);
      const killedAfterMs = Date.now() - growthStart;
      phase('killed');

      // Convergence: every feed polled after the freeze, every digest channel's mark past the
      // last item, nothing left to send.
      await waitFor(
        'every feed polled after the content froze',
        async () =>
          (await count(`SELECT count(*)::int AS n FROM feeds WHERE last_success_at > $1`, [freezeAt])) ===
          FEEDS,
        { timeoutMs: 30_000, everyMs: 200 },
      );
      phase('all polled after freeze');
      const lastItem = await count('SELECT max(id)::int AS n FROM items');
      await waitFor(
        'every digest channel past the last item',
        async () =>
          (await count(`SELECT count(*)::int AS n FROM digest_marks WHERE last_item_id >= $1`, [
            lastItem,
          ])) === DIGEST_CHANNELS,
        { timeoutMs: 40_000, everyMs: 200 },
      );
      phase('digests past last item');
      await waitFor(
        'the outbox to drain',
        async () =>
          (await count(`SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'sending')`)) === 0,
        { timeoutMs: 30_000, everyMs: 200 },
      );
      phase('outbox drained');
      await Promise.all(replicas.slice(1).map((r) => stopReplica(r)));
      phase('stopped');
      for (const r of replicas.slice(1)) expect(r.proc.exitCode, r.stderr()).toBe(0);

      // Items: each once, and exactly the feeds' final content.
      expect(
        await count(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM items GROUP BY feed_id, guid HAVING count(*) > 1) d`,
        ),
      ).toBe(0);
      const stored = await q<{ feed_id: string; url: string; guid: string }>(
        'SELECT feed_id, url, guid FROM items',
      );
      const storedByFeed = new Map<string, Set<string>>();
      for (const r of stored) {
        const set = storedByFeed.get(r.feed_id) ?? new Set<string>();
        set.add(r.guid);
        storedByFeed.set(r.feed_id, set);
      }
      let expectedTotal = 0;
      for (let k = 0; k < FEEDS; k++) {
        const finalGuids = new Set(feedItems(k, FREEZE_MS).map((i) => i.guid));
        expectedTotal += finalGuids.size;
        expect([...(storedByFeed.get(sources[k]!.id) ?? [])].sort(), `feed ${k}`).toEqual(
          [...finalGuids].sort(),
        );
      }
      expect(stored).toHaveLength(expectedTotal);

      // Feeds: every one requested and recorded as polled; nothing still leased to the dead replica.
      expect(feeds.hits.filter((n) => n === 0)).toHaveLength(0);
      expect(await count('SELECT count(*)::int AS n FROM feeds WHERE last_success_at IS NULL')).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM feeds WHERE lease_owner = 'r0'`)).toBe(0);

      // Outbox: every row sent, none by the dead replica left behind.
      const outbox = await q<{
        id: number;
        key: string;
        kind: string;
        status: string;
        claimed_by: string | null;
        target: Target;
        payload: unknown;
        sent_refs: string[];
      }>('SELECT id, key, kind, status, claimed_by, target, payload, sent_refs FROM outbox ORDER BY id');
      expect(outbox.filter((r) => r.status !== 'sent').map((r) => `${r.key}: ${r.status}`)).toEqual([]);
      for (const id of rowsHeld) {
        const row = outbox.find((r) => r.id === id)!;
        expect(row.status).toBe('sent');
        expect(row.claimed_by).not.toBe('r0');
      }

      // Delivery: each channel holds exactly the parts of its outbox rows, each once.
      const expectedNonces = new Map<string, string[]>();
      const leadsByChannel = new Map<string, number[]>();
      for (const row of outbox) {
        const message = toOutboundMessage(row.payload);
        expect(message, row.key).not.toBeNull();
        const parts = renderOutbound(message!).length;
        expect(row.sent_refs).toHaveLength(parts);
        const list = expectedNonces.get(row.target.channelId) ?? [];
        for (let i = 0; i < parts; i++) list.push(nonceFor(row.key, i));
        expectedNonces.set(row.target.channelId, list);
        if (message!.kind === 'digest') {
          const leads = leadsByChannel.get(row.target.channelId) ?? [];
          for (const section of (message as { digest: Digest }).digest.sections)
            for (const entry of section.entries) leads.push(entry.item.id);
          leadsByChannel.set(row.target.channelId, leads);
        }
      }
      for (const id of channelIds) {
        const got = (standin.messages.get(id) ?? []).map((m) => m.nonce ?? '(no nonce)').sort();
        expect(got, `channel ${id}`).toEqual([...(expectedNonces.get(id) ?? [])].sort());
      }
      // Every digest channel got digests (items kept arriving for several slots).
      const digestsPerChannel = digestChannels.map(
        (id) => outbox.filter((r) => r.kind === 'digest' && r.target.channelId === id).length,
      );
      // Every digest channel got digests, and slots after the first were exercised (how many
      // each channel gets depends on how fast the machine polls; items arrive for 12 s).
      expect(
        Math.min(...digestsPerChannel),
        `digests per channel ${digestsPerChannel.join(',')}`,
      ).toBeGreaterThanOrEqual(1);
      expect(Math.max(...digestsPerChannel)).toBeGreaterThanOrEqual(2);
      expect(outbox.filter((r) => r.kind === 'digest')).toHaveLength(
        digestsPerChannel.reduce((a, b) => a + b, 0),
      );
      // Schedules not run twice: an item leads a story in at most one digest per channel, and
      // each channel's digests are for distinct slots (the key ends in the slot).
      for (const [id, leads] of leadsByChannel)
        expect(new Set(leads).size, `channel ${id}`).toBe(leads.length);
      for (const id of digestChannels) {
        const prefix = `digest:${targetKey(targetOf(id))}:`;
        const slots = outbox.filter((r) => r.key.startsWith(prefix)).map((r) => r.key.slice(prefix.length));
        expect(new Set(slots).size).toBe(slots.length);
      }

      // Alerts: each alertable item with the word went to each alert channel once. An item
      // the dead replica stored just before the kill may lack its alert (post-processing is
      // not in the items' transaction): only those feeds are excused.
      const alertItems = await q<{ id: number; feed_id: string }>(
        `SELECT id, feed_id FROM items WHERE alertable AND title ILIKE $1`,
        [`%${ALERT_WORD}%`],
      );
      expect(alertItems.length).toBeGreaterThan(0);
      for (const id of alertChannels) {
        const keys = new Set(
          outbox.filter((r) => r.kind === 'alert' && r.target.channelId === id).map((r) => r.key),
        );
        const missing = alertItems.filter((i) => !keys.has(`alert:${targetKey(targetOf(id))}:${i.id}`));
        expect(missing.filter((i) => !feedsHeld.includes(i.feed_id))).toEqual([]);
      }

      console.log(
        `replicas: r0 killed ${(killedAfterMs / 1000).toFixed(1)} s in, holding ${held.leases} feed lease(s) ` +
          `and ${held.sending} outbox row(s) in sending (${rowsHeld.length} still at death); ` +
          `${stored.length} items, ${feeds.hits.reduce((a, b) => a + b, 0)} feed requests, ` +
          `${outbox.filter((r) => r.kind === 'digest').length} digests (per channel ${digestsPerChannel.join(',')}) and ` +
          `${outbox.filter((r) => r.kind === 'alert').length} alerts delivered; ` +
          `${standin.nonceReplays} re-send(s) answered from the nonce; ${phases.join(', ')}`,
      );
    },
  );
});
