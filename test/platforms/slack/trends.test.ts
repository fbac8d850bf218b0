// /govwatch-trends through the real Bolt App and the Slack stand-in: the chart is shared into
// the channel by the external upload flow (files.getUploadURLExternal → POST to the upload URL
// → files.completeUploadExternal with channel_id); without files:write, or in a channel the bot
// is not in, the answer is a sparkline table in the channel that says why; bad options are
// answered privately in the acknowledgement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.ts';
import { pngDimensions } from '../../support/multipart.ts';
import type { ResponseRecord } from '../../support/slack-standin/index.ts';
import { analyzeMrkdwn, mrkdwnTexts } from '../../support/slack-standin/index.ts';
import { TREND_FEED, seedTrendItems } from '../../support/trend-items.ts';
import { GENERAL, MEMBER, runSlack } from './helpers.ts';
import type { Running } from './helpers.ts';

const OUTSIDE = 'COUTSIDE01';

async function start(filesWrite: boolean): Promise<{ r: Running; counts: Record<string, number> }> {
  const r = await runSlack('socket', allCommands, {}, { filesWrite });
  r.standin.addChannel({ id: OUTSIDE, name: 'outside', botIsMember: false });
  await r.store.upsertFeeds([TREND_FEED]);
  return { r, counts: await seedTrendItems(r.store) };
}

async function run(r: Running, text: string, channelId = GENERAL): Promise<ResponseRecord | undefined> {
  const { responseUrlId, ack } = await r.standin.slashCommand({
    command: '/govwatch-trends',
    text,
    userId: MEMBER,
    channelId,
  });
  if (ack?.blocks) return r.standin.responsesFor(responseUrlId)[0];
  return (await r.standin.waitForResponses(responseUrlId, 1, 15_000).catch(() => []))[0];
}

const shown = (resp: ResponseRecord | undefined): string =>
  mrkdwnTexts(resp?.body.blocks)
    .map((t) => analyzeMrkdwn(t).visible)
    .join('\n');

async function until<T>(f: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('/govwatch-trends on Slack with files:write', () => {
  let r: Running;
  let counts: Record<string, number>;
  beforeAll(async () => ({ r, counts } = await start(true)), 30_000);
  afterAll(async () => r?.stop());

  it('shares the PNG chart into the channel through the external upload flow', async () => {
    const { responseUrlId } = await r.standin.slashCommand({
      command: '/govwatch-trends',
      text: 'period:90d by:week',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const file = await until(() => r.standin.files[0]);
    expect(file.channel).toBe(GENERAL);
    expect(file.filename).toBe('trends.png');
    expect(file.data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const size = pngDimensions(file.data)!;
    expect(size.width).toBeGreaterThanOrEqual(1200);
    expect(size.height).toBeGreaterThanOrEqual(600);
    expect(file.title).toMatch(/Stories per week by theme/);
    expect(file.altText).toMatch(/^Line chart/);
    expect(file.initialComment).toContain(`censorship ${counts.censorship}`);
    const methods = r.standin.calls.map((c) => c.method);
    expect(methods).toContain('files.getUploadURLExternal');
    expect(methods).toContain('files.completeUploadExternal');
    expect(methods).not.toContain('files.upload');
    // The chart is the answer: no text fallback was posted.
    await new Promise((res) => setTimeout(res, 200));
    expect(r.standin.responsesFor(responseUrlId)).toEqual([]);
  }, 30_000);

  it('in a channel the bot is not in, falls back to the sparkline table and says why', async () => {
    const resp = await run(r, 'theme:censorship', OUTSIDE);
    expect(resp?.body.response_type).toBe('in_channel');
    const text = shown(resp);
    expect(text).toContain('not a member of this conversation');
    expect(text).toMatch(/RU\s+[▁▂▃▄▅▆▇█ ]+ \d+/);
    expect(r.standin.calls.filter((c) => c.method === 'files.completeUploadExternal').at(-1)?.error).toBe(
      'not_in_channel',
    );
  }, 30_000);

  it.each([
    ['theme:astrology', /unknown theme "astrology"/],
    ['period:forever', /period "forever" is not like 90d/],
    ['by:month', /by/],
  ])('%s is answered privately with the reason', async (text, problem) => {
    const before = r.standin.files.length;
    const resp = await run(r, text);
    expect(resp?.body.response_type).toBe('ephemeral');
    expect(shown(resp)).toMatch(problem);
    expect(r.standin.files.length).toBe(before);
  });
});

describe('/govwatch-trends on Slack without files:write', () => {
  let r: Running;
  let counts: Record<string, number>;
  beforeAll(async () => ({ r, counts } = await start(false)), 30_000);
  afterAll(async () => r?.stop());

  it('posts a sparkline table per series with totals in the channel and names the missing scope', async () => {
    const resp = await run(r, 'period:90d');
    expect(resp?.body.response_type).toBe('in_channel');
    const text = shown(resp);
    expect(text).toContain('lacks the files:write scope');
    expect(text).toContain('Stories per week by theme');
    for (const [theme, n] of Object.entries(counts))
      expect(text).toMatch(new RegExp(`${theme}\\s+[▁▂▃▄▅▆▇█ ]+ ${n}\\b`));
    expect(r.standin.files).toEqual([]);
    expect(r.standin.calls.find((c) => c.method === 'files.getUploadURLExternal')?.error).toBe(
      'missing_scope',
    );
  }, 30_000);
});
