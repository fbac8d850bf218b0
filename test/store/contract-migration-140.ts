// Migration 140 (a shared link is not identity when guids are trusted), the same on every
// adapter: an archive made under the earlier schema keeps every item, once, with its id,
// and afterwards stores distinct items of one feed that share a link. An adapter's test file
// calls runMigration140Contract with a way to make an archive at the schema before 140 (the
// current Store class on it) and to reopen it, which migrates.
import { describe, expect, it } from 'vitest';
import type { FeedSource, TaggedItem } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';
import { loadCorpus } from './contract.ts';

export interface OldArchive {
  store: Store;
  /** Close nothing; open the same archive again with every migration applied. */
  reopen: () => Promise<Store>;
}

const press = 'https://ministry.example/press';

function feed(id: string): FeedSource {
  return {
    id,
    name: id,
    url: `https://ministry.example/${id}.xml`,
    kind: 'rights',
    language: 'en',
    origin: 'operator',
  };
}

function release(k: number): TaggedItem {
  return {
    guid: `urn:release:${k}`,
    title: `Release ${k} on quokka auctions`,
    url: press,
    author: null,
    summary: `Text of release ${k}.`,
    published: `2026-03-0${k + 1}T09:00:00.000Z`,
    publishedEstimated: false,
    lang: 'en',
    themes: [],
    regions: [],
    why: {},
  };
}

const guidMode = { alertable: () => true, urlIsIdentity: false };

async function snapshot(store: Store): Promise<string[]> {
  return (await store.listItems({})).map((i) => `${i.id} ${i.feedId} ${i.guid} ${i.url ?? '-'} ${i.title}`);
}

export function runMigration140Contract(name: string, makeOld: () => Promise<OldArchive>): void {
  describe(`migration 140 (shared links): ${name}`, () => {
    it('keeps every item once, then stores distinct items that share a link', async () => {
      const { store: old, reopen } = await makeOld();
      await loadCorpus(old);
      await old.upsertFeeds([feed('ministry'), feed('mirror')]);
      // Under the old unique (url, feed_id) index only the first of six survives.
      const before = await old.addItems('ministry', [0, 1, 2, 3, 4, 5].map(release), guidMode);
      expect(before.added).toHaveLength(1);
      await old.addItems('mirror', [release(0)], guidMode);
      const items = await snapshot(old);
      const count = await old.countItems();
      await old.close();

      const store = await reopen();
      try {
        expect(await snapshot(store)).toEqual(items);
        expect(await store.countItems()).toBe(count);
        expect((await store.search({ text: 'quokka' })).total).toBe(2);
        const after = await store.addItems('ministry', [0, 1, 2, 3, 4, 5].map(release), guidMode);
        expect(after.added.map((i) => i.guid)).toEqual([1, 2, 3, 4, 5].map((k) => `urn:release:${k}`));
        const again = await store.addItems('ministry', [0, 1, 2, 3, 4, 5].map(release), guidMode);
        expect(again).toEqual({ added: [], duplicates: 6 });
        expect((await store.listItems({ sources: ['ministry'] })).length).toBe(6);
        expect((await store.search({ text: 'quokka' })).total).toBe(7);
        // Link mode still dedupes by the link.
        const linkMode = await store.addItems('mirror', [{ ...release(9), guid: 'sha1:9' }], {
          alertable: () => true,
        });
        expect(linkMode.added).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}
