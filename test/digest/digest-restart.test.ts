// Digests against a real SQLite file: one entry per slot in the outbox, nothing repeated and
// nothing skipped when the process restarts between (or during) runs.
import { afterEach, describe, expect, it } from 'vitest';
import { clusterNewItems } from '../../src/digest/cluster.ts';
import { buildDigest } from '../../src/digest/build.ts';
import { digestKey, runDigest } from '../../src/digest/run.ts';
import type { Digest } from '../../src/digest/types.ts';
import type { OutboundMessage } from '../../src/delivery/types.ts';
import { targetKey } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';
import { CONSOLE, feed, tagged, tempArchive, type TestArchive } from './helpers.ts';

let archive: TestArchive | null = null;
afterEach(() => archive?.cleanup());

function idsIn(d: Digest): number[] {
  return d.sections.flatMap((s) => s.entries.map((e) => e.item.id)).sort((a, b) => a - b);
}

async function poll(
  store: Store,
  feedId: string,
  titles: string[],
  themes: ['censorship'] | [] = ['censorship'],
  published?: string,
) {
  const { added } = await store.addItems(
    feedId,
    titles.map((title) => tagged({ title, themes, ...(published ? { published } : {}) })),
    { alertable: () => true },
  );
  await clusterNewItems(store, added, archive!.clock.now);
  return added;
}

describe('runDigest across restarts', () => {
  it('neither repeats nor skips a digest when the archive is closed and reopened', async () => {
    archive = tempArchive('2026-11-25T09:00:00Z');
    let store = archive.open();
    await store.upsertFeeds([feed('eff'), feed('hrw')]);
    const first = await poll(store, 'eff', ['Kenya blocks X', 'Vietnam jails blogger']);
    const slot1 = new Date('2026-11-26T08:00:00Z');
    archive.clock.now = new Date('2026-11-26T08:00:05Z');
    const r1 = await runDigest(store, {
      target: CONSOLE,
      filters: [],
      slot: slot1,
      now: archive.clock.now,
      firstSince: '2026-11-25T08:00:00Z',
    });
    expect(r1.status).toBe('enqueued');
    if (r1.status !== 'enqueued') return;
    expect(r1.added).toBe(1);
    expect(idsIn(r1.digest)).toEqual(first.map((i) => i.id));
    await store.close();

    // Restart: the same slot again is a no-op.
    store = archive.open();
    const again = await runDigest(store, {
      target: CONSOLE,
      filters: [],
      slot: slot1,
      now: archive.clock.now,
    });
    expect(again.status).toBe('already-done');
    // An item arriving after the digest was recorded waits for the next slot.
    archive.clock.now = new Date('2026-11-26T12:00:00Z');
    const later = await poll(store, 'hrw', ['Iran cuts internet in Zahedan']);
    await store.close();

    store = archive.open();
    const slot2 = new Date('2026-11-27T08:00:00Z');
    archive.clock.now = new Date('2026-11-27T08:00:02Z');
    const r2 = await runDigest(store, { target: CONSOLE, filters: [], slot: slot2, now: archive.clock.now });
    expect(r2.status).toBe('enqueued');
    if (r2.status !== 'enqueued') return;
    expect(idsIn(r2.digest)).toEqual(later.map((i) => i.id));
    expect(r2.digest.since).toBe(slot1.toISOString());

    const outbox = await store.listOutbox({ targetKey: targetKey(CONSOLE) });
    expect(outbox.map((e) => e.key).sort()).toEqual([digestKey(CONSOLE, slot1), digestKey(CONSOLE, slot2)]);
    const payload = outbox.find((e) => e.key === digestKey(CONSOLE, slot2))!.payload as OutboundMessage;
    expect(payload.kind).toBe('digest');
    expect(await store.getDigestMark(targetKey(CONSOLE))).toEqual({
      lastItemId: later[0]!.id,
      lastSlot: slot2.toISOString(),
    });
    await store.close();
  });

  it('records one outbox entry when two runs race for the same slot', async () => {
    archive = tempArchive('2026-11-25T09:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    await poll(store, 'eff', ['Kenya blocks X']);
    const slot = new Date('2026-11-26T08:00:00Z');
    const opts = { target: CONSOLE, filters: [], slot, now: slot, firstSince: '2026-11-25T00:00:00Z' };
    const results = await Promise.all([runDigest(store, opts), runDigest(store, opts)]);
    const added = results.map((r) => (r.status === 'enqueued' ? r.added : 0));
    expect(added.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await store.listOutbox({ targetKey: targetKey(CONSOLE) })).toHaveLength(1);
    await store.close();
  });

  it('posts nothing for an empty digest but moves the mark past what it read', async () => {
    archive = tempArchive('2026-11-25T09:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    const items = await poll(store, 'eff', ['Budget news'], []);
    const censorship = [{ themes: ['censorship' as const], regions: [], sources: [], keywords: [] }];
    const slot = new Date('2026-11-26T08:00:00Z');
    const r = await runDigest(store, {
      target: CONSOLE,
      filters: censorship,
      slot,
      now: slot,
      firstSince: '2026-11-25T00:00:00Z',
    });
    expect(r.status).toBe('empty');
    expect(await store.listOutbox({ targetKey: targetKey(CONSOLE) })).toHaveLength(0);
    expect(await store.getDigestMark(targetKey(CONSOLE))).toEqual({
      lastItemId: items[0]!.id,
      lastSlot: slot.toISOString(),
    });
    // Asked to, it posts a "nothing new" digest.
    const next = new Date('2026-11-27T08:00:00Z');
    const r2 = await runDigest(store, {
      target: CONSOLE,
      filters: censorship,
      slot: next,
      now: next,
      postEmpty: true,
    });
    expect(r2.status).toBe('enqueued');
    await store.close();
  });

  it('a first digest covers its period, not the whole archive, and leaves the mark at the top', async () => {
    archive = tempArchive('2026-11-01T09:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([feed('eff')]);
    const old = await poll(store, 'eff', ['Old story'], ['censorship'], '2026-11-01T08:00:00Z');
    archive.clock.now = new Date('2026-11-25T20:00:00Z');
    const recent = await poll(store, 'eff', ['Recent story']);
    const slot = new Date('2026-11-26T08:00:00Z');
    const r = await runDigest(store, { target: CONSOLE, filters: [], slot, now: slot });
    expect(r.status === 'enqueued' && idsIn(r.digest)).toEqual(recent.map((i) => i.id));
    expect(old[0]!.id).toBeLessThan(recent[0]!.id);
    await store.close();
  });
});

describe('clusters through the archive', () => {
  it('merges one story reported by three sources across polls into one digest entry', async () => {
    archive = tempArchive('2026-11-25T09:00:00Z');
    const store = archive.open();
    await store.upsertFeeds([
      feed('amnesty', 'Amnesty'),
      feed('accessnow', 'Access Now'),
      feed('meduza', 'Meduza'),
    ]);
    const add = async (feedId: string, item: Parameters<typeof tagged>[0]) => {
      const { added } = await store.addItems(feedId, [tagged(item)], { alertable: () => true });
      return clusterNewItems(store, added, archive!.clock.now);
    };
    await add('amnesty', {
      title: 'Serbia: Pegasus spyware found on phones of two journalists',
      summary: 'Forensic analysis confirms Pegasus infections of BIRN journalists in Belgrade.',
      themes: ['surveillance'],
      url: 'https://amnesty.example/serbia-pegasus',
    });
    archive.clock.now = new Date('2026-11-25T13:00:00Z');
    await add('accessnow', {
      title: 'Pegasus spyware targeted two Serbian journalists, analysis confirms',
      summary: 'Traces of Pegasus were found on the phones of BIRN reporters in Serbia.',
      themes: ['surveillance'],
    });
    // An aggregator linking the same article: same canonical URL.
    await add('meduza', { title: 'Читайте также', url: 'https://amnesty.example/serbia-pegasus' });
    await add('meduza', { title: 'Суд в Москве оштрафовал Google', themes: ['censorship'] });

    const d = await buildDigest(store, { target: CONSOLE, afterId: 0, now: archive.clock.now });
    expect(d.totalStories).toBe(2);
    const pegasus = d.sections.flatMap((s) => s.entries).find((e) => e.item.feedId === 'amnesty')!;
    expect(pegasus.alsoReportedBy.map((r) => r.source)).toEqual(['Access Now', 'Meduza']);
    const stored = await store.listItems({ afterId: 0 });
    expect(stored.map((i) => i.clusterId)).toEqual([1, 1, 1, 4].map((n) => stored[n - 1]!.id));
    await store.close();
  });
});
