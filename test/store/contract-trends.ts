// The trend-count part of the Store contract (src/store/types-trends.ts), run by
// runStoreContract for every adapter: what the charts of /trends, `govwatch trends` and the
// weekly digest are drawn from.
import { describe, expect, it } from 'vitest';
import type { FeedSource, TaggedItem } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';
import type { TrendQuery } from '../../src/store/types-trends.ts';

const feed = (id: string): FeedSource => ({
  id,
  name: id,
  url: `https://${id}.example/feed.xml`,
  kind: 'rights',
  language: 'en',
  origin: 'operator',
});

let seq = 0;
function item(published: string, themes: string[], regions: string[]): TaggedItem {
  seq++;
  return {
    guid: `trend-${seq}`,
    title: `Trend item ${seq}`,
    url: `https://news.example/trend/${seq}`,
    author: null,
    summary: 'About something.',
    published,
    publishedEstimated: false,
    lang: 'en',
    themes: themes as TaggedItem['themes'],
    regions,
    why: {},
  };
}

const always = { alertable: () => false };

/** Rows as `day series count` strings, sorted, for readable comparisons. */
async function counts(store: Store, q: Partial<TrendQuery>): Promise<string[]> {
  const rows = await store.trends.count({
    since: '2026-03-01T00:00:00Z',
    until: '2026-03-08T00:00:00Z',
    split: 'theme',
    ...q,
  });
  return rows.map((r) => `${r.day} ${r.series} ${Number(r.count)}`).sort();
}

async function seed(store: Store): Promise<void> {
  await store.upsertFeeds([feed('ta'), feed('tb')]);
  await store.addItems(
    'ta',
    [
      item('2026-03-01T00:00:00Z', ['censorship', 'shutdowns'], ['RU']),
      item('2026-03-01T23:59:59Z', ['censorship'], ['ru', 'IR']),
      item('2026-03-02T12:00:00Z', ['privacy'], ['EU']),
      // Outside the period on both sides (until is exclusive).
      item('2026-02-28T23:59:59Z', ['censorship'], ['RU']),
      item('2026-03-08T00:00:00Z', ['censorship'], ['RU']),
    ],
    always,
  );
  await store.addItems(
    'tb',
    [item('2026-03-02T08:00:00Z', ['censorship'], ['CN']), item('2026-03-03T08:00:00Z', [], ['CN'])],
    always,
  );
}

export function runTrendsContract(store: () => Store): void {
  describe('trend counts', () => {
    it('count items per UTC day and theme, an item on each of its lines, within [since, until)', async () => {
      await seed(store());
      expect(await counts(store(), {})).toEqual([
        '2026-03-01 censorship 2',
        '2026-03-01 shutdowns 1',
        '2026-03-02 censorship 1',
        '2026-03-02 privacy 1',
      ]);
    });

    it('split by region, upper-cased, filtered by theme (items with no theme count per region only when unfiltered)', async () => {
      await seed(store());
      expect(await counts(store(), { split: 'region', themes: ['censorship'] })).toEqual([
        '2026-03-01 IR 1',
        '2026-03-01 RU 2',
        '2026-03-02 CN 1',
      ]);
      expect(await counts(store(), { split: 'region' })).toContain('2026-03-03 CN 1');
    });

    it('filter by the line’s own tags, the other kind and the source', async () => {
      await seed(store());
      expect(await counts(store(), { themes: ['censorship', 'privacy'] })).toEqual([
        '2026-03-01 censorship 2',
        '2026-03-02 censorship 1',
        '2026-03-02 privacy 1',
      ]);
      expect(await counts(store(), { regions: ['ir'] })).toEqual(['2026-03-01 censorship 1']);
      expect(await counts(store(), { split: 'region', regions: ['cn', 'RU'] })).toEqual([
        '2026-03-01 RU 2',
        '2026-03-02 CN 1',
        '2026-03-03 CN 1',
      ]);
      expect(await counts(store(), { sources: ['tb'] })).toEqual(['2026-03-02 censorship 1']);
    });

    it('follow the archive: a removed feed’s items no longer count', async () => {
      await seed(store());
      await store().removeFeed('tb');
      expect(await counts(store(), { split: 'region', regions: ['CN'] })).toEqual([]);
      expect(await counts(store(), { themes: ['censorship'] })).toEqual(['2026-03-01 censorship 2']);
    });
  });
}
