import { describe, expect, it } from 'vitest';
import { createDeliveryWorker, retryDelayMs } from '../../src/delivery/worker.ts';
import type { ChatSender, OutboundMessage, SendOptions } from '../../src/delivery/types.ts';
import { SendError } from '../../src/delivery/types.ts';
import { silentLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { memoryOutbox } from './memory-outbox.ts';

const channel = (id: string): Target => ({
  platform: 'discord',
  channelId: id,
  workspaceId: 'g1',
  kind: 'channel',
});
const text = (t: string): OutboundMessage => ({ kind: 'text', text: t });

interface Call {
  target: Target;
  message: OutboundMessage;
  opts: SendOptions;
}

function scriptedSender(
  behaviour: (call: Call, n: number) => Promise<string[]>,
): ChatSender & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    platform: 'discord',
    calls,
    async send(target, message, opts) {
      const call = { target, message, opts };
      calls.push(call);
      return behaviour(call, calls.length);
    },
  };
}

const T0 = new Date('2026-01-01T00:00:00Z');

function setup(sender: ChatSender, extra: { maxAttempts?: number; concurrency?: number } = {}) {
  const ob = memoryOutbox();
  let now = T0;
  const worker = createDeliveryWorker({
    store: ob.store,
    senders: new Map([['discord', sender]]),
    owner: 'w1',
    logger: silentLogger(),
    clock: () => now,
    batch: 100,
    leaseMs: 60_000,
    maxAttempts: extra.maxAttempts ?? 3,
    backoff: { baseMs: 1_000, maxMs: 10_000 },
    concurrency: extra.concurrency ?? 4,
  });
  return { ob, worker, setNow: (d: Date) => (now = d) };
}

describe('delivery worker', () => {
  it('sends due entries with the entry key as idempotency key and records the refs', async () => {
    const sender = scriptedSender(async (c) => [`m-${c.opts.idempotencyKey}`]);
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([
      { key: 'd:1', target: channel('c1'), kind: 'reply', payload: text('hello') },
      { key: 'd:2', target: channel('c2'), kind: 'reply', payload: text('world') },
    ]);
    const r = await worker.runOnce();
    expect(r).toEqual({ claimed: 2, sent: 2, retried: 0, failed: 0 });
    expect(sender.calls.map((c) => c.opts.idempotencyKey).sort()).toEqual(['d:1', 'd:2']);
    expect(sender.calls.map((c) => c.opts.attempt)).toEqual([1, 1]);
    expect(ob.rows.map((x) => [x.status, x.sentRefs])).toEqual([
      ['sent', ['m-d:1']],
      ['sent', ['m-d:2']],
    ]);
  });

  it.each([
    {
      name: 'retryable error without a hint backs off exponentially',
      error: new SendError('503', true),
      status: 'pending',
      delayMs: 1_000,
    },
    {
      name: 'retryable error honours a longer Retry-After',
      error: new SendError('429', true, 7_500),
      status: 'pending',
      delayMs: 7_500,
    },
    {
      name: 'an unknown exception is retried',
      error: new Error('socket hang up'),
      status: 'pending',
      delayMs: 1_000,
    },
    {
      name: 'non-retryable error fails at once',
      error: new SendError('Unknown Channel', false),
      status: 'failed',
    },
  ])('$name', async ({ error, status, delayMs }) => {
    const sender = scriptedSender(async () => {
      throw error;
    });
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([{ key: 'k', target: channel('c1'), kind: 'reply', payload: text('x') }]);
    await worker.runOnce();
    const row = ob.rows[0]!;
    expect(row.status).toBe(status);
    expect(row.lastError).toBe(error.message);
    if (delayMs !== undefined) expect(Date.parse(row.nextAttemptAt) - T0.getTime()).toBe(delayMs);
  });

  it('gives up after maxAttempts with the last reason, doubling the delay in between', async () => {
    const sender = scriptedSender(async (_c, n) => {
      throw new SendError(`down ${n}`, true);
    });
    const { ob, worker, setNow } = setup(sender, { maxAttempts: 3 });
    await ob.store.enqueue([{ key: 'k', target: channel('c1'), kind: 'reply', payload: text('x') }]);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = Math.max(Date.parse(ob.rows[0]!.nextAttemptAt), T0.getTime());
      setNow(new Date(before));
      await worker.runOnce();
      if (ob.rows[0]!.status === 'pending') delays.push(Date.parse(ob.rows[0]!.nextAttemptAt) - before);
    }
    expect(ob.rows[0]!.status).toBe('failed');
    expect(ob.rows[0]!.lastError).toBe('down 3');
    expect(sender.calls).toHaveLength(3);
    expect(sender.calls.map((c) => c.opts.attempt)).toEqual([1, 2, 3]);
    expect(delays).toEqual([1_000, 2_000]);
    expect(retryDelayMs(2, { baseMs: 1_000, maxMs: 10_000 }, null)).toBe(2_000);
    expect(retryDelayMs(10, { baseMs: 1_000, maxMs: 10_000 }, null)).toBe(10_000);
  });

  it('refuses an unreadable payload without sending', async () => {
    const sender = scriptedSender(async () => ['x']);
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([{ key: 'k', target: channel('c1'), kind: 'reply', payload: { nonsense: true } }]);
    await worker.runOnce();
    expect(sender.calls).toHaveLength(0);
    expect(ob.rows[0]!.status).toBe('failed');
  });

  it('sends to different channels concurrently (bounded) but in order within a channel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const perChannelInFlight = new Map<string, number>();
    const order: string[] = [];
    const sender = scriptedSender(async (c) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const ch = c.target.channelId;
      perChannelInFlight.set(ch, (perChannelInFlight.get(ch) ?? 0) + 1);
      expect(perChannelInFlight.get(ch)).toBe(1);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`${ch}:${(c.message as { text: string }).text}`);
      perChannelInFlight.set(ch, perChannelInFlight.get(ch)! - 1);
      inFlight--;
      return ['ok'];
    });
    const { ob, worker } = setup(sender, { concurrency: 3 });
    const entries = [];
    for (let m = 0; m < 3; m++) {
      for (let ch = 0; ch < 6; ch++) {
        entries.push({
          key: `c${ch}:${m}`,
          target: channel(`c${ch}`),
          kind: 'reply' as const,
          payload: text(String(m)),
        });
      }
    }
    await ob.store.enqueue(entries);
    const r = await worker.runOnce();
    expect(r.sent).toBe(18);
    expect(maxInFlight).toBe(3);
    for (let ch = 0; ch < 6; ch++) {
      expect(order.filter((o) => o.startsWith(`c${ch}:`))).toEqual([`c${ch}:0`, `c${ch}:1`, `c${ch}:2`]);
    }
  });

  it('holds later entries of a channel while an earlier one waits for a retry', async () => {
    const sender = scriptedSender(async (c) => {
      if ((c.message as { text: string }).text === 'first') throw new SendError('503', true);
      return ['ok'];
    });
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([
      { key: 'a', target: channel('c1'), kind: 'reply', payload: text('first') },
      { key: 'b', target: channel('c1'), kind: 'reply', payload: text('second') },
    ]);
    await worker.runOnce();
    expect(sender.calls).toHaveLength(1);
    expect(ob.rows.map((r) => r.status)).toEqual(['pending', 'pending']);
  });

  it('does not start a send whose claim is about to run out', async () => {
    let setClock: (d: Date) => void = () => {};
    const sender = scriptedSender(async () => {
      // The first send is slow: 50 s of a 60 s claim pass.
      setClock(new Date(T0.getTime() + 50_000));
      return ['ok'];
    });
    const { ob, worker, setNow } = setup(sender);
    setClock = setNow;
    await ob.store.enqueue([
      { key: 'a', target: channel('c1'), kind: 'reply', payload: text('first') },
      { key: 'b', target: channel('c1'), kind: 'reply', payload: text('second') },
    ]);
    await worker.runOnce();
    expect(sender.calls).toHaveLength(1);
    expect(ob.rows.map((r) => r.status)).toEqual(['sent', 'pending']);
    expect(ob.rows[1]!.lastError).toMatch(/claim ran out/);
  });

  it('start() drains the outbox and stop() ends the loop', async () => {
    const sender = scriptedSender(async () => ['ok']);
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([{ key: 'k', target: channel('c1'), kind: 'reply', payload: text('x') }]);
    worker.start();
    for (let i = 0; i < 100 && ob.rows[0]!.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 5));
    await worker.stop();
    expect(ob.rows[0]!.status).toBe('sent');
  });
});

describe('delivery worker stop', () => {
  it('aborts sends in flight and leaves their entries claimed, as after a crash', async () => {
    let signalled: AbortSignal | undefined;
    // A platform that never answers and ignores the abort: the worker must not wait for it.
    const sender = scriptedSender((c) => {
      signalled = c.opts.signal;
      return new Promise<string[]>(() => {});
    });
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([
      { key: 'a', target: channel('c1'), kind: 'reply', payload: text('one') },
      { key: 'b', target: channel('c1'), kind: 'reply', payload: text('two') },
    ]);
    worker.start();
    for (let i = 0; i < 100 && !sender.calls.length; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sender.calls).toHaveLength(1);
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(signalled?.aborted).toBe(true);
    // Nothing recorded for either: both still claimed by this owner, attempts as claimed.
    expect(ob.rows.map((r) => [r.key, r.status, r.claimedBy])).toEqual([
      ['a', 'sending', 'w1'],
      ['b', 'sending', 'w1'],
    ]);
    expect(sender.calls).toHaveLength(1);
  });

  it('records a send that finished before the stop', async () => {
    const sender = scriptedSender(async (c) => [`m-${c.opts.idempotencyKey}`]);
    const { ob, worker } = setup(sender);
    await ob.store.enqueue([{ key: 'a', target: channel('c1'), kind: 'reply', payload: text('one') }]);
    await worker.runOnce();
    await worker.stop();
    expect(ob.rows[0]!.status).toBe('sent');
  });
});
