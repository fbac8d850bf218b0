// The one behaviour suite every Store adapter must pass. An adapter's test file calls
// runStoreContract(name, open, cleanup); `open` must return a fresh, empty store each time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedSource, FeedState, TaggedItem, Target, ThemeId } from '../../src/model.ts';
import { emptyFeedState, targetKey } from '../../src/model.ts';
import type { NewOutboxEntry, SearchQuery, Snippet, Store } from '../../src/store/types.ts';
import { runEvidenceContract } from './contract-evidence.ts';
import { runSettingsContract } from './contract-settings.ts';
import { runTrendsContract } from './contract-trends.ts';
import { runStoriesContract } from './contract-stories.ts';
import { runTrackersContract } from './contract-trackers.ts';
import { runFeedTokensContract } from './contract-feed-tokens.ts';
import { HOSTILE_QUERIES } from './hostile-queries.ts';
import { CORPUS_FEEDS, CORPUS_ITEMS, PARITY_QUERIES } from './search-corpus.ts';

export { HOSTILE_QUERIES } from './hostile-queries.ts';
export { CORPUS_FEEDS, CORPUS_ITEMS, PARITY_QUERIES, type ParityQuery } from './search-corpus.ts';

const always = { alertable: () => true };

function feed(id: string, extra: Partial<FeedSource> = {}): FeedSource {
  return {
    id,
    name: `Feed ${id}`,
    url: `https://example.org/${id}.xml`,
    kind: 'rights',
    language: 'en',
    origin: 'operator',
    ...extra,
  };
}

function item(guid: string, extra: Partial<TaggedItem> = {}): TaggedItem {
  return {
    guid,
    title: `Title ${guid}`,
    url: `https://example.org/items/${guid}`,
    author: null,
    summary: `Summary of ${guid}`,
    published: '2025-01-01T00:00:00.000Z',
    publishedEstimated: false,
    lang: 'en',
    themes: [],
    regions: [],
    why: {},
    ...extra,
  };
}

function state(extra: Partial<FeedState> = {}): FeedState {
  return { ...emptyFeedState(), ...extra };
}

const channel: Target = { platform: 'discord', channelId: 'c1', workspaceId: 'g1', kind: 'channel' };
const otherChannel: Target = { platform: 'slack', channelId: 'C2', workspaceId: 'T1', kind: 'channel' };

function outboxEntry(key: string, target: Target = channel): NewOutboxEntry {
  return { key, target, kind: 'digest', payload: { text: `payload ${key}`, n: 1 } };
}

const plain = (s: Snippet) => s.map((p) => p.text).join('');
const hitsOf = (s: Snippet) => s.filter((p) => p.hit).map((p) => p.text.toLowerCase());

/** Load the shared search corpus; returns guid → archive id. */
export async function loadCorpus(store: Store): Promise<Map<string, number>> {
  await store.upsertFeeds(CORPUS_FEEDS);
  const ids = new Map<string, number>();
  for (const f of CORPUS_FEEDS) {
    const items = CORPUS_ITEMS.filter((c) => c.feedId === f.id).map((c) => c.item);
    const res = await store.addItems(f.id, items, always);
    for (const a of res.added) ids.set(a.guid, a.id);
  }
  return ids;
}

/** Top guids of a query (for comparing adapters on the same data). */
export async function topGuids(store: Store, q: SearchQuery, n = 10): Promise<string[]> {
  const res = await store.search({ ...q, limit: n });
  return res.hits.map((h) => h.item.guid);
}

export function runStoreContract(
  name: string,
  open: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
      if (cleanup) await cleanup(store);
    });

    describe('feeds', () => {
      it('upsert inserts new feeds and updates existing ones without losing their polling state', async () => {
        await store.upsertFeeds([feed('a'), feed('b', { themes: ['censorship'] })]);
        await store.saveFeedState(
          'a',
          state({ etag: 'W/"1"', consecutiveFailures: 2, backlogDone: true, idMode: 'link' }),
        );
        await store.upsertFeeds([feed('a', { name: 'Renamed', url: 'https://example.org/new.xml' })]);
        const a = await store.getFeed('a');
        expect(a?.name).toBe('Renamed');
        expect(a?.url).toBe('https://example.org/new.xml');
        expect(a?.state.etag).toBe('W/"1"');
        expect(a?.state.consecutiveFailures).toBe(2);
        expect(a?.state.backlogDone).toBe(true);
        expect(a?.state.idMode).toBe('link');
        expect((await store.getFeed('b'))?.themes).toEqual(['censorship']);
        expect((await store.listFeeds()).map((f) => f.id)).toEqual(['a', 'b']);
      });

      it('saves and reads back every field of the feed state', async () => {
        await store.upsertFeeds([feed('a')]);
        const s = state({
          etag: '"abc"',
          lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT',
          lastCheckAt: '2025-01-01T10:00:00.000Z',
          lastSuccessAt: '2025-01-01T10:00:00.000Z',
          lastErrorAt: '2024-12-31T10:00:00.000Z',
          lastError: 'HTTP 503',
          consecutiveFailures: 0,
          nextCheckAt: '2025-01-01T10:15:00.000Z',
          backlogDone: true,
          idMode: 'hash',
          feedTitle: 'A feed',
        });
        await store.saveFeedState('a', s);
        expect((await store.getFeed('a'))?.state).toEqual(s);
      });

      it('reports item counts, returns null for unknown feeds, and removes feeds', async () => {
        await store.upsertFeeds([feed('a'), feed('b')]);
        await store.addItems('a', [item('1'), item('2')], always);
        expect((await store.getFeed('a'))?.itemCount).toBe(2);
        expect(await store.getFeed('nope')).toBeNull();
        expect(await store.removeFeed('b')).toBe(true);
        expect(await store.removeFeed('b')).toBe(false);
        expect((await store.listFeeds()).map((f) => f.id)).toEqual(['a']);
      });

      it('leases due feeds to one owner until released or expired', async () => {
        const now = new Date('2025-01-01T12:00:00.000Z');
        await store.upsertFeeds([feed('due'), feed('past'), feed('future')]);
        await store.saveFeedState('past', state({ nextCheckAt: '2025-01-01T11:00:00.000Z' }));
        await store.saveFeedState('future', state({ nextCheckAt: '2025-01-01T13:00:00.000Z' }));

        const a = await store.claimDueFeeds('A', now, 10, 60_000);
        expect(a.map((f) => f.id).sort()).toEqual(['due', 'past']);
        expect(await store.claimDueFeeds('B', now, 10, 60_000)).toEqual([]);

        await store.releaseFeed('due', 'B'); // not B's lease: no effect
        expect(await store.claimDueFeeds('B', now, 10, 60_000)).toEqual([]);
        await store.releaseFeed('due', 'A');
        expect((await store.claimDueFeeds('B', now, 10, 60_000)).map((f) => f.id)).toEqual(['due']);

        // A's lease on `past` expires: another replica takes it over.
        const later = new Date(now.getTime() + 60_001);
        expect((await store.claimDueFeeds('C', later, 10, 60_000)).map((f) => f.id).sort()).toEqual([
          'due',
          'past',
        ]);
      });

      it('never claims a paused feed; keeps its items, state and pause across upserts; resumes it', async () => {
        const now = new Date('2025-01-01T12:00:00.000Z');
        await store.upsertFeeds([feed('on'), feed('off')]);
        await store.addItems('off', [item('kept')], always);
        const pause = { at: '2025-01-01T11:00:00.000Z', by: 'sources-file' as const };
        expect(await store.setFeedPaused('off', pause)).toBe(true);
        expect(await store.setFeedPaused('missing', pause)).toBe(false);
        await store.upsertFeeds([feed('off', { name: 'Renamed' })]);
        const off = await store.getFeed('off');
        expect(off).toMatchObject({ name: 'Renamed', paused: pause, itemCount: 1 });
        expect((await store.getFeed('on'))?.paused).toBeNull();
        expect((await store.claimDueFeeds('A', now, 10, 1000)).map((f) => f.id)).toEqual(['on']);
        expect(await store.claimDueFeeds('B', new Date(now.getTime() + 5000), 10, 1000)).toHaveLength(1);
        expect((await store.search({ text: 'kept' })).total).toBe(1);

        expect(await store.setFeedPaused('off', null)).toBe(true);
        expect((await store.getFeed('off'))?.paused).toBeNull();
        const later = new Date(now.getTime() + 10_000);
        expect((await store.claimDueFeeds('C', later, 10, 1000)).map((f) => f.id).sort()).toEqual([
          'off',
          'on',
        ]);
      });

      it('claims at most `limit` feeds', async () => {
        await store.upsertFeeds([feed('a'), feed('b'), feed('c')]);
        const now = new Date('2025-01-01T12:00:00.000Z');
        expect(await store.claimDueFeeds('A', now, 2, 1000)).toHaveLength(2);
        expect(await store.claimDueFeeds('B', now, 2, 1000)).toHaveLength(1);
      });
    });

    describe('items', () => {
      beforeEach(async () => {
        await store.upsertFeeds([feed('a', { name: 'Source A' }), feed('b')]);
      });

      it('returns the added items with archive ids, source name and the alertable flag from the callback', async () => {
        const res = await store.addItems('a', [item('1'), item('2'), item('3')], {
          alertable: (_it, index) => index === 0,
        });
        expect(res.duplicates).toBe(0);
        expect(res.added.map((i) => i.guid)).toEqual(['1', '2', '3']);
        expect(res.added.map((i) => i.alertable)).toEqual([true, false, false]);
        const ids = res.added.map((i) => i.id);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        for (const added of res.added) {
          expect(added.feedId).toBe('a');
          expect(added.sourceName).toBe('Source A');
          expect(added.clusterId).toBeNull();
          expect(Number.isNaN(Date.parse(added.firstSeen))).toBe(false);
          expect(await store.getItem(added.id)).toEqual(added);
        }
        expect(await store.getItem(999_999)).toBeNull();
      });

      it('keeps every field of an item', async () => {
        const full = item('x', {
          title: 'Заголовок «с кавычками» and 中文',
          author: 'Jane Doe',
          summary: 'Line one. Line two with "quotes" and \'apostrophes\'.',
          url: 'https://example.org/path?q=1#frag',
          publishedEstimated: true,
          lang: 'ru',
          themes: ['censorship', 'surveillance'],
          regions: ['RU', 'CN'],
          why: { censorship: ['blocked'], RU: ['Russia'] },
        });
        const [added] = (await store.addItems('a', [full], always)).added;
        const got = await store.getItem(added!.id);
        expect(got).toMatchObject({ ...full, published: '2025-01-01T00:00:00.000Z' });
      });

      it.each([
        ['the same guid re-polled', [item('1')], [item('1')]],
        [
          'the same guid with a new date and title',
          [item('1')],
          [item('1', { published: '2025-06-01T00:00:00.000Z', title: 'Updated' })],
        ],
        [
          'the same canonical URL under a new guid',
          [item('1')],
          [item('2', { url: 'https://example.org/items/1' })],
        ],
        ['a re-ordered feed', [item('1'), item('2'), item('3')], [item('3'), item('1'), item('2')]],
      ])('never stores an item twice in one feed: %s', async (_name, first, second) => {
        const r1 = await store.addItems('a', first, always);
        const r2 = await store.addItems('a', second, always);
        expect(r2.added).toEqual([]);
        expect(r2.duplicates).toBe(second.length);
        expect(await store.countItems()).toBe(r1.added.length);
      });

      it('drops duplicates inside one batch', async () => {
        const res = await store.addItems(
          'a',
          [item('1'), item('1'), item('2', { url: 'https://example.org/items/1' })],
          always,
        );
        expect(res.added.map((i) => i.guid)).toEqual(['1']);
        expect(res.duplicates).toBe(2);
      });

      it('with trusted guids (urlIsIdentity false) keeps distinct items that share one link', async () => {
        const press = 'https://example.org/press';
        const six = Array.from({ length: 6 }, (_, k) => item(`p${k}`, { url: press, title: `Release ${k}` }));
        const guidMode = { ...always, urlIsIdentity: false };
        const r1 = await store.addItems('a', six, guidMode);
        expect(r1.added.map((i) => i.guid)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
        const r2 = await store.addItems('a', six, guidMode);
        expect(r2).toEqual({ added: [], duplicates: 6 });
        expect(await store.countItems()).toBe(6);
        expect((await store.findItemsByUrl(press)).map((i) => i.guid)).toEqual([
          'p0',
          'p1',
          'p2',
          'p3',
          'p4',
          'p5',
        ]);
        // The feed later loses its guids (link mode): the known link is still a duplicate.
        const r3 = await store.addItems(
          'a',
          [item(press, { url: press }), item('n', { url: press })],
          always,
        );
        expect(r3).toEqual({ added: [], duplicates: 2 });
        // Another feed may use the same link.
        expect((await store.addItems('b', [item('p0', { url: press })], always)).added).toHaveLength(1);
        expect(await store.countItems()).toBe(7);
      });

      it('without trusted guids a shared link dedupes, within a batch and against stored items', async () => {
        const press = 'https://example.org/press';
        const six = Array.from({ length: 6 }, (_, k) =>
          item(`sha1:${k}`, { url: press, title: `Release ${k}` }),
        );
        const r1 = await store.addItems('a', six, { ...always, urlIsIdentity: true });
        expect(r1.added.map((i) => i.guid)).toEqual(['sha1:0']);
        expect(r1.duplicates).toBe(5);
        const r2 = await store.addItems('a', six, always);
        expect(r2).toEqual({ added: [], duplicates: 6 });
        expect(await store.countItems()).toBe(1);
      });

      it('stores items without a URL by guid, and the same guid or URL in another feed', async () => {
        const r1 = await store.addItems('a', [item('1', { url: null }), item('2', { url: null })], always);
        expect(r1.added).toHaveLength(2);
        const r2 = await store.addItems('b', [item('1')], always);
        expect(r2.added).toHaveLength(1);
        expect(await store.countItems()).toBe(3);
      });

      it('removing a feed removes its items from listing and search', async () => {
        await store.addItems('b', [item('gone', { title: 'Zanzibar telegraph' })], always);
        await store.removeFeed('b');
        expect(await store.countItems()).toBe(0);
        expect((await store.search({ text: 'zanzibar' })).hits).toEqual([]);
      });

      it('lists items after a mark, in either order, with filters and a limit', async () => {
        const ra = await store.addItems(
          'a',
          [
            item('1', { themes: ['censorship'], regions: ['RU'] }),
            item('2', { themes: ['privacy'], regions: ['EU'] }),
            item('3', { themes: ['censorship', 'privacy'], regions: ['CN'] }),
          ],
          { alertable: (_i, idx) => idx !== 1 },
        );
        await store.addItems('b', [item('4', { themes: ['standards'] })], always);
        const [i1, i2, i3] = ra.added.map((i) => i.id) as [number, number, number];
        const guids = async (q: Parameters<Store['listItems']>[0]) =>
          (await store.listItems(q)).map((i) => i.guid);
        expect(await guids({})).toEqual(['1', '2', '3', '4']);
        expect(await guids({ afterId: i1 })).toEqual(['2', '3', '4']);
        expect(await guids({ afterId: i2, order: 'id-desc' })).toEqual(['4', '3']);
        expect(await guids({ limit: 2 })).toEqual(['1', '2']);
        expect(await guids({ order: 'id-desc', limit: 1 })).toEqual(['4']);
        expect(await guids({ themes: ['censorship'] })).toEqual(['1', '3']);
        expect(await guids({ themes: ['privacy', 'standards'] })).toEqual(['2', '3', '4']);
        expect(await guids({ regions: ['RU', 'CN'] })).toEqual(['1', '3']);
        expect(await guids({ sources: ['b'] })).toEqual(['4']);
        expect(await guids({ themes: ['censorship'], regions: ['CN'] })).toEqual(['3']);
        expect(await guids({ alertableOnly: true })).toEqual(['1', '3', '4']);
        expect(await guids({ afterId: i3 + 1000 })).toEqual([]);
        const first = await store.getItem(i1);
        expect(await guids({ seenSince: first!.firstSeen })).toEqual(['1', '2', '3', '4']);
        expect(await guids({ seenUntil: '2000-01-01T00:00:00.000Z' })).toEqual([]);
      });

      it('finds items by canonical URL across feeds and records clusters', async () => {
        const url = 'https://example.org/shared-story';
        const a = await store.addItems('a', [item('1', { url })], always);
        const b = await store.addItems('b', [item('9', { url }), item('10')], always);
        const found = await store.findItemsByUrl(url);
        expect(found.map((i) => i.feedId)).toEqual(['a', 'b']);
        expect(await store.findItemsByUrl('https://example.org/none')).toEqual([]);
        const lead = a.added[0]!.id;
        await store.setClusters([
          { itemId: lead, clusterId: lead },
          { itemId: b.added[0]!.id, clusterId: lead },
        ]);
        expect((await store.getItem(b.added[0]!.id))?.clusterId).toBe(lead);
        expect((await store.getItem(b.added[1]!.id))?.clusterId).toBeNull();
      });
    });

    describe('alert recovery and publication dates', () => {
      it('lists alertable items whose alerts were never enqueued until they are marked', async () => {
        await store.upsertFeeds([feed('fa')]);
        const { added } = await store.addItems('fa', [item('u1'), item('u2'), item('u3')], {
          alertable: (_i, index) => index < 2,
        });
        const ids = added.map((i) => i.id);
        expect((await store.listItems({ unalertedOnly: true })).map((i) => i.id)).toEqual(ids.slice(0, 2));
        await store.markAlerted([ids[0]!]);
        expect((await store.listItems({ unalertedOnly: true })).map((i) => i.id)).toEqual([ids[1]]);
        await store.markAlerted([ids[1]!, ids[2]!]);
        expect(await store.listItems({ unalertedOnly: true })).toEqual([]);
      });

      it('filters items by publication date', async () => {
        await store.upsertFeeds([feed('fa')]);
        await store.addItems(
          'fa',
          [
            item('old', { published: '2025-01-01T00:00:00.000Z' }),
            item('new', { published: '2025-03-01T00:00:00.000Z' }),
          ],
          always,
        );
        const recent = await store.listItems({ publishedSince: '2025-02-01T00:00:00Z' });
        expect(recent.map((i) => i.guid)).toEqual(['new']);
      });
    });

    describe('search', () => {
      let ids: Map<string, number>;
      beforeEach(async () => {
        ids = await loadCorpus(store);
      });

      it.each(PARITY_QUERIES.map((p) => [p.name, p] as const))(
        'finds the expected items: %s',
        async (_n, p) => {
          const res = await store.search({ ...p.query, limit: 20 });
          const got = res.hits.map((h) => h.item.guid);
          expect([...got].sort()).toEqual([...p.matches].sort());
          if (p.top) expect(got[0]).toBe(p.top);
          expect(res.total).toBe(p.matches.length);
          expect(res.totalIsEstimate).toBe(false);
          for (const h of res.hits) expect(h.item.id).toBe(ids.get(h.item.guid));
        },
      );

      it('ranks by relevance: scores do not increase down the list', async () => {
        const res = await store.search({ text: 'surveillance spyware', limit: 20 });
        expect(res.hits.length).toBeGreaterThan(0);
        const scores = res.hits.map((h) => h.score);
        expect(scores).toEqual([...scores].sort((x, y) => y - x));
      });

      it('falls back to any word when no item has all of them', async () => {
        const res = await store.search({ text: 'spyware satellites' });
        expect(res.hits.map((h) => h.item.guid).sort()).toEqual(['e3', 'i2']);
      });

      it.each([
        ['spyware', ['spyware']],
        ['цензура', ['цензуру']],
        ['封锁', ['封锁']],
        ['journalist журналисты', ['журналиста']],
      ])('snippets mark the hits of %s', async (text, expected) => {
        const res = await store.search({ text });
        expect(res.hits.length).toBeGreaterThan(0);
        const hit = res.hits[0]!;
        const marked = hitsOf(hit.snippet);
        for (const e of expected) expect(marked).toContain(e.toLowerCase());
        const source = `${hit.item.title}\n${hit.item.summary}`;
        for (const segment of hit.snippet) if (segment.hit) expect(source).toContain(segment.text);
      });

      it('snippets of a filters-only search come from the item and mark nothing', async () => {
        const res = await store.search({ text: '', themes: ['privacy'] });
        expect(res.hits.length).toBe(2);
        for (const h of res.hits) {
          expect(hitsOf(h.snippet)).toEqual([]);
          expect(plain(h.snippet).length).toBeGreaterThan(0);
        }
      });

      it('pages with limit and offset', async () => {
        const all = await store.search({ text: '', limit: 100 });
        expect(all.hits).toHaveLength(CORPUS_ITEMS.length);
        const p1 = await store.search({ text: '', limit: 5 });
        const p2 = await store.search({ text: '', limit: 5, offset: 5 });
        expect(p1.hits.map((h) => h.item.id)).toEqual(all.hits.slice(0, 5).map((h) => h.item.id));
        expect(p2.hits.map((h) => h.item.id)).toEqual(all.hits.slice(5, 10).map((h) => h.item.id));
        const published = all.hits.map((h) => h.item.published);
        expect(published).toEqual([...published].sort().reverse());
      });

      it('an input with nothing searchable gives an empty result', async () => {
        for (const text of ['!!!', '"', '*', '()']) {
          const res = await store.search({ text });
          expect(res).toEqual({ hits: [], total: 0, totalIsEstimate: false });
        }
      });

      it('every hostile query returns normally', async () => {
        expect(HOSTILE_QUERIES.length).toBeGreaterThanOrEqual(50);
        for (const text of HOSTILE_QUERIES) {
          const res = await store.search({ text, limit: 5 });
          expect(Array.isArray(res.hits), `query ${JSON.stringify(text.slice(0, 40))}`).toBe(true);
          expect(res.total).toBeGreaterThanOrEqual(res.hits.length);
          const filtered = await store.search({
            text,
            themes: ['censorship' as ThemeId],
            regions: ['RU'],
            since: '2024-01-01',
          });
          expect(Array.isArray(filtered.hits)).toBe(true);
        }
        expect(await store.countItems()).toBe(CORPUS_ITEMS.length);
        expect((await store.listFeeds()).length).toBe(CORPUS_FEEDS.length);
      });

      it('hostile inputs in filters return normally too', async () => {
        for (const bad of ['"', "'; DROP TABLE items; --", '*', 'title:x', '']) {
          const res = await store.search({
            text: 'VPN',
            sources: [bad],
            regions: [bad],
            themes: [bad as ThemeId],
          });
          expect(res.hits).toEqual([]);
        }
        expect(await store.countItems()).toBe(CORPUS_ITEMS.length);
      });
    });

    describe('subscriptions', () => {
      it('adds, lists by target and mode, reschedules and removes', async () => {
        const base = {
          filter: { themes: ['censorship' as ThemeId], regions: ['RU'], sources: [], keywords: ['vpn'] },
          cron: '0 8 * * *',
          timezone: 'Europe/Berlin',
          createdBy: 'u1',
        };
        const s1 = await store.addSubscription({ ...base, target: channel, mode: 'digest' });
        const s2 = await store.addSubscription({ ...base, target: channel, mode: 'alert', cron: null });
        const s3 = await store.addSubscription({ ...base, target: otherChannel, mode: 'digest' });
        expect(s1).toMatchObject({ ...base, target: channel, mode: 'digest' });
        expect(Number.isNaN(Date.parse(s1.createdAt))).toBe(false);
        expect((await store.listSubscriptions()).map((s) => s.id)).toEqual([s1.id, s2.id, s3.id]);
        expect((await store.listSubscriptions({ target: channel })).map((s) => s.id)).toEqual([s1.id, s2.id]);
        expect((await store.listSubscriptions({ mode: 'digest' })).map((s) => s.id)).toEqual([s1.id, s3.id]);
        expect((await store.listSubscriptions({ target: channel, mode: 'alert' }))[0]).toEqual(s2);

        expect(await store.updateSubscriptionSchedule(s1.id, '30 7 * * 1', 'UTC')).toBe(true);
        expect(await store.updateSubscriptionSchedule(99_999, '30 7 * * 1', 'UTC')).toBe(false);
        const [updated] = await store.listSubscriptions({ target: channel, mode: 'digest' });
        expect(updated).toMatchObject({ cron: '30 7 * * 1', timezone: 'UTC' });

        expect(await store.removeSubscription(s2.id)).toBe(true);
        expect(await store.removeSubscription(s2.id)).toBe(false);
        expect((await store.listSubscriptions({ target: channel })).map((s) => s.id)).toEqual([s1.id]);
      });
    });

    describe('digests and outbox', () => {
      const key = targetKey(channel);
      const farFuture = () => new Date(Date.now() + 60_000);

      it('enqueue ignores keys already present and moves the digest mark', async () => {
        expect(await store.getDigestMark(key)).toBeNull();
        const mark = { lastItemId: 42, lastSlot: '2025-01-01T08:00:00.000Z' };
        expect(await store.enqueue([outboxEntry('d1'), outboxEntry('d2')], { targetKey: key, mark })).toBe(2);
        expect(await store.getDigestMark(key)).toEqual(mark);
        const next = { lastItemId: 50, lastSlot: '2025-01-02T08:00:00.000Z' };
        expect(
          await store.enqueue([outboxEntry('d2'), outboxEntry('d3')], { targetKey: key, mark: next }),
        ).toBe(1);
        expect(await store.enqueue([outboxEntry('d3')])).toBe(0);
        expect(await store.getDigestMark(key)).toEqual(next);
        const rows = await store.listOutbox();
        expect(rows.map((r) => r.key)).toEqual(['d1', 'd2', 'd3']);
        expect(rows[0]).toMatchObject({
          target: channel,
          kind: 'digest',
          payload: { text: 'payload d1', n: 1 },
          status: 'pending',
          attempts: 0,
          lastError: null,
          claimedBy: null,
          sentRefs: [],
          sentAt: null,
        });
      });

      it('enqueue for a slot older than the mark records nothing and keeps the mark', async () => {
        const k = 'contract:stale-mark';
        const newer = { lastItemId: 90, lastSlot: '2025-03-02T08:00:00.000Z' };
        expect(await store.enqueue([outboxEntry('s-new')], { targetKey: k, mark: newer })).toBe(1);
        const older = { lastItemId: 95, lastSlot: '2025-03-01T08:00:00.000Z' };
        expect(await store.enqueue([outboxEntry('s-old')], { targetKey: k, mark: older })).toBe(0);
        expect(await store.getDigestMark(k)).toEqual(newer);
        expect((await store.listOutbox()).map((r) => r.key)).not.toContain('s-old');
        // The same slot again (a racing replica) keeps the furthest item id.
        const same = { lastItemId: 80, lastSlot: newer.lastSlot };
        expect(await store.enqueue([], { targetKey: k, mark: same })).toBe(0);
        expect(await store.getDigestMark(k)).toEqual(newer);
      });

      it('enqueue is atomic: a failing entry leaves neither entries nor mark behind', async () => {
        const bad: NewOutboxEntry = { key: 'bad', target: channel, kind: 'digest', payload: { n: 10n } };
        await expect(
          store.enqueue([outboxEntry('ok'), bad], {
            targetKey: key,
            mark: { lastItemId: 7, lastSlot: '2025-01-01T08:00:00.000Z' },
          }),
        ).rejects.toThrow();
        expect(await store.listOutbox()).toEqual([]);
        expect(await store.getDigestMark(key)).toBeNull();
      });

      it('claims due entries once, with a lease that another owner takes over when it expires', async () => {
        await store.enqueue([outboxEntry('m1'), outboxEntry('m2', otherChannel)]);
        const now = farFuture();
        const a = await store.claimOutbox('A', now, 10, 30_000);
        expect(a.map((e) => e.key)).toEqual(['m1', 'm2']);
        for (const e of a) {
          expect(e).toMatchObject({ status: 'sending', claimedBy: 'A', attempts: 1 });
          expect(Date.parse(e.claimedUntil!)).toBe(now.getTime() + 30_000);
        }
        expect(await store.claimOutbox('B', now, 10, 30_000)).toEqual([]);

        const later = new Date(now.getTime() + 30_001);
        const b = await store.claimOutbox('B', later, 1, 30_000);
        expect(b.map((e) => [e.key, e.claimedBy, e.attempts])).toEqual([['m1', 'B', 2]]);

        // A's late completion of m1 is ignored: B holds it now.
        await store.completeOutbox(a[0]!.id, 'A', { ok: true, sentRefs: ['stale'] });
        expect((await store.listOutbox({ status: 'sending' })).map((e) => e.key)).toContain('m1');

        await store.completeOutbox(b[0]!.id, 'B', { ok: true, sentRefs: ['msg-1', 'msg-2'] });
        const [sent] = await store.listOutbox({ status: 'sent' });
        expect(sent).toMatchObject({ key: 'm1', sentRefs: ['msg-1', 'msg-2'], status: 'sent' });
        expect(Number.isNaN(Date.parse(sent!.sentAt!))).toBe(false);
        expect(await store.listOutbox({ targetKey: targetKey(otherChannel) })).toHaveLength(1);
        expect(await store.listOutbox({ limit: 1 })).toHaveLength(1);
      });

      it('schedules a retry, and marks an entry failed with the reason', async () => {
        await store.enqueue([outboxEntry('r1'), outboxEntry('f1')]);
        const now = farFuture();
        const [r1, f1] = await store.claimOutbox('A', now, 10, 30_000);
        const retryAt = new Date(now.getTime() + 5 * 60_000);
        await store.completeOutbox(r1!.id, 'A', {
          ok: false,
          error: 'HTTP 503',
          retryAt: retryAt.toISOString(),
        });
        await store.completeOutbox(f1!.id, 'A', { ok: false, error: 'Missing Access', retryAt: null });

        const [pending] = await store.listOutbox({ status: 'pending' });
        expect(pending).toMatchObject({ key: 'r1', lastError: 'HTTP 503', attempts: 1 });
        expect(Date.parse(pending!.nextAttemptAt)).toBe(retryAt.getTime());
        const [failed] = await store.listOutbox({ status: 'failed' });
        expect(failed).toMatchObject({ key: 'f1', lastError: 'Missing Access' });

        expect(await store.claimOutbox('A', new Date(retryAt.getTime() - 1), 10, 30_000)).toEqual([]);
        const again = await store.claimOutbox('A', retryAt, 10, 30_000);
        expect(again.map((e) => [e.key, e.attempts])).toEqual([['r1', 2]]);
        await store.completeOutbox(again[0]!.id, 'A', { ok: true, sentRefs: [] });
        expect((await store.listOutbox({ status: 'sent' })).map((e) => e.key)).toEqual(['r1']);
        expect(await store.claimOutbox('A', new Date(retryAt.getTime() + 3_600_000), 10, 30_000)).toEqual([]);
      });
    });

    describe('named locks', () => {
      it('one owner at a time; renewable by its owner; released only by its owner', async () => {
        expect(await store.tryLock('digest:slot', 'A', 60_000)).toBe(true);
        expect(await store.tryLock('digest:slot', 'B', 60_000)).toBe(false);
        expect(await store.tryLock('digest:slot', 'A', 60_000)).toBe(true);
        expect(await store.tryLock('other', 'B', 60_000)).toBe(true);
        await store.unlock('digest:slot', 'B');
        expect(await store.tryLock('digest:slot', 'B', 60_000)).toBe(false);
        await store.unlock('digest:slot', 'A');
        expect(await store.tryLock('digest:slot', 'B', 60_000)).toBe(true);
      });

      it('releaseOwner hands back locks, feed leases and outbox claims of that owner only', async () => {
        expect(await store.tryLock('digest-run:x', 'A', 600_000)).toBe(true);
        expect(await store.tryLock('digest-run:y', 'B', 600_000)).toBe(true);
        await store.upsertFeeds([feed('fa')]);
        expect((await store.claimDueFeeds('A', new Date(), 10, 600_000)).map((f) => f.id)).toEqual(['fa']);
        await store.enqueue([outboxEntry('r1'), outboxEntry('r2', otherChannel)]);
        const [claimedA] = await store.claimOutbox('A', new Date(), 1, 600_000);
        const [claimedB] = await store.claimOutbox('B', new Date(), 1, 600_000);
        await store.releaseOwner('A');
        expect(await store.tryLock('digest-run:x', 'C', 600_000)).toBe(true);
        expect(await store.tryLock('digest-run:y', 'C', 600_000)).toBe(false);
        expect((await store.claimDueFeeds('C', new Date(), 10, 600_000)).map((f) => f.id)).toEqual(['fa']);
        const again = await store.claimOutbox('C', new Date(), 10, 600_000);
        expect(again.map((e) => e.id)).toEqual([claimedA!.id]);
        expect(again[0]!.attempts).toBe(2);
        expect((await store.listOutbox({ status: 'sending' })).map((e) => [e.id, e.claimedBy])).toEqual(
          expect.arrayContaining([
            [claimedA!.id, 'C'],
            [claimedB!.id, 'B'],
          ]),
        );
      });

      it('an expired lock can be taken by another owner', async () => {
        expect(await store.tryLock('slot', 'A', 1)).toBe(true);
        await new Promise((r) => setTimeout(r, 15));
        expect(await store.tryLock('slot', 'B', 60_000)).toBe(true);
        expect(await store.tryLock('slot', 'A', 60_000)).toBe(false);
      });
    });

    runSettingsContract(() => store);
    runTrendsContract(() => store);
    runStoriesContract(() => store);
    runTrackersContract(() => store);
    runFeedTokensContract(() => store);
    runEvidenceContract(() => store);
  });
}
