// The platform-neutral outbox worker delivering to Slack through the stand-in: once, and after
// a 429 only when Slack's Retry-After has passed.
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../../../src/delivery/worker.ts';
import { createDeliveryClient, SlackSender } from '../../../src/platforms/slack/sender.ts';
import { silentLogger } from '../../../src/log.ts';
import type { Target } from '../../../src/model.ts';
import { digestOf } from '../../support/digests.ts';
import { GENERAL, runSlack, storedItem } from './helpers.ts';
import type { Running } from './helpers.ts';

const general: Target = { platform: 'slack', channelId: GENERAL, workspaceId: 'T0GOVWATCH', kind: 'channel' };

let r: Running | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

describe('Slack delivery through the outbox worker', () => {
  it('delivers an outbox digest to the channel exactly once and records the message refs', async () => {
    r = await runSlack(
      'socket',
      [],
      { sender: { channelIntervalMs: 0 } },
      { postsPerSecondPerChannel: 1000, burst: 1000 },
    );
    const digest = digestOf(Array.from({ length: 70 }, () => storedItem()));
    await r.store.enqueue([
      { key: 'digest:slack:1', target: general, kind: 'digest', payload: { kind: 'digest', digest } },
    ]);
    const worker = createDeliveryWorker({
      store: r.store,
      senders: new Map([['slack', r.slack.sender]]),
      owner: 'test',
      logger: silentLogger(),
    });
    const first = await worker.runOnce();
    const second = await worker.runOnce();
    expect(first).toMatchObject({ claimed: 1, sent: 1 });
    expect(second.claimed).toBe(0);
    const posted = r.standin.messagesIn(GENERAL);
    expect(posted.length).toBeGreaterThan(1);
    const [entry] = await r.store.listOutbox({ status: 'sent' });
    expect(entry?.sentRefs).toEqual(posted.map((m) => `${GENERAL}:${m.ts}`));
  });

  it('retries a rate-limited post no earlier than Retry-After, then posts it once', async () => {
    r = await runSlack('socket', [], { sender: { channelIntervalMs: 0 } });
    let now = new Date(Date.now() + 1000);
    const worker = createDeliveryWorker({
      store: r.store,
      senders: new Map([['slack', r.slack.sender]]),
      owner: 'test',
      logger: silentLogger(),
      clock: () => now,
      backoff: { baseMs: 1000, maxMs: 60_000 },
    });
    await r.store.enqueue([
      {
        key: 'alert:1',
        target: general,
        kind: 'alert',
        payload: { kind: 'alert', item: storedItem(), subscriptionId: 1 },
      },
    ]);
    r.standin.failNext('chat.postMessage', { status: 429, retryAfterSec: 30 });
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const [pending] = await r.store.listOutbox({ status: 'pending' });
    expect(Date.parse(pending?.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(now.getTime() + 30_000);
    now = new Date(now.getTime() + 10_000);
    expect((await worker.runOnce()).claimed).toBe(0);
    now = new Date(now.getTime() + 25_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(r.standin.messagesIn(GENERAL)).toHaveLength(1);
  });

  it('a replica that takes over a crashed delivery posts only the parts still missing', async () => {
    r = await runSlack(
      'socket',
      [],
      { sender: { channelIntervalMs: 0 } },
      { postsPerSecondPerChannel: 1000, burst: 1000 },
    );
    const standin = r.standin;
    const digest = digestOf(Array.from({ length: 120 }, () => storedItem()));
    await r.store.enqueue([
      { key: 'digest:crash', target: general, kind: 'digest', payload: { kind: 'digest', digest } },
    ]);
    // Replica A posts two parts, then hangs forever on the third (as if killed mid-send).
    const clientA = createDeliveryClient(standin.botToken, standin.apiUrl, silentLogger());
    const post = clientA.chat.postMessage.bind(clientA.chat);
    let calls = 0;
    clientA.chat.postMessage = ((args: Parameters<typeof post>[0]) =>
      ++calls <= 2 ? post(args) : new Promise<never>(() => {})) as typeof clientA.chat.postMessage;
    const leaseMs = 60_000;
    const workerA = createDeliveryWorker({
      store: r.store,
      senders: new Map([['slack', new SlackSender(clientA, silentLogger(), { channelIntervalMs: 0 })]]),
      owner: 'replica-a',
      logger: silentLogger(),
      leaseMs,
    });
    void workerA.runOnce();
    const deadline = Date.now() + 5000;
    while (standin.messagesIn(GENERAL).length < 2 && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 10));
    expect(standin.messagesIn(GENERAL)).toHaveLength(2);
    // Replica B, after A's lease expired, claims the entry again (attempt 2) with its own sender.
    const workerB = createDeliveryWorker({
      store: r.store,
      senders: new Map([['slack', r.slack.sender]]),
      owner: 'replica-b',
      logger: silentLogger(),
      leaseMs,
      clock: () => new Date(Date.now() + leaseMs + 1000),
    });
    expect(await workerB.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    const parts = standin
      .messagesIn(GENERAL)
      .map((m) => (m.metadata as { event_payload: { part: number } }).event_payload.part);
    expect(parts).toEqual([1, 2, 3]);
    const [entry] = await r.store.listOutbox({ status: 'sent' });
    expect(entry?.sentRefs).toEqual(standin.messagesIn(GENERAL).map((m) => `${GENERAL}:${m.ts}`));
  });
});
