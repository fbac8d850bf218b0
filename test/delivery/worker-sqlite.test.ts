import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatSender, SendOptions } from '../../src/delivery/types.ts';
import { SendError } from '../../src/delivery/types.ts';
import { createDeliveryWorker } from '../../src/delivery/worker.ts';
import { silentLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';

const target = (id: string): Target => ({
  platform: 'discord',
  channelId: id,
  workspaceId: 'g',
  kind: 'channel',
});

describe('delivery worker on the SQLite store', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-delivery-'));
    store = await openStore({ dbPath: join(dir, 'db.sqlite'), databaseUrl: undefined });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sender(fn: (opts: SendOptions) => Promise<string[]>): ChatSender & { keys: string[] } {
    const keys: string[] = [];
    return {
      platform: 'discord',
      keys,
      async send(_t, _m, opts) {
        keys.push(opts.idempotencyKey);
        return fn(opts);
      },
    };
  }

  it('records sent entries with their message ids', async () => {
    await store.enqueue([
      { key: 'digest:1:a', target: target('1'), kind: 'digest', payload: { kind: 'text', text: 'a' } },
      { key: 'digest:1:b', target: target('2'), kind: 'digest', payload: { kind: 'text', text: 'b' } },
    ]);
    const s = sender(async (o) => [`msg-${o.idempotencyKey}`]);
    const w = createDeliveryWorker({
      store,
      senders: new Map([['discord', s]]),
      owner: 'r1',
      logger: silentLogger(),
    });
    expect(await w.runOnce()).toMatchObject({ claimed: 2, sent: 2 });
    const sent = await store.listOutbox({ status: 'sent' });
    expect(sent.map((e) => e.sentRefs).sort()).toEqual([['msg-digest:1:a'], ['msg-digest:1:b']]);
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
  });

  it('re-sends with the same key when a worker died holding the claim, once the lease expired', async () => {
    await store.enqueue([
      { key: 'k1', target: target('1'), kind: 'alert', payload: { kind: 'text', text: 'x' } },
    ]);
    const t0 = new Date();
    // A worker that claims and "dies" before completing.
    const claimed = await store.claimOutbox('dead-replica', t0, 10, 1_000);
    expect(claimed).toHaveLength(1);
    const s = sender(async () => ['m1']);
    let now = t0;
    const w = createDeliveryWorker({
      store,
      senders: new Map([['discord', s]]),
      owner: 'r2',
      logger: silentLogger(),
      clock: () => now,
      leaseMs: 1_000,
    });
    expect((await w.runOnce()).claimed).toBe(0);
    now = new Date(t0.getTime() + 1_001);
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(s.keys).toEqual(['k1']);
    const [entry] = await store.listOutbox({});
    expect(entry).toMatchObject({ status: 'sent', sentRefs: ['m1'], attempts: 2 });
  });

  it('marks an entry failed with the platform reason', async () => {
    await store.enqueue([
      { key: 'k', target: target('1'), kind: 'alert', payload: { kind: 'text', text: 'x' } },
    ]);
    const s = sender(async () => {
      throw new SendError('Discord 404 (10003): Unknown Channel', false);
    });
    const w = createDeliveryWorker({
      store,
      senders: new Map([['discord', s]]),
      owner: 'r1',
      logger: silentLogger(),
    });
    await w.runOnce();
    const [entry] = await store.listOutbox({});
    expect(entry).toMatchObject({ status: 'failed', lastError: 'Discord 404 (10003): Unknown Channel' });
  });
});
