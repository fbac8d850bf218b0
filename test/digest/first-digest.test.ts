// A target's first digest shows the news: its own period (a day for a daily schedule, a
// week for a weekly one) by publication date, a new feed's backlog included; later digests
// take a feed added since the last slot with its items published since then, never its old
// archive. Alerts keep ignoring backlog.
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueAlerts } from '../../src/alerts.ts';
import { digestPeriodStart } from '../../src/digest/period.ts';
import { runDigest } from '../../src/digest/run.ts';
import type { Digest } from '../../src/digest/types.ts';
import type { Store } from '../../src/store/types.ts';
import { CONSOLE, feed, tagged, tempArchive, type TestArchive } from './helpers.ts';

let archive: TestArchive | null = null;
afterEach(() => archive?.cleanup());

const titles = (d: Digest): string[] => d.sections.flatMap((s) => s.entries.map((e) => e.item.title)).sort();

/** A new feed's first poll: everything is backlog (GOVWATCH_NEW_ON_FIRST_POLL=0). */
async function backlog(store: Store, feedId: string, items: Array<[string, string]>) {
  const { added } = await store.addItems(
    feedId,
    items.map(([title, published]) => tagged({ title, published })),
    { alertable: () => false },
  );
  return added;
}

describe('the period of a schedule', () => {
  it('is a day for a daily digest and a week for a weekly one, at a slot or between slots', () => {
    const at = new Date('2026-11-26T08:00:00Z');
    expect(digestPeriodStart('0 8 * * *', 'UTC', at).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    // 2026-11-26 is a Thursday: the weekly Thursday slot before it is a week earlier.
    expect(digestPeriodStart('0 8 * * 4', 'UTC', at).toISOString()).toBe('2026-11-19T08:00:00.000Z');
    const between = new Date('2026-11-26T15:30:00Z');
    expect(digestPeriodStart('0 8 * * 1', 'UTC', between).toISOString()).toBe('2026-11-19T15:30:00.000Z');
    expect(digestPeriodStart('not a cron', 'UTC', between).toISOString()).toBe('2026-11-25T15:30:00.000Z');
  });
});

describe('first digest', () => {
  it('covers its own period by publication date, backlog included, and not older items', async () => {
    archive = tempArchive('2026-11-26T07:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    await backlog(store, 'eff', [
      ['Published an hour ago', '2026-11-26T06:00:00Z'],
      ['Published three days ago', '2026-11-23T10:00:00Z'],
      ['Published last month', '2026-10-20T10:00:00Z'],
    ]);
    const slot = new Date('2026-11-26T08:00:00Z');
    const daily = await runDigest(store, {
      target: CONSOLE,
      filters: [],
      slot,
      now: slot,
      firstSince: digestPeriodStart('0 8 * * *', 'UTC', slot).toISOString(),
    });
    expect(daily.status).toBe('enqueued');
    if (daily.status !== 'enqueued') return;
    expect(titles(daily.digest)).toEqual(['Published an hour ago']);
    expect(daily.digest.since).toBe('2026-11-25T08:00:00.000Z');

    const weeklyTarget = { ...CONSOLE, channelId: 'weekly' };
    const weekly = await runDigest(store, {
      target: weeklyTarget,
      filters: [],
      slot,
      now: slot,
      firstSince: digestPeriodStart('0 8 * * 4', 'UTC', slot).toISOString(),
    });
    expect(weekly.status === 'enqueued' && titles(weekly.digest)).toEqual([
      'Published an hour ago',
      'Published three days ago',
    ]);
    // The mark is past the whole archive: the next digest starts after it.
    const again = await runDigest(store, {
      target: CONSOLE,
      filters: [],
      slot: new Date('2026-11-27T08:00:00Z'),
      now: new Date('2026-11-27T08:00:00Z'),
    });
    expect(again.status).toBe('empty');
    await store.close();
  });

  it('is capped as usual', async () => {
    archive = tempArchive('2026-11-26T07:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    await backlog(
      store,
      'eff',
      Array.from({ length: 12 }, (_, k): [string, string] => [
        `Story ${k} on a distinct subject number ${k * 7919}`,
        '2026-11-26T05:00:00Z',
      ]),
    );
    const slot = new Date('2026-11-26T08:00:00Z');
    const r = await runDigest(store, { target: CONSOLE, filters: [], slot, now: slot, cap: 5 });
    expect(r.status === 'enqueued' && r.digest.totalStories).toBe(12);
    expect(r.status === 'enqueued' && r.digest.omitted).toBe(7);
    await store.close();
  });

  it('later digests take a new feed with what it published since the last slot, never its old archive', async () => {
    archive = tempArchive('2026-11-26T07:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    const slot1 = new Date('2026-11-26T08:00:00Z');
    expect((await runDigest(store, { target: CONSOLE, filters: [], slot: slot1, now: slot1 })).status).toBe(
      'empty',
    );
    // An admin adds a feed in the afternoon: its first poll is backlog.
    archive.clock.now = new Date('2026-11-26T15:00:00Z');
    await store.upsertFeeds([feed('hrw')]);
    await backlog(store, 'hrw', [
      ['Posted this afternoon', '2026-11-26T14:00:00Z'],
      ['Posted last week', '2026-11-18T14:00:00Z'],
    ]);
    const slot2 = new Date('2026-11-27T08:00:00Z');
    const r = await runDigest(store, { target: CONSOLE, filters: [], slot: slot2, now: slot2 });
    expect(r.status === 'enqueued' && titles(r.digest)).toEqual(['Posted this afternoon']);
    await store.close();
  });

  it('alerts still skip a backlog', async () => {
    archive = tempArchive('2026-11-26T07:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    await store.addSubscription({
      target: CONSOLE,
      filter: { themes: [], regions: [], sources: [], keywords: [] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'test',
    });
    const added = await backlog(store, 'eff', [['Fresh backlog item', '2026-11-26T06:00:00Z']]);
    expect(await enqueueAlerts(store, added)).toBe(0);
    expect(await store.listOutbox()).toEqual([]);
    await store.close();
  });
});
