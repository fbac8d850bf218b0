// The weekly digest's chart: a weekly schedule's digest carries the counts of its themes for
// the 7 days before the slot and the 8 weeks before that (a daily one carries none), and each
// platform delivers it: a PNG attachment in an embed on Discord (its text where Attach Files
// is missing), a file shared into the channel on Slack (the sparkline table without
// files:write), and on the terminal a line saying where the PNG was written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/delivery/types.ts';
import type { Digest } from '../../src/digest/types.ts';
import { silentLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { createConsoleSender } from '../../src/platforms/console/index.ts';
import { createDiscordRest, createDiscordSender } from '../../src/platforms/discord/index.ts';
import { createScheduler } from '../../src/scheduler.ts';
import type { Store } from '../../src/store/types.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';
import { pngDimensions } from '../support/multipart.ts';
import { analyzeMrkdwn, mrkdwnTexts } from '../support/slack-standin/index.ts';
import { TREND_FEED, seedTrendItems } from '../support/trend-items.ts';
import { GENERAL, runSlack } from '../platforms/slack/helpers.ts';
import { tempArchive, type TestArchive } from './helpers.ts';

const noFilter = { themes: [], regions: [], sources: [], keywords: [] };
const WEEKLY: Target = { platform: 'discord', channelId: 'weekly', workspaceId: 'g1', kind: 'channel' };
const DAILY: Target = { platform: 'discord', channelId: 'daily', workspaceId: 'g1', kind: 'channel' };

let archive: TestArchive;
let store: Store;
const digests = new Map<string, Digest>();

beforeAll(async () => {
  // Monday 2026-11-30, an hour before both digests' 08:00 slot.
  archive = tempArchive('2026-11-30T07:00:00Z');
  store = archive.open();
  await store.upsertFeeds([TREND_FEED]);
  await seedTrendItems(store, archive.clock.now);
  await store.addSubscription({
    target: WEEKLY,
    cron: '0 8 * * 1',
    timezone: 'UTC',
    filter: noFilter,
    mode: 'digest',
    createdBy: 't',
  });
  await store.addSubscription({
    target: DAILY,
    cron: '0 8 * * *',
    timezone: 'UTC',
    filter: noFilter,
    mode: 'digest',
    createdBy: 't',
  });
  archive.clock.now = new Date('2026-11-30T08:01:00Z');
  const scheduler = createScheduler({ store, now: () => archive.clock.now });
  await scheduler.tick();
  for (const e of await store.listOutbox()) {
    const payload = e.payload as OutboundMessage;
    if (payload.kind === 'digest') digests.set(e.target.channelId, payload.digest);
  }
}, 30_000);

afterAll(async () => {
  await store?.close();
  archive?.cleanup();
});

function weekly(): Digest {
  const d = digests.get('weekly');
  if (!d?.chart) throw new Error('the weekly digest has no chart');
  return d;
}

describe('the weekly digest chart', () => {
  it('counts each of the week’s themes for this week and the 8 before; the daily digest has none', () => {
    expect(digests.get('daily')).toBeDefined();
    expect(digests.get('daily')!.chart).toBeUndefined();
    const chart = weekly().chart!;
    expect(chart.buckets).toHaveLength(9);
    // Rolling weeks: the last one is the 7 days ending on the slot's day.
    expect(chart.buckets.at(-1)).toBe('2026-11-24');
    expect(chart.until).toBe('2026-11-30');
    const line = (name: string) => chart.series.find((s) => s.name === name)?.values;
    // seedTrendItems: censorship has 10 − w stories w weeks ago, shutdowns 3 a week, privacy 1 every third week.
    expect(line('censorship')).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(line('shutdowns')).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(line('privacy')).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
  });

  it('on Discord: a PNG attachment shown in an embed after the digest', async () => {
    const standin = await startDiscordStandin({ messagesPerChannel: { limit: 100, windowMs: 1_000 } });
    try {
      const sender = createDiscordSender({
        rest: createDiscordRest({ token: standin.token, apiUrl: standin.apiUrl }),
        logger: silentLogger(),
      });
      const channel = standin.guilds[0]!.channels[0]!.id;
      const target: Target = { ...WEEKLY, channelId: channel };
      await sender.send(target, { kind: 'digest', digest: weekly() }, { idempotencyKey: 'w1' });
      const posted = standin.messages.get(channel)!;
      const last = posted.at(-1)!;
      expect(posted.length).toBeGreaterThan(1);
      expect(last.attachments).toHaveLength(1);
      const png = last.attachments[0]!.data;
      expect(pngDimensions(png)).toEqual({ width: 1000, height: 500 });
      expect((last.embeds[0]!.image as { url: string }).url).toBe(last.attachments[0]!.url);
      expect(last.embeds[0]!.title).toContain("This week's themes against the 8 weeks before");
    } finally {
      await standin.close();
    }
  }, 30_000);

  it('on Discord without Attach Files: the digest is delivered and the chart follows as text', async () => {
    const standin = await startDiscordStandin({
      messagesPerChannel: { limit: 100, windowMs: 1_000 },
      attachFiles: false,
    });
    try {
      const sender = createDiscordSender({
        rest: createDiscordRest({ token: standin.token, apiUrl: standin.apiUrl }),
        logger: silentLogger(),
      });
      const channel = standin.guilds[0]!.channels[0]!.id;
      const ids = await sender.send(
        { ...WEEKLY, channelId: channel },
        { kind: 'digest', digest: weekly() },
        { idempotencyKey: 'w2' },
      );
      const posted = standin.messages.get(channel)!;
      expect(ids).toHaveLength(posted.length);
      const last = posted.at(-1)!;
      expect(last.attachments).toHaveLength(0);
      expect(last.content).toContain('Attach Files');
      expect(last.content).toMatch(/censorship\s+[▁▂▃▄▅▆▇█ ]+ 54/);
    } finally {
      await standin.close();
    }
  }, 30_000);

  it.each([true, false])(
    'on Slack (files:write %s): a shared PNG, or the sparkline table saying why',
    async (filesWrite) => {
      const r = await runSlack(
        'socket',
        [],
        { sender: { channelIntervalMs: 0 } },
        { filesWrite, postsPerSecondPerChannel: 1000, burst: 1000 },
      );
      try {
        const target: Target = {
          platform: 'slack',
          channelId: GENERAL,
          workspaceId: 'T0GOVWATCH',
          kind: 'channel',
        };
        await r.slack.sender.send(
          target,
          { kind: 'digest', digest: weekly() },
          { idempotencyKey: `s-${filesWrite}` },
        );
        const posts = r.standin.messagesIn(GENERAL);
        if (filesWrite) {
          expect(r.standin.files).toHaveLength(1);
          const f = r.standin.files[0]!;
          expect(f.channel).toBe(GENERAL);
          expect(pngDimensions(f.data)).toEqual({ width: 1000, height: 500 });
          expect(f.ts > posts.at(-1)!.ts).toBe(true);
        } else {
          expect(r.standin.files).toHaveLength(0);
          const text = mrkdwnTexts(posts.at(-1)!.blocks)
            .map((t) => analyzeMrkdwn(t).visible)
            .join('\n');
          expect(text).toContain('lacks the files:write scope');
          expect(text).toMatch(/shutdowns\s+[▁▂▃▄▅▆▇█ ]+ 27/);
        }
      } finally {
        await r.stop();
      }
    },
    30_000,
  );

  it('on the terminal: the PNG is written beside the archive and a line says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-digest-chart-'));
    try {
      const out: string[] = [];
      const sender = createConsoleSender((t) => out.push(t), 'UTC', join(dir, 'charts'));
      await sender.send(
        { ...WEEKLY, platform: 'console' },
        { kind: 'digest', digest: weekly() },
        { idempotencyKey: 't' },
      );
      const line = out
        .join('')
        .split('\n')
        .find((l) => l.startsWith('Chart of the week'))!;
      const file = line.slice(line.indexOf(': ') + 2);
      expect(file).toBe(join(dir, 'charts', 'digest-chart-2026-11-30.png'));
      expect(existsSync(file)).toBe(true);
      expect(pngDimensions(readFileSync(file))).toEqual({ width: 1000, height: 500 });
      // Without a folder (PostgreSQL archive): the sparkline table instead.
      const plain: string[] = [];
      await createConsoleSender((t) => plain.push(t), 'UTC').send(
        { ...WEEKLY, platform: 'console' },
        { kind: 'digest', digest: weekly() },
        { idempotencyKey: 't2' },
      );
      expect(plain.join('')).toMatch(/censorship\s+[▁▂▃▄▅▆▇█ ]+ 54/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
