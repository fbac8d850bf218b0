// The Discord ChatSender against the stand-in: limits, escaping, nonces, rate limits, errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SendError } from '../../../src/delivery/types.ts';
import { silentLogger } from '../../../src/log.ts';
import type { Target } from '../../../src/model.ts';
import { createDiscordRest, createDiscordSender, nonceFor } from '../../../src/platforms/discord/index.ts';
import type { DiscordStandin } from '../../support/discord-standin/index.ts';
import { LIMITS, startDiscordStandin } from '../../support/discord-standin/index.ts';
import { digestOf } from '../../support/digests.ts';
import { activeMarkup, sampleItem, visibleText } from './helpers.ts';

const CHANNEL = '300000000000000001';
const target: Target = {
  platform: 'discord',
  channelId: CHANNEL,
  workspaceId: '200000000000000001',
  kind: 'channel',
};

describe('Discord sender', () => {
  let standin: DiscordStandin;
  beforeEach(async () => {
    // Per-channel limits are exercised by the 429 tests and the benchmark; here they would only slow things.
    standin = await startDiscordStandin({ messagesPerChannel: { limit: 100, windowMs: 1_000 } });
  });
  afterEach(async () => {
    await standin.close();
  });

  const sender = (extra: { maxRateLimitWaitMs?: number } = {}) =>
    createDiscordSender({
      rest: createDiscordRest({ token: standin.token, apiUrl: standin.apiUrl, ...extra }),
      logger: silentLogger(),
    });

  const hostile = '@everyone <@&123> <!channel> **bold** [x](https://evil.example) @here <@42> <#7>';

  it.each([{ kind: 'alert' as const }, { kind: 'digest' as const }])(
    'a hostile feed title in an $kind reaches the channel as inert text without pings',
    async ({ kind }) => {
      const item = sampleItem(1, { title: hostile, summary: hostile, sourceName: '@everyone news' });
      const message =
        kind === 'alert' ? { kind, item, subscriptionId: 1 } : { kind, digest: digestOf([item]) };
      await sender().send(target, message, { idempotencyKey: `k-${kind}` });
      const posted = standin.messages.get(CHANNEL) ?? [];
      expect(posted.length).toBeGreaterThan(0);
      for (const m of posted) {
        expect(m.allowed_mentions).toEqual({ parse: [] });
        expect(activeMarkup(visibleText(m), [item.url!])).toEqual([]);
        // The words are still there for the reader.
        expect(visibleText(m).replace(/[\\\u200b]/g, '')).toContain('<@&123>');
      }
    },
  );

  it('splits a long digest within Discord limits and loses no item', async () => {
    const themes = ['censorship', 'surveillance', 'standards', 'privacy'] as const;
    const items = Array.from({ length: 400 }, (_, k) =>
      sampleItem(k + 1, {
        title: `Story ${k + 1}: ${'a long headline about internet governance '.repeat(3)}`,
        themes: [themes[k % themes.length]!],
      }),
    );
    const refs = await sender().send(
      target,
      { kind: 'digest', digest: digestOf(items) },
      { idempotencyKey: 'long' },
    );
    const posted = standin.messages.get(CHANNEL) ?? [];
    expect(posted.length).toBe(refs.length);
    expect(posted.length).toBeGreaterThan(1);
    const rejected = standin.requests.filter((r) => r.status === 400);
    expect(rejected).toEqual([]);
    for (const m of posted) {
      expect(m.content.length).toBeLessThanOrEqual(LIMITS.content);
      expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
      const total = m.embeds.reduce(
        (n, e) => n + String(e.title ?? '').length + String(e.description ?? '').length,
        0,
      );
      expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
      for (const e of m.embeds)
        expect(String(e.description ?? '').length).toBeLessThanOrEqual(LIMITS.description);
    }
    const all = posted.map(visibleText).join('\n');
    for (const it of items) {
      expect(all.split(`(${it.url})`).length - 1, `item ${it.id} appears once`).toBe(1);
    }
  });

  it('sends each part with a stable nonce and enforce_nonce, so a repeat posts nothing new', async () => {
    const items = Array.from({ length: 120 }, (_, k) => sampleItem(k + 1, { title: 'x'.repeat(200) }));
    const message = { kind: 'digest' as const, digest: digestOf(items) };
    const first = await sender().send(target, message, { idempotencyKey: 'digest:c1:slot' });
    const again = await sender().send(target, message, { idempotencyKey: 'digest:c1:slot' });
    expect(again).toEqual(first);
    expect(standin.messages.get(CHANNEL)).toHaveLength(first.length);
    const bodies = standin.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(bodies.map((r) => (r.body as { nonce: string }).nonce)).toEqual(
      [...first.keys(), ...first.keys()].map((i) => nonceFor('digest:c1:slot', i)),
    );
    expect(bodies.every((r) => (r.body as { enforce_nonce: boolean }).enforce_nonce === true)).toBe(true);
  });

  it.each([
    { attempt: 1, reads: false, extra: 2 },
    { attempt: 2, reads: true, extra: 0 },
  ])(
    'a re-send after the nonce is forgotten (attempt $attempt) posts $extra parts twice',
    async ({ attempt, reads, extra }) => {
      await standin.close();
      standin = await startDiscordStandin({
        nonceWindowMs: 1,
        messagesPerChannel: { limit: 100, windowMs: 1_000 },
      });
      const items = Array.from({ length: 90 }, (_, k) => sampleItem(k + 1, { title: 'y'.repeat(200) }));
      const message = { kind: 'digest' as const, digest: digestOf(items) };
      // Parts 0 and 1 go out, then Discord fails (500, through discord.js's own 3 retries).
      standin.failNextMessages(4, { status: 500 }, 2);
      const err = await sender()
        .send(target, message, { idempotencyKey: 'outage', attempt: 1 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SendError);
      const before = standin.messages.get(CHANNEL)?.length ?? 0;
      expect(before).toBe(2);
      await new Promise((r) => setTimeout(r, 5));
      const refs = await sender().send(target, message, { idempotencyKey: 'outage', attempt });
      const all = standin.messages.get(CHANNEL) ?? [];
      expect(all.length).toBe(refs.length + extra);
      expect(standin.requests.some((r) => r.method === 'GET' && r.path.endsWith('/messages'))).toBe(reads);
    },
  );

  it('waits out a 429 for its Retry-After and then posts once', async () => {
    standin.failNextMessages(1, { status: 429, retryAfterMs: 400 });
    await sender().send(target, { kind: 'text', text: 'hello' }, { idempotencyKey: 'r1' });
    const posts = standin.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    // Retry-After is whole seconds in the header (rounded up from 0.4 s).
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(standin.messages.get(CHANNEL)).toHaveLength(1);
  });

  it('hands a long rate-limit wait back as a retryable SendError with the wait', async () => {
    standin.failNextMessages(1, { status: 429, retryAfterMs: 5_000 });
    const err = await sender({ maxRateLimitWaitMs: 1_000 })
      .send(target, { kind: 'text', text: 'x' }, { idempotencyKey: 'r2' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect((err as SendError).retryable).toBe(true);
    expect((err as SendError).retryAfterMs).toBeGreaterThanOrEqual(4_000);
  });

  it('keeps the global limit under latency jitter without a single 429', async () => {
    await standin.close();
    const channels = Array.from({ length: 30 }, (_, k) => ({
      id: String(330000000000000000n + BigInt(k)),
      name: `c${k}`,
    }));
    standin = await startDiscordStandin({
      guilds: [{ id: '200000000000000001', name: 'g', channels }],
      globalPerSecond: 10,
      latencyMs: 2,
      latencyJitterMs: 80,
    });
    const s = createDiscordSender({
      rest: createDiscordRest({ token: standin.token, apiUrl: standin.apiUrl, globalRequestsPerSecond: 10 }),
      logger: silentLogger(),
      globalRequestsPerSecond: 10,
    });
    await Promise.all(
      channels.map((c) =>
        s.send({ ...target, channelId: c.id }, { kind: 'text', text: 'x' }, { idempotencyKey: `j-${c.id}` }),
      ),
    );
    expect(standin.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(channels.every((c) => standin.messages.get(c.id)?.length === 1)).toBe(true);
  });

  it.each([
    { name: 'server errors are retryable', status: 500, times: 4, retryable: true },
    { name: 'forbidden is not', status: 403, times: 1, retryable: false },
  ])('$name', async ({ status, times, retryable }) => {
    standin.failNextMessages(times, { status });
    const err = await sender()
      .send(target, { kind: 'text', text: 'x' }, { idempotencyKey: `e${status}` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect((err as SendError).retryable).toBe(retryable);
  });

  it('an unknown channel is a permanent failure', async () => {
    const err = await sender()
      .send(
        { ...target, channelId: '399999999999999999' },
        { kind: 'text', text: 'x' },
        { idempotencyKey: 'u' },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect((err as SendError).retryable).toBe(false);
    expect((err as SendError).message).toMatch(/Unknown Channel/);
  });

  it('opens a DM channel for a user target', async () => {
    const user: Target = {
      platform: 'discord',
      channelId: '500000000000000042',
      workspaceId: '',
      kind: 'user',
    };
    const [id] = await sender().send(user, { kind: 'text', text: 'for you' }, { idempotencyKey: 'dm' });
    const dm = [...standin.messages.entries()].find(([, list]) => list.some((m) => m.id === id));
    expect(dm?.[0]).toBe('900000000000000042');
  });
});
