// The scheduler with a real SQLite archive and a test-driven clock: digest slots in target
// time zones (DST included), one catch-up digest after downtime, slot leases, polls that
// never overlap, and a shutdown that waits for (or abandons) in-flight work.
import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler, digestPlans, type DigestPlan } from '../../src/scheduler.ts';
import type { RunDigestResult } from '../../src/digest/run.ts';
import type { OutboundMessage } from '../../src/delivery/types.ts';
import { targetKey, type Subscription, type Target } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';
import { CONSOLE, feed, tagged, tempArchive, type TestArchive } from '../digest/helpers.ts';

let archive: TestArchive | null = null;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
  archive?.cleanup();
  archive = null;
});

const channel = (id: string): Target => ({
  platform: 'discord',
  channelId: id,
  workspaceId: 'g1',
  kind: 'channel',
});
const noFilter = { themes: [], regions: [], sources: [], keywords: [] };

async function setup(start: string, subs: Array<{ target: Target; cron: string | null; timezone: string }>) {
  archive = tempArchive(start);
  store = archive.open();
  for (const s of subs) {
    await store.addSubscription({ ...s, filter: noFilter, mode: 'digest', createdBy: 'test' });
  }
  return { archive, store };
}

/** Advance the clock in steps, ticking the scheduler at each; return the slots run per target. */
async function runClock(
  a: TestArchive,
  s: Store,
  until: string,
  stepMinutes: number,
  extra: Partial<Parameters<typeof createScheduler>[0]> = {},
): Promise<Array<{ target: string; slot: string; at: string }>> {
  const runs: Array<{ target: string; slot: string; at: string }> = [];
  const scheduler = createScheduler({
    store: s,
    now: () => a.clock.now,
    onDigest: (r: RunDigestResult, plan: DigestPlan) => {
      if (r.status !== 'already-done')
        runs.push({ target: plan.targetKey, slot: r.mark.lastSlot, at: a.clock.now.toISOString() });
    },
    ...extra,
  });
  const end = new Date(until).getTime();
  while (a.clock.now.getTime() <= end) {
    await scheduler.tick();
    a.clock.now = new Date(a.clock.now.getTime() + stepMinutes * 60_000);
  }
  await scheduler.stop();
  return runs;
}

describe('digest slots in the target’s time zone', () => {
  const cases: Array<[string, string, string, string, string[]]> = [
    [
      'Europe/Berlin across the October change',
      'Europe/Berlin',
      '2026-10-23T12:00:00Z',
      '2026-10-26T12:00:00Z',
      ['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z'],
    ],
    [
      'Europe/Berlin across the March change',
      'Europe/Berlin',
      '2026-03-27T12:00:00Z',
      '2026-03-30T12:00:00Z',
      ['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'],
    ],
    [
      'America/New_York across the November change',
      'America/New_York',
      '2026-10-31T00:00:00Z',
      '2026-11-02T18:00:00Z',
      ['2026-10-31T12:00:00.000Z', '2026-11-01T13:00:00.000Z', '2026-11-02T13:00:00.000Z'],
    ],
  ];
  it.each(cases)('daily 08:00, %s', async (_name, tz, start, end, expected) => {
    const { archive: a, store: s } = await setup(start, [
      { target: CONSOLE, cron: '0 8 * * *', timezone: tz },
    ]);
    const runs = await runClock(a, s, end, 15);
    expect(runs.map((r) => r.slot)).toEqual(expected);
    // Each ran at the first tick at or after its slot: on time, to the tick.
    expect(runs.map((r) => r.at)).toEqual(expected);
  });

  it('runs each target on its own schedule, with the default for a subscription without one', async () => {
    const { archive: a, store: s } = await setup('2026-11-25T00:00:00Z', [
      { target: channel('berlin'), cron: '0 8 * * *', timezone: 'Europe/Berlin' },
      { target: channel('tokyo'), cron: '30 7 * * 1-5', timezone: 'Asia/Tokyo' },
      { target: channel('default'), cron: null, timezone: '' },
    ]);
    const runs = await runClock(a, s, '2026-11-26T00:00:00Z', 5, {
      defaultCron: '0 12 * * *',
      defaultTimeZone: 'UTC',
    });
    // Tokyo's Wednesday 07:30 (24 Nov 22:30Z) came before the subscription: not due.
    expect(runs.map((r) => [r.target, r.slot])).toEqual([
      [targetKey(channel('berlin')), '2026-11-25T07:00:00.000Z'],
      [targetKey(channel('default')), '2026-11-25T12:00:00.000Z'],
      [targetKey(channel('tokyo')), '2026-11-25T22:30:00.000Z'],
    ]);
  });
});

describe('missed digests', () => {
  it('a bot down for three days sends one digest, for the latest slot, when it comes back', async () => {
    const { archive: a, store: s } = await setup('2026-10-20T00:00:00Z', [
      { target: CONSOLE, cron: '0 8 * * *', timezone: 'Europe/Berlin' },
    ]);
    // The last digest went out on Friday 08:00 CEST.
    await s.enqueue([], {
      targetKey: targetKey(CONSOLE),
      mark: { lastItemId: 0, lastSlot: '2026-10-23T06:00:00.000Z' },
    });
    await s.upsertFeeds([feed('eff')]);
    a.clock.now = new Date('2026-10-24T10:00:00Z');
    await s.addItems('eff', [tagged({ title: 'Saturday story', themes: ['privacy'] })], {
      alertable: () => true,
    });
    a.clock.now = new Date('2026-10-26T09:30:00Z'); // back on Monday 10:30 CET
    const scheduler = createScheduler({ store: s, now: () => a.clock.now });
    const reports = await scheduler.runDueDigests();
    expect(reports).toEqual([
      { targetKey: targetKey(CONSOLE), slot: '2026-10-26T07:00:00.000Z', outcome: 'enqueued' },
    ]);
    expect(await scheduler.runDueDigests()).toEqual([]);
    a.clock.now = new Date('2026-10-26T20:00:00Z');
    expect(await scheduler.runDueDigests()).toEqual([]);
    const outbox = await s.listOutbox({ targetKey: targetKey(CONSOLE) });
    expect(outbox.map((e) => e.key)).toEqual([`digest:${targetKey(CONSOLE)}:2026-10-26T07:00:00.000Z`]);
    await scheduler.stop();
  });

  it('a slot leased by another replica is left to it', async () => {
    const { archive: a, store: s } = await setup('2026-11-25T00:00:00Z', [
      { target: CONSOLE, cron: '0 8 * * *', timezone: 'UTC' },
    ]);
    a.clock.now = new Date('2026-11-25T08:00:10Z');
    const slotLock = `digest:${targetKey(CONSOLE)}:2026-11-25T08:00:00.000Z`;
    expect(await s.tryLock(slotLock, 'other-replica', 60_000)).toBe(true);
    const scheduler = createScheduler({ store: s, now: () => a.clock.now, owner: 'me' });
    expect((await scheduler.runDueDigests()).map((r) => r.outcome)).toEqual(['locked']);
    expect(await s.getDigestMark(targetKey(CONSOLE))).toBeNull();
    // The other replica died without finishing; its lease runs out and this one takes over.
    a.clock.now = new Date('2026-11-25T08:01:20Z');
    expect((await scheduler.runDueDigests()).map((r) => r.outcome)).toEqual(['empty']);
    await scheduler.stop();
  });
});

describe('restarts', () => {
  it('a restarted scheduler neither repeats the last digest nor skips the next', async () => {
    const { archive: a } = await setup('2026-11-24T12:00:00Z', [
      { target: CONSOLE, cron: '0 8 * * *', timezone: 'Europe/Berlin' },
    ]);
    await store!.upsertFeeds([feed('eff')]);
    const session = async (at: string, newTitles: string[]) => {
      a.clock.now = new Date(at);
      const s = a.open();
      if (newTitles.length) {
        await s.addItems(
          'eff',
          newTitles.map((title) => tagged({ title })),
          { alertable: () => true },
        );
      }
      const scheduler = createScheduler({ store: s, now: () => a.clock.now });
      const reports = await scheduler.runDueDigests();
      await scheduler.stop();
      const entries = await s.listOutbox({ targetKey: targetKey(CONSOLE) });
      await s.close();
      const titles = entries.map((e) =>
        (e.payload as OutboundMessage & { kind: 'digest' }).digest.sections.flatMap((x) =>
          x.entries.map((en) => en.item.title),
        ),
      );
      return {
        outcomes: reports.map((r) => `${r.slot} ${r.outcome}`),
        keys: entries.map((e) => e.key),
        titles,
      };
    };
    await store!.close();
    store = null;
    const first = await session('2026-11-25T07:00:30Z', ['one']);
    expect(first.outcomes).toEqual(['2026-11-25T07:00:00.000Z enqueued']);
    // Restarted a minute later, and again before the next slot: nothing to do.
    expect((await session('2026-11-25T07:01:30Z', [])).outcomes).toEqual([]);
    expect((await session('2026-11-26T06:59:00Z', ['two'])).outcomes).toEqual([]);
    const third = await session('2026-11-26T07:00:10Z', []);
    expect(third.outcomes).toEqual(['2026-11-26T07:00:00.000Z enqueued']);
    expect(third.keys).toEqual([
      `digest:${targetKey(CONSOLE)}:2026-11-25T07:00:00.000Z`,
      `digest:${targetKey(CONSOLE)}:2026-11-26T07:00:00.000Z`,
    ]);
    // Each item in exactly one digest.
    expect(third.titles).toEqual([['one'], ['two']]);
  });
});

describe('digestPlans', () => {
  it('gives a target with several subscriptions one plan on its oldest schedule, any filter matching', () => {
    const sub = (
      id: number,
      channelId: string,
      cron: string | null,
      themes: Subscription['filter']['themes'],
    ): Subscription => ({
      id,
      target: channel(channelId),
      filter: { ...noFilter, themes },
      mode: 'digest',
      cron,
      timezone: 'Europe/Paris',
      createdBy: 'u',
      createdAt: `2026-11-0${id}T00:00:00.000Z`,
    });
    const plans = digestPlans([
      sub(2, 'a', '0 9 * * *', ['privacy']),
      sub(1, 'a', '0 7 * * *', ['censorship']),
      sub(3, 'b', null, []),
    ]);
    expect(
      plans.map((p) => [p.targetKey, p.cron, p.filters.map((f) => f.themes.join()), p.createdAt]),
    ).toEqual([
      [targetKey(channel('a')), '0 7 * * *', ['censorship', 'privacy'], '2026-11-01T00:00:00.000Z'],
      [targetKey(channel('b')), '0 8 * * *', [''], '2026-11-03T00:00:00.000Z'],
    ]);
  });
});

describe('polling', () => {
  it('polls every N minutes and never runs two polls at once', async () => {
    const { archive: a, store: s } = await setup('2026-11-25T00:00:00Z', []);
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const gate: { release: (() => void) | null } = { release: null };
    const scheduler = createScheduler({
      store: s,
      now: () => a.clock.now,
      pollMinutes: 15,
      poll: async () => {
        calls++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((r) => (gate.release = r));
        running--;
      },
    });
    // First tick starts a poll that hangs; the ticks over the next 40 minutes start none.
    const first = scheduler.tick();
    for (let m = 1; m <= 40; m++) {
      a.clock.now = new Date(a.clock.now.getTime() + 60_000);
      await scheduler.tick();
    }
    expect(await scheduler.runPoll()).toBe('skipped');
    expect(calls).toBe(1);
    gate.release?.();
    await first;
    // Free again: over the next hour, one poll per 15 minutes.
    const started = calls;
    for (let m = 1; m <= 60; m++) {
      a.clock.now = new Date(a.clock.now.getTime() + 60_000);
      const t = scheduler.tick();
      gate.release?.();
      await t;
    }
    expect(calls - started).toBe(4);
    expect(maxRunning).toBe(1);
    await scheduler.stop();
  });
});

describe('graceful shutdown', () => {
  it('waits for an in-flight poll to finish, then starts nothing new', async () => {
    const { archive: a, store: s } = await setup('2026-11-25T00:00:00Z', []);
    let finished = false;
    let calls = 0;
    const scheduler = createScheduler({
      store: s,
      now: () => a.clock.now,
      poll: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 80));
        finished = true;
      },
    });
    void scheduler.tick();
    expect(scheduler.isBusy()).toBe(true);
    await scheduler.stop(5_000);
    expect(finished).toBe(true);
    expect(scheduler.isBusy()).toBe(false);
    a.clock.now = new Date(a.clock.now.getTime() + 3_600_000);
    await scheduler.tick();
    expect(await scheduler.runPoll()).toBe('stopped');
    expect(calls).toBe(1);
  });

  it('abandons work that outlasts the timeout and tells it through the abort signal', async () => {
    const { archive: a, store: s } = await setup('2026-11-25T00:00:00Z', []);
    let aborted = false;
    const scheduler = createScheduler({
      store: s,
      now: () => a.clock.now,
      poll: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    void scheduler.tick();
    const t0 = Date.now();
    await scheduler.stop(60);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(aborted).toBe(true);
  });

  it('start() runs a first tick at once through node-cron’s task, and stop() ends it', async () => {
    const { archive: a, store: s } = await setup('2026-11-25T00:00:00Z', []);
    let calls = 0;
    const scheduler = createScheduler({ store: s, now: () => a.clock.now, poll: async () => void calls++ });
    scheduler.start();
    await scheduler.stop(1_000);
    expect(calls).toBe(1);
  });
});

describe('stopOnSignals', () => {
  it('on SIGTERM stops the scheduler, then closes the archive, then exits 0; a second signal forces exit 1', async () => {
    const { EventEmitter } = await import('node:events');
    const { stopOnSignals } = await import('../../src/scheduler.ts');
    const source = new EventEmitter();
    const order: string[] = [];
    let stopRelease: (() => void) | null = null;
    const exited = new Promise<number>((resolve) => {
      const uninstall = stopOnSignals(
        { stop: () => new Promise<void>((r) => (stopRelease = () => (order.push('stopped'), r()))) },
        {
          source,
          close: async () => void order.push('closed'),
          exit: (code) => {
            order.push(`exit ${code}`);
            uninstall();
            resolve(code);
          },
        },
      );
    });
    source.emit('SIGTERM', 'SIGTERM');
    expect(order).toEqual([]);
    (stopRelease as (() => void) | null)?.();
    expect(await exited).toBe(0);
    expect(order).toEqual(['stopped', 'closed', 'exit 0']);
  });
});
