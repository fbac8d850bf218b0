// /trends on Discord through the real discord.js and the stand-in: the reply is deferred
// publicly first (rendering may be slow), then the chart arrives as a PNG attachment
// (multipart files[0]) shown by the embed's attachment://trends.png; bad options get an
// ephemeral explanation (and the public placeholder is removed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.ts';
import type { InteractionRecord, StoredMessage } from '../../support/discord-standin/index.ts';
import { pngDimensions } from '../../support/multipart.ts';
import { TREND_FEED, seedTrendItems } from '../../support/trend-items.ts';
import type { BotOnStandin } from './helpers.ts';
import { startBotOnStandin, textOf } from './helpers.ts';

const STRING = 3;
const str = (name: string, value: string) => ({ name, type: STRING, value });

function expectChart(m: StoredMessage | null | undefined): void {
  expect(m).toBeTruthy();
  expect(m!.attachments).toHaveLength(1);
  const a = m!.attachments[0]!;
  expect(a.filename).toBe('trends.png');
  expect(a.data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const size = pngDimensions(a.data)!;
  expect(size.width).toBeGreaterThanOrEqual(1200);
  expect(size.height).toBeGreaterThanOrEqual(600);
  expect(a.description).toMatch(/^Line chart/);
  // The embed shows the uploaded file (attachment://trends.png resolved by Discord).
  expect((m!.embeds[0]!.image as { url: string }).url).toBe(a.url);
  expect(m!.flags & 64).toBe(0);
}

describe('/trends on Discord', () => {
  let running: BotOnStandin;
  let counts: Record<string, number>;

  beforeAll(async () => {
    running = await startBotOnStandin({
      commands: allCommands,
      tmpPrefix: 'gw-discord-trends-',
      feeds: [TREND_FEED],
      seed: async (s) => {
        counts = await seedTrendItems(s);
      },
    });
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
  });

  const answer = async (bot: BotOnStandin, p: Promise<InteractionRecord>) =>
    bot.standin.waitForAnswer(await p, 15_000);

  it('posts the chart in the channel as a PNG attachment shown in an embed', async () => {
    const rec = await answer(running, running.standin.command('trends', [str('period', '90d')]));
    // Deferred publicly at once, then the deferred reply is edited with the file.
    expect(rec.callback?.type).toBe(5);
    expect(Number(rec.callback?.data?.flags ?? 0) & 64).toBe(0);
    expect(rec.edits).toBeGreaterThan(0);
    const m = rec.original;
    expectChart(m);
    expect(m!.embeds[0]!.title).toMatch(/Stories per week by theme/);
    expect(String(m!.embeds[0]!.description)).toContain(`censorship ${counts.censorship}`);
    // Public: the message is in the channel for everyone.
    const channel = running.standin.messages.get(running.standin.guilds[0]!.channels[0]!.id) ?? [];
    expect(channel).toContain(m);
    // It went as multipart: the request carried the file.
    const sent = running.standin.requests.filter((r) => r.files?.length);
    expect(sent.at(-1)!.files![0]!.filename).toBe('trends.png');
  }, 30_000);

  it('one theme named: one line per region, by day', async () => {
    const rec = await answer(
      running,
      running.standin.command('trends', [str('theme', 'censorship'), str('by', 'day'), str('period', '30d')]),
    );
    expectChart(rec.original);
    // One theme named: one line per region.
    expect(rec.original!.embeds[0]!.title).toMatch(/Stories per day by region: censorship/);
  }, 30_000);

  it.each([
    [[str('theme', 'astrology')], /unknown theme "astrology"/],
    [[str('period', 'forever')], /period "forever" is not like 90d/],
    [[str('region', 'Russia')], /not a region/],
    [[str('source', 'nope')], /no source "nope"/],
  ])('bad options get an ephemeral explanation (%#)', async (options, problem) => {
    const rec = await answer(running, running.standin.command('trends', options));
    expectPrivateAnswer(rec, problem);
    expect(textOf(rec)).toContain('/trends');
  });

  it('a filter that matches nothing says so, privately, without a chart', async () => {
    const rec = await answer(running, running.standin.command('trends', [str('region', 'JP')]));
    expectPrivateAnswer(rec, /No stories match/);
  });

  /** The public placeholder is deleted; the answer is an ephemeral follow-up with no file. */
  function expectPrivateAnswer(rec: InteractionRecord, text: RegExp): void {
    expect(rec.originalDeleted).toBe(true);
    expect(rec.followups).toHaveLength(1);
    expect(rec.followups[0]!.flags & 64).toBe(64);
    expect(rec.followups[0]!.attachments).toHaveLength(0);
    expect(textOf(rec)).toMatch(text);
    const channel = running.standin.messages.get(running.standin.guilds[0]!.channels[0]!.id) ?? [];
    expect(channel).not.toContain(rec.original);
  }
});
