import { describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/digest/build.ts';
import type { SubscriptionFilter } from '../../src/model.ts';
import { makeItem } from './helpers.ts';

const NOW = new Date('2026-11-26T08:00:00Z');
const all: SubscriptionFilter[] = [];

describe('composeDigest', () => {
  it('shows a cluster once, under its first matching report, crediting the other sources', () => {
    const items = [
      makeItem({
        id: 1,
        feedId: 'amnesty',
        sourceName: 'Amnesty',
        title: 'Pegasus in Serbia',
        themes: ['surveillance'],
        clusterId: 1,
      }),
      makeItem({
        id: 2,
        feedId: 'accessnow',
        sourceName: 'Access Now',
        title: 'Serbian journalists hacked',
        themes: ['surveillance'],
        clusterId: 1,
      }),
      makeItem({
        id: 3,
        feedId: 'novaya',
        sourceName: 'Novaya',
        title: 'Pegasus в Сербии',
        clusterId: 1,
        url: null,
      }),
      makeItem({ id: 4, feedId: 'eff', sourceName: 'EFF', title: 'Unrelated', themes: ['privacy'] }),
    ];
    const d = composeDigest(items, {
      target: null,
      filters: [{ themes: ['surveillance'], regions: [], sources: [], keywords: [] }],
      now: NOW,
    });
    expect(d.totalStories).toBe(1);
    expect(d.sections).toHaveLength(1);
    const entry = d.sections[0]!.entries[0]!;
    expect(entry.item.id).toBe(1);
    // Novaya's report did not match the filter (no theme) but is the same story: credited.
    expect(entry.alsoReportedBy).toEqual([
      { itemId: 2, source: 'Access Now', url: 'https://example.org/2' },
      { itemId: 3, source: 'Novaya', url: null },
    ]);
  });

  it('leaves out a new feed’s backlog (not alertable)', () => {
    const items = [
      makeItem({ id: 1, title: 'old post from a new feed', alertable: false }),
      makeItem({ id: 2, title: 'fresh' }),
    ];
    const d = composeDigest(items, { target: null, filters: all, now: NOW });
    expect(d.sections.flatMap((s) => s.entries.map((e) => e.item.id))).toEqual([2]);
    // `govwatch digest` (a reader looking back, not a post) may ask for it.
    const all2 = composeDigest(items, { target: null, filters: all, now: NOW, includeBacklog: true });
    expect(all2.totalStories).toBe(2);
  });

  it('groups by primary theme, lists each item once, puts most-reported and then newest first', () => {
    const items = [
      makeItem({
        id: 1,
        feedId: 'a',
        title: 'older single',
        themes: ['censorship'],
        published: '2026-11-25T09:00:00Z',
      }),
      makeItem({
        id: 2,
        feedId: 'b',
        title: 'newer single',
        themes: ['censorship'],
        published: '2026-11-25T20:00:00Z',
      }),
      makeItem({
        id: 3,
        feedId: 'c',
        title: 'big story',
        themes: ['censorship', 'shutdowns'],
        why: { shutdowns: ['cut', 'blackout'], censorship: ['blocked'] },
        clusterId: 3,
        published: '2026-11-25T06:00:00Z',
      }),
      makeItem({ id: 4, feedId: 'd', title: 'big story too', themes: ['shutdowns'], clusterId: 3 }),
      makeItem({ id: 5, feedId: 'e', title: 'untagged' }),
      makeItem({
        id: 6,
        feedId: 'f',
        title: 'also censorship',
        themes: ['censorship'],
        published: '2026-11-25T10:00:00Z',
      }),
    ];
    const d = composeDigest(items, { target: null, filters: all, now: NOW });
    const layout = d.sections.map((s) => [s.theme, s.entries.map((e) => e.item.id)]);
    expect(layout).toEqual([
      ['censorship', [2, 6, 1]],
      ['shutdowns', [3]],
      ['other', [5]],
    ]);
    const ids = d.sections.flatMap((s) => s.entries.map((e) => e.item.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('caps the stories and points to a search for the rest', () => {
    const items = Array.from({ length: 30 }, (_, i) =>
      makeItem({
        id: i + 1,
        feedId: `f${i}`,
        title: `story ${i}`,
        themes: ['privacy'],
        published: `2026-11-25T${String(i % 24).padStart(2, '0')}:00:00Z`,
      }),
    );
    const filter: SubscriptionFilter = {
      themes: ['privacy'],
      regions: ['EU'],
      sources: [],
      keywords: ['GDPR'],
    };
    const withRegion = items.map((i) => ({ ...i, regions: ['EU'], summary: 'GDPR fine' }));
    const d = composeDigest(withRegion, {
      target: null,
      filters: [filter],
      now: NOW,
      cap: 10,
      since: '2026-11-25T08:00:00.000Z',
    });
    expect(d.totalStories).toBe(30);
    expect(d.omitted).toBe(20);
    expect(d.sections.reduce((n, s) => n + s.entries.length, 0)).toBe(10);
    expect(d.moreQuery).toBe('/search "GDPR" theme:privacy region:EU since:2026-11-25');
    // Without an explicit start, the period starts at the earliest first-seen time.
    const open = composeDigest(withRegion, { target: null, filters: [filter], now: NOW });
    expect(open.since).toBe('2026-11-25T00:00:00Z');
    expect(open.until).toBe(NOW.toISOString());
  });

  it('is empty, with no sections, when nothing matches', () => {
    const d = composeDigest([makeItem({ id: 1, title: 'x', themes: ['privacy'] })], {
      target: null,
      filters: [{ themes: ['censorship'], regions: [], sources: [], keywords: [] }],
      now: NOW,
    });
    expect(d).toMatchObject({ totalStories: 0, omitted: 0, sections: [], moreQuery: null });
  });
});
