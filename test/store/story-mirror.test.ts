// The in-process copy of the story index (src/store/sqlite/story-mirror.ts), on real SQLite
// files: it answers as the tables do, follows another connection's writes, and is not
// rebuilt by a checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterNewItems } from '../../src/digest/cluster.ts';
import { storyFeatures } from '../../src/digest/story-features.ts';
import { storyKeys } from '../../src/digest/story-keys.ts';
import { storyRecord } from '../../src/digest/story-index.ts';
import type { StoredItem, TaggedItem } from '../../src/model.ts';
import { report, source } from './contract-stories.ts';
import { sqliteStories } from '../../src/store/sqlite/stories.ts';
import { StoryMirror } from '../../src/store/sqlite/story-mirror.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.ts';
import type { StoryIndexStore } from '../../src/store/types-stories.ts';

const dir = mkdtempSync(join(tmpdir(), 'govwatch-mirror-'));
let n = 0;
const freshPath = () => join(dir, `mirror-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const always = { alertable: () => true };

const STORIES = [
  [
    'Roskomnadzor blocks Signal messenger nationwide',
    'The Russian regulator ordered ISPs to block the Signal app.',
  ],
  [
    'Kenya parliament passes data protection amendment',
    'Lawmakers in Nairobi adopted changes to the data protection act.',
  ],
  [
    'IETF publishes RFC 9420 on messaging layer security',
    'The MLS protocol gives group chats end-to-end encryption.',
  ],
  [
    'Iran throttles mobile internet during Zahedan protests',
    'NetBlocks data show mobile networks cut in Sistan-Baluchestan.',
  ],
  [
    'EU Council adopts Cyber Resilience Act',
    'Connected products must meet security requirements before sale.',
  ],
];

let guid = 0;
function item(k: number, variant: number): TaggedItem {
  const [title, summary] = STORIES[k % STORIES.length]!;
  return report(`g${++guid}`, variant ? `${title} (${variant})` : title!, summary!);
}

/** The same file's index on a connection of its own: its copy built from the file alone. */
function tablesOnly(path: string): { stories: StoryIndexStore; close: () => void } {
  const db = new Database(path);
  return { stories: sqliteStories(db, new StoryMirror(db)), close: () => db.close() };
}

async function addAndCluster(store: SqliteStore, feed: string, items: TaggedItem[]): Promise<StoredItem[]> {
  const { added } = await store.addItems(feed, items, always);
  await clusterNewItems(store, added, new Date());
  return added;
}

const keysOfItems = (items: StoredItem[]) => [...new Set(items.flatMap((i) => storyKeys(storyFeatures(i))))];
const byKey = (hits: Array<{ key: number; itemIds: number[] }>) =>
  new Map(hits.map((h) => [h.key, [...h.itemIds].sort((a, b) => a - b)]));

describe('story index copy in memory (SQLite)', () => {
  it('answers lookups and loads as the tables do', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    const tables = tablesOnly(path);
    try {
      await store.upsertFeeds(['fa', 'fb', 'fc'].map(source));
      const items: StoredItem[] = [];
      for (const [f, feed] of ['fa', 'fb', 'fc'].entries()) {
        items.push(
          ...(await addAndCluster(
            store,
            feed,
            [0, 1, 2, 3, 4].map((k) => item(k + f, f)),
          )),
        );
      }
      const keys = keysOfItems(items);
      for (const [minId, perKey] of [
        [0, 10],
        [items[4]!.id, 10],
        [0, 1],
      ] as const) {
        const ours = await store.stories.lookup(keys, minId, perKey);
        expect(byKey(ours)).toEqual(byKey(await tables.stories.lookup(keys, minId, perKey)));
      }
      expect(store.storyMirror.size).toBe(items.length);
      const ids = items.map((i) => i.id);
      const fromCopy = await store.stories.load(ids);
      const fromTables = await tables.stories.load(ids);
      const shape = (rows: typeof fromCopy) =>
        rows
          .map((r) => ({
            id: r.id,
            feedId: r.feedId,
            url: r.url,
            clusterId: r.clusterId,
            words: [...r.features!.words].sort(),
          }))
          .sort((a, b) => a.id - b.id);
      expect(shape(fromCopy)).toEqual(shape(fromTables));
      // Reports of one story in three feeds share a cluster, as recorded in the file.
      expect(
        new Set(fromCopy.filter((r) => r.url && r.features!.titleWords.has('signal')).map((r) => r.clusterId))
          .size,
      ).toBe(1);
    } finally {
      tables.close();
      await store.close();
    }
  });

  it('follows another connection’s items and cluster ids; a checkpoint does not rebuild it', async () => {
    const path = freshPath();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    try {
      await a.upsertFeeds(['fa', 'fb'].map(source));
      const mine = (await a.addItems('fa', [item(1, 0), item(2, 0)], always)).added;
      await a.stories.lookup(keysOfItems(mine), 0, 10);
      expect(a.storyMirror.builds).toBe(1);

      // Another process stores a report of the same story and clusters it: this one sees both.
      const theirs = await addAndCluster(b, 'fb', [item(1, 7)]);
      const hits = byKey(await a.stories.lookup(keysOfItems(theirs), 0, 10));
      expect([...hits.values()].some((ids) => ids.includes(theirs[0]!.id) && ids.includes(mine[0]!.id))).toBe(
        true,
      );
      expect(a.storyMirror.builds).toBe(2);
      const [row] = await a.stories.load([mine[0]!.id]);
      expect(row!.clusterId).toBe(mine[0]!.id); // founded by the other process's clustering

      // A checkpoint changes data_version, not the content.
      b.db.pragma('wal_checkpoint(TRUNCATE)');
      await a.stories.lookup(keysOfItems(mine), 0, 10);
      expect(a.storyMirror.builds).toBe(2);

      // A cluster id written elsewhere without new items is re-read, not rebuilt.
      await b.setClusters([{ itemId: mine[1]!.id, clusterId: mine[1]!.id }]);
      expect((await a.stories.load([mine[1]!.id]))[0]!.clusterId).toBe(mine[1]!.id);
      expect(a.storyMirror.builds).toBe(2);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('drops what leaves the window and the items of a removed feed', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    try {
      await store.upsertFeeds(['fa', 'fb'].map(source));
      const old = await addAndCluster(store, 'fa', [item(0, 0), item(1, 0)]);
      const recent = await addAndCluster(store, 'fb', [item(0, 3), item(3, 0)]);
      const keys = keysOfItems([...old, ...recent]);
      await store.stories.lookup(keys, 0, 10);
      expect(store.storyMirror.size).toBe(4);
      while ((await store.stories.prune(recent[0]!.id, 1000)) >= 1000);
      expect(store.storyMirror.size).toBe(2);
      const left = (await store.stories.lookup(keys, recent[0]!.id, 10)).flatMap((h) => h.itemIds);
      expect(new Set(left)).toEqual(new Set(recent.map((i) => i.id)));
      // Out of the window an item is still loaded from the tables (a URL match of any age).
      expect((await store.stories.load([old[0]!.id]))[0]).toMatchObject({ id: old[0]!.id, features: null });

      await store.removeFeed('fb');
      expect(await store.stories.load(recent.map((i) => i.id))).toEqual([]);
      expect(await store.stories.lookup(keys, recent[0]!.id, 10)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('holds the newest items of a window larger than it may hold, and stays that size', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    try {
      await store.upsertFeeds([source('fa')]);
      const items = await addAndCluster(
        store,
        'fa',
        [0, 1, 2].map((k) => item(k, 0)),
      );
      const small = new StoryMirror(store.db, 2);
      const view = sqliteStories(store.db, small);
      const keys = keysOfItems(items);
      const held = (await view.lookup(keys, 0, 10)).flatMap((h) => h.itemIds);
      expect(new Set(held)).toEqual(new Set([items[1]!.id, items[2]!.id]));
      expect(small.size).toBe(2);
      // Items stored later push the oldest out.
      const { added } = await store.addItems('fa', [item(3, 0)], always);
      // This copy is not the store's own: it hears of the new item as the store's copy would.
      small.added(added.map((i) => storyRecord(i)));
      expect(small.size).toBe(2);
      const now = (await view.lookup(keysOfItems([...items, ...added]), 0, 10)).flatMap((h) => h.itemIds);
      expect(new Set(now)).toEqual(new Set([items[2]!.id, added[0]!.id]));
    } finally {
      await store.close();
    }
  });
});
