// The story index part of the Store contract (src/store/types-stories.ts), run by
// runStoreContract for every adapter: features stored with each item, candidates found by
// key lookups (no reading back of the recent window), lazy backfill, pruning.
import { describe, expect, it } from 'vitest';
import { clusterNewItems } from '../../src/digest/cluster.ts';
import { storyFeatures } from '../../src/digest/story-features.ts';
import { storyKeys } from '../../src/digest/story-keys.ts';
import type { FeedSource, TaggedItem } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';

const always = { alertable: () => true };

export function source(id: string): FeedSource {
  return {
    id,
    name: id.toUpperCase(),
    url: `https://${id}.example/feed.xml`,
    kind: 'rights',
    language: 'en',
    origin: 'operator',
  };
}

export function report(guid: string, title: string, summary: string, url: string | null = null): TaggedItem {
  return {
    guid,
    title,
    url: url ?? `https://news.example/${guid}`,
    author: null,
    summary,
    published: new Date(Date.now() - 3_600_000).toISOString(),
    publishedEstimated: false,
    lang: 'en',
    themes: [],
    regions: [],
    why: {},
  };
}

const STORY_A = [
  'Roskomnadzor blocks Signal messenger nationwide',
  'Russian regulator Roskomnadzor ordered ISPs to block the Signal app.',
];
const STORY_A2 = [
  'Signal messenger blocked nationwide by Roskomnadzor',
  'ISPs were told by Roskomnadzor to block Signal across the country.',
];
const OTHER = [
  'Kenya parliament passes data protection amendment',
  'Lawmakers in Nairobi adopted changes to the data protection act.',
];

export function runStoriesContract(store: () => Store): void {
  describe('story index', () => {
    it('stores each new item’s features and keys with it, found again by key lookup', async () => {
      const s = store();
      await s.upsertFeeds([source('sa')]);
      const { added } = await s.addItems('sa', [report('x1', STORY_A[0]!, STORY_A[1]!)], always);
      const [row] = await s.stories.load([added[0]!.id]);
      expect(row).toMatchObject({ id: added[0]!.id, feedId: 'sa', clusterId: null });
      expect([...row!.features!.words].some((w) => w.startsWith('roskom'))).toBe(true);
      expect(row!.features).toMatchObject({ id: added[0]!.id, feedId: 'sa', url: added[0]!.url });
      const keys = storyKeys(storyFeatures(added[0]!));
      const hits = await s.stories.lookup(keys, 0, 10);
      expect(new Set(hits.map((h) => h.key))).toEqual(new Set(keys));
      for (const h of hits) expect(h.itemIds).toEqual([added[0]!.id]);
      expect(await s.stories.lookup(keys, added[0]!.id + 1, 10)).toEqual([]);
      expect(await s.stories.unindexed(0, 10)).toEqual([]);
      // At most `perKey` items per key: a copy of the item under another guid shares every key.
      const copy = (await s.addItems('sa', [report('x2', STORY_A[0]!, STORY_A[1]!)], always)).added;
      const capped = await s.stories.lookup(keys, 0, 1);
      expect(capped).toHaveLength(keys.length);
      for (const h of capped) expect(h.itemIds).toHaveLength(1);
      for (const h of await s.stories.lookup(keys, 0, 2)) {
        expect(new Set(h.itemIds)).toEqual(new Set([added[0]!.id, copy[0]!.id]));
      }
      expect(await s.stories.idsByUrls([added[0]!.url!, 'https://nowhere.example/'])).toEqual([added[0]!.id]);
    });

    it('clusters reports of one story across polls through the index, without reading the window back', async () => {
      const s = store();
      s.listItems = () => Promise.reject(new Error('listItems must not be used by clustering'));
      await s.upsertFeeds([source('sa'), source('sb'), source('sc')]);
      const first = (await s.addItems('sa', [report('a1', STORY_A[0]!, STORY_A[1]!)], always)).added;
      expect(await clusterNewItems(s, first, new Date())).toEqual([
        { itemId: first[0]!.id, clusterId: first[0]!.id },
      ]);
      const other = (await s.addItems('sc', [report('c1', OTHER[0]!, OTHER[1]!)], always)).added;
      await clusterNewItems(s, other, new Date());
      const second = (await s.addItems('sb', [report('b1', STORY_A2[0]!, STORY_A2[1]!)], always)).added;
      const out = await clusterNewItems(s, second, new Date());
      expect(out).toContainEqual({ itemId: second[0]!.id, clusterId: first[0]!.id });
      const rows = await s.stories.load([first[0]!.id, second[0]!.id, other[0]!.id]);
      const cluster = new Map(rows.map((r) => [r.id, r.clusterId]));
      expect(cluster.get(first[0]!.id)).toBe(first[0]!.id);
      expect(cluster.get(second[0]!.id)).toBe(first[0]!.id);
      expect(cluster.get(other[0]!.id)).toBe(other[0]!.id);
    });

    it('indexes new items stored without their features when it clusters them', async () => {
      const s = store();
      await s.upsertFeeds([source('sa'), source('sb'), source('sc')]);
      // A clustering before: the archive's lazy backfill has run and will not look again.
      const other = (await s.addItems('sc', [report('m0', OTHER[0]!, OTHER[1]!)], always)).added;
      await clusterNewItems(s, other, new Date());
      const first = (await s.addItems('sa', [report('m1', STORY_A[0]!, STORY_A[1]!)], always)).added;
      // As when a tool stored the item without its features.
      while ((await s.stories.prune(first[0]!.id + 1, 1000)) >= 1000);
      expect((await s.stories.load([first[0]!.id]))[0]!.features).toBeNull();
      await clusterNewItems(s, first, new Date());
      expect((await s.stories.load([first[0]!.id]))[0]!.features).not.toBeNull();
      const second = (await s.addItems('sb', [report('m2', STORY_A2[0]!, STORY_A2[1]!)], always)).added;
      expect(await clusterNewItems(s, second, new Date())).toContainEqual({
        itemId: second[0]!.id,
        clusterId: first[0]!.id,
      });
    });

    it('joins items with the same URL whatever their age, and indexes older items lazily', async () => {
      const s = store();
      await s.upsertFeeds([source('sa'), source('sb')]);
      const old = (
        await s.addItems('sa', [report('o1', STORY_A[0]!, STORY_A[1]!, 'https://same.example/1')], always)
      ).added;
      // As an archive from before the index (or a copy): no features, no keys.
      while ((await s.stories.prune(old[0]!.id + 1, 1000)) >= 1000);
      expect((await s.stories.load([old[0]!.id]))[0]!.features).toBeNull();
      expect(await s.stories.lookup(storyKeys(storyFeatures(old[0]!)), 0, 10)).toEqual([]);
      expect((await s.stories.unindexed(0, 10)).map((i) => i.id)).toEqual([old[0]!.id]);
      const fresh = (await s.addItems('sb', [report('n1', STORY_A2[0]!, STORY_A2[1]!)], always)).added;
      const out = await clusterNewItems(s, fresh, new Date());
      expect(out).toContainEqual({ itemId: fresh[0]!.id, clusterId: old[0]!.id });
      expect(await s.stories.unindexed(0, 10)).toEqual([]);
      // Out of the window, only the URL still matches.
      while ((await s.stories.prune(fresh[0]!.id + 1, 1000)) >= 1000);
      await s.upsertFeeds([source('sc')]);
      const sameUrl = (
        await s.addItems('sc', [report('u1', OTHER[0]!, OTHER[1]!, 'https://same.example/1')], always)
      ).added;
      expect(await clusterNewItems(s, sameUrl, new Date())).toContainEqual({
        itemId: sameUrl[0]!.id,
        clusterId: old[0]!.id,
      });
    });
  });
}
