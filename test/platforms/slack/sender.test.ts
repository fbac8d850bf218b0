// The Slack ChatSender against the stand-in: feed text arrives inert, long digests split within
// Slack's limits without losing an item, and Slack's failures map to the right SendError.
import { afterEach, describe, expect, it } from 'vitest';
import { SendError } from '../../../src/delivery/types.ts';
import type { Target } from '../../../src/model.ts';
import { silentLogger } from '../../../src/log.ts';
import { createDeliveryClient, renderOutbound, SlackSender } from '../../../src/platforms/slack/sender.ts';
import type { SlackSenderOptions } from '../../../src/platforms/slack/sender.ts';
import {
  analyzeMrkdwn,
  mrkdwnTexts,
  SLACK_LIMITS,
  validateBlocks,
} from '../../support/slack-standin/index.ts';
import type { SlackStandin, StandinOptions } from '../../support/slack-standin/index.ts';
import { digestOf } from '../../support/digests.ts';
import {
  GENERAL,
  HOSTILE_TITLE,
  MEMBER,
  PRIVATE_NOT_INVITED,
  runSlack,
  standinWorkspace,
  storedItem,
} from './helpers.ts';

const general: Target = { platform: 'slack', channelId: GENERAL, workspaceId: 'T0GOVWATCH', kind: 'channel' };

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function senderFor(
  standinOpts: StandinOptions = {},
  senderOpts: SlackSenderOptions = {},
): Promise<{ s: SlackStandin; sender: SlackSender }> {
  const s = await standinWorkspace(standinOpts);
  cleanup.push(() => s.stop());
  const sender = new SlackSender(createDeliveryClient(s.botToken, s.apiUrl, silentLogger()), silentLogger(), {
    channelIntervalMs: 0,
    ...senderOpts,
  });
  return { s, sender };
}

async function sendError(p: Promise<unknown>): Promise<SendError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof SendError)) throw new Error(`expected a SendError, got ${String(err)}`);
  return err;
}

/** A delivery client whose n-th chat.postMessage meets the given fault at the stand-in. */
function faultOnCall(s: SlackStandin, n: number, fault: Parameters<SlackStandin['failNext']>[1]) {
  const client = createDeliveryClient(s.botToken, s.apiUrl, silentLogger());
  const post = client.chat.postMessage.bind(client.chat);
  let calls = 0;
  client.chat.postMessage = ((args: Parameters<typeof post>[0]) => {
    calls++;
    if (calls === n) s.failNext('chat.postMessage', fault);
    return post(args);
  }) as typeof client.chat.postMessage;
  return client;
}

describe('Slack ChatSender', () => {
  it('posts a digest through the running adapter with hostile feed text left inert', async () => {
    const r = await runSlack('socket');
    cleanup.push(() => r.stop());
    const item = storedItem({
      title: HOSTILE_TITLE,
      summary: 'Body <!everyone> <#C999|general> *loud* > quote https://bare.example/x @channel',
      sourceName: 'Src <@U999>',
      url: 'https://example.org/a?b=1&c=2|x>y',
    });
    const refs = await r.slack.sender.send(
      general,
      { kind: 'digest', digest: digestOf([item]) },
      { idempotencyKey: 'd1' },
    );
    expect(refs).toHaveLength(1);
    const [msg] = r.standin.messagesIn(GENERAL);
    if (!msg) throw new Error('nothing posted');
    expect(refs[0]).toBe(`${GENERAL}:${msg.ts}`);
    const texts = [msg.text ?? '', ...mrkdwnTexts(msg.blocks)];
    const all = texts.map(analyzeMrkdwn);
    expect(all.flatMap((a) => a.mentions)).toEqual([]);
    // The only formatting is ours (the bold title line); the feed's own markers do nothing.
    const spans = all.flatMap((a) => a.formatted.map((f) => f.text));
    for (const feedSpan of ['bold', 'it', 's', 'code', 'loud']) expect(spans).not.toContain(feedSpan);
    for (const raw of ['*bold*', '_it_', '~s~', '`code`', '*loud*'])
      expect(texts.join('\n')).not.toContain(raw);
    // The only link is the item's own URL, with the characters that would break `<url|label>` encoded.
    expect(all.flatMap((a) => a.links.map((l) => l.url))).toEqual([
      'https://example.org/a?b=1&amp;c=2%7Cx%3Ey',
    ]);
    const shown = all.map((a) => a.visible).join('\n');
    expect(shown).toContain('<!channel>');
    expect(shown).toContain('<@U123>');
    expect(shown).toContain('<!here\u2223x>');
    expect(shown).toContain('<https://evil\u2223x>');
    // Mention-looking and link-looking text is never auto-parsed: every mrkdwn object is verbatim.
    const objects = JSON.stringify(msg.blocks);
    expect(objects).not.toMatch(/"verbatim":false/);
    expect((objects.match(/"type":"mrkdwn"/g) ?? []).length).toBe(
      (objects.match(/"verbatim":true/g) ?? []).length,
    );
  });

  it('splits a long digest into messages within Slack limits, every item exactly once, in order', async () => {
    const { s, sender } = await senderFor({ postsPerSecondPerChannel: 1000, burst: 1000 });
    const themes = ['censorship', 'surveillance', 'privacy'] as const;
    const items = Array.from({ length: 160 }, (_, i) =>
      storedItem({
        title: `Story ${i} ${'long title '.repeat(20)}`,
        summary: `${'&<> '.repeat(200)}end-${i}`,
        themes: [themes[i % 3] as (typeof themes)[number]],
      }),
    );
    const digest = digestOf(items);
    const refs = await sender.send(general, { kind: 'digest', digest }, { idempotencyKey: 'long' });
    const posted = s.messagesIn(GENERAL);
    expect(posted.length).toBe(refs.length);
    expect(posted.length).toBeGreaterThan(3);
    const seen: number[] = [];
    for (const m of posted) {
      expect(validateBlocks(m.blocks)).toEqual([]);
      expect(m.blocks?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      for (const t of mrkdwnTexts(m.blocks)) {
        expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        for (const match of t.matchAll(/<https:\/\/example\.org\/items\/(\d+)\|/g))
          seen.push(Number(match[1]));
      }
    }
    const expected = digest.sections.flatMap((sec) => sec.entries.map((e) => e.item.id));
    expect(seen).toEqual(expected);
    expect(
      new Set(posted.map((m) => (m.metadata as { event_payload: { key: string } }).event_payload.key)),
    ).toEqual(new Set(['long']));
  });

  it('paces posts to one channel at about one per second', async () => {
    const { s, sender } = await senderFor({}, { channelIntervalMs: 1000 });
    const start = Date.now();
    for (let i = 0; i < 3; i++) {
      await sender.send(general, { kind: 'text', text: `hello ${i}` }, { idempotencyKey: `p${i}` });
    }
    expect(s.calls.filter((c) => c.status === 429)).toEqual([]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(1900);
  });

  it.each([
    ['a 429 with Retry-After', { status: 429, retryAfterSec: 7 }, true, 7000],
    ['an HTTP 503', { status: 503 }, true, null],
    ['an HTTP 500 with Retry-After', { status: 500, retryAfterSec: 2 }, true, 2000],
    ['channel_not_found', { status: 200, error: 'channel_not_found' }, false, null],
    ['not_in_channel', { status: 200, error: 'not_in_channel' }, false, null],
    ['invalid_auth', { status: 200, error: 'invalid_auth' }, false, null],
    ['internal_error', { status: 200, error: 'internal_error' }, true, null],
  ])('maps %s to the right SendError', async (_case, fault, retryable, retryAfterMs) => {
    const { s, sender } = await senderFor();
    s.failNext('chat.postMessage', fault);
    const err = await sendError(sender.send(general, { kind: 'text', text: 'x' }, { idempotencyKey: 'f' }));
    expect(err.retryable).toBe(retryable);
    expect(err.retryAfterMs).toBe(retryAfterMs);
    // One request only: the WebClient does not retry behind the worker's back.
    expect(s.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it("maps the stand-in's own per-channel rate limit to a retryable error with Retry-After", async () => {
    const { s, sender } = await senderFor({ postsPerSecondPerChannel: 1, burst: 1 });
    await sender.send(general, { kind: 'text', text: 'first' }, { idempotencyKey: 'a' });
    const err = await sendError(
      sender.send(general, { kind: 'text', text: 'second' }, { idempotencyKey: 'b' }),
    );
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(1000);
    expect(s.calls.filter((c) => c.status === 429)).toHaveLength(1);
  });

  it('refuses a private channel the bot is not in, without retrying', async () => {
    const { sender } = await senderFor();
    const err = await sendError(
      sender.send(
        { ...general, channelId: PRIVATE_NOT_INVITED },
        { kind: 'text', text: 'x' },
        { idempotencyKey: 'p' },
      ),
    );
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('not_in_channel');
  });

  it('waits out a 429 on a later part instead of failing, so earlier parts are not re-posted', async () => {
    const { s } = await senderFor({ postsPerSecondPerChannel: 1000, burst: 1000 });
    const digest = digestOf(Array.from({ length: 60 }, () => storedItem()));
    const slept: number[] = [];
    const sender = new SlackSender(faultOnCall(s, 2, { status: 429, retryAfterSec: 1 }), silentLogger(), {
      channelIntervalMs: 0,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const refs = await sender.send(general, { kind: 'digest', digest }, { idempotencyKey: 'inline' });
    const parts = s
      .messagesIn(GENERAL)
      .map((m) => (m.metadata as { event_payload: { part: number } }).event_payload.part);
    expect(parts).toEqual([1, 2]);
    expect(refs).toHaveLength(2);
    expect(s.calls.filter((c) => c.status === 429)).toHaveLength(1);
    expect(Math.max(...slept)).toBeGreaterThanOrEqual(900);
  });

  it('resumes a split delivery after a retryable failure without re-posting earlier parts', async () => {
    const { s } = await senderFor({ postsPerSecondPerChannel: 1000, burst: 1000 });
    const items = Array.from({ length: 60 }, () => storedItem());
    const digest = digestOf(items);
    // Part 1 succeeds; part 2 hits a 503 (not waited inline), so send() throws.
    const flaky = new SlackSender(faultOnCall(s, 2, { status: 503 }), silentLogger(), {
      channelIntervalMs: 0,
      maxInlineWaitMs: 0,
    });
    const err = await sendError(
      flaky.send(general, { kind: 'digest', digest }, { idempotencyKey: 'resume' }),
    );
    expect(err.retryable).toBe(true);
    expect(s.messagesIn(GENERAL)).toHaveLength(1);
    const refs = await flaky.send(general, { kind: 'digest', digest }, { idempotencyKey: 'resume' });
    const parts = s
      .messagesIn(GENERAL)
      .map((m) => (m.metadata as { event_payload: { part: number } }).event_payload.part);
    expect(parts).toEqual(parts.map((_, i) => i + 1));
    expect(refs).toHaveLength(parts.length);
  });

  it.each([
    ['after a crash mid-split, a new process posts only the missing parts', true, 2, 3],
    ['after a crash once everything was posted, a new process posts nothing', true, 3, 3],
    ['without history scopes, a new process posts again (at least once)', false, 2, 5],
  ])('%s', async (_case, historyScopes, postedBeforeCrash, expectedPosts) => {
    const { s } = await senderFor({ postsPerSecondPerChannel: 1000, burst: 1000, historyScopes });
    const digest = digestOf(Array.from({ length: 120 }, () => storedItem()));
    const parts = renderOutbound({ kind: 'digest', digest }).length;
    expect(parts).toBe(3);
    // The first process posts `postedBeforeCrash` parts and dies before recording anything.
    const first = new SlackSender(faultOnCall(s, postedBeforeCrash + 1, { status: 503 }), silentLogger(), {
      channelIntervalMs: 0,
      maxInlineWaitMs: 0,
    });
    await first
      .send(general, { kind: 'digest', digest }, { idempotencyKey: 'crash', attempt: 1 })
      .catch(() => {});
    // A fresh process (no memory of the attempt) claims the entry again: attempt 2.
    const second = new SlackSender(
      createDeliveryClient(s.botToken, s.apiUrl, silentLogger()),
      silentLogger(),
      {
        channelIntervalMs: 0,
      },
    );
    const refs = await second.send(
      general,
      { kind: 'digest', digest },
      { idempotencyKey: 'crash', attempt: 2 },
    );
    const posted = s.messagesIn(GENERAL);
    expect(posted).toHaveLength(expectedPosts);
    expect(refs).toHaveLength(parts);
    const byPart = posted.map((m) => (m.metadata as { event_payload: { part: number } }).event_payload.part);
    if (historyScopes) {
      expect(byPart).toEqual([1, 2, 3]);
      expect(refs).toEqual(posted.map((m) => `${GENERAL}:${m.ts}`));
    }
  });

  it('finds earlier posts in a direct message through conversations.open', async () => {
    const { s, sender } = await senderFor();
    const dm: Target = { platform: 'slack', channelId: MEMBER, workspaceId: 'T0GOVWATCH', kind: 'user' };
    const msg = { kind: 'alert' as const, item: storedItem(), subscriptionId: 2 };
    const first = await sender.send(dm, msg, { idempotencyKey: 'dm-crash' });
    const fresh = new SlackSender(
      createDeliveryClient(s.botToken, s.apiUrl, silentLogger()),
      silentLogger(),
      {
        channelIntervalMs: 0,
      },
    );
    expect(await fresh.send(dm, msg, { idempotencyKey: 'dm-crash', attempt: 2 })).toEqual(first);
    expect(s.messagesIn(s.dmChannelFor(MEMBER))).toHaveLength(1);
  });

  it('treats a rate-limited history check as retryable and posts nothing', async () => {
    const { s, sender } = await senderFor();
    s.failNext('conversations.history', { status: 429, retryAfterSec: 3 });
    const err = await sendError(
      sender.send(general, { kind: 'text', text: 'x' }, { idempotencyKey: 'h', attempt: 2 }),
    );
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(3000);
    expect(s.messagesIn(GENERAL)).toEqual([]);
  });

  it('delivers to a user (direct message target) by user id', async () => {
    const { s, sender } = await senderFor();
    const dm: Target = { platform: 'slack', channelId: MEMBER, workspaceId: 'T0GOVWATCH', kind: 'user' };
    await sender.send(
      dm,
      { kind: 'alert', item: storedItem({ title: 'Alert me' }), subscriptionId: 4 },
      { idempotencyKey: 'dm' },
    );
    const [m] = s.messagesIn(s.dmChannelFor(MEMBER));
    expect(mrkdwnTexts(m?.blocks).join('\n')).toContain('Alert me');
  });
});
