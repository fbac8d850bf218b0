// The story index's copy in memory on PostgreSQL (src/store/postgres/story-mirror.ts), with
// two replicas on one database: each finds the other's items and cluster ids, forgets what
// the other deleted, and an hourly rebuild picks up features written late for older items.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterNewItems } from '../../src/digest/cluster.ts';
import { storyFeatures } from '../../src/digest/story-features.ts';
import { storyRecord } from '../../src/digest/story-index.ts';
import { storyKeys } from '../../src/digest/story-keys.ts';
import type { StoredItem, TaggedItem } from '../../src/model.ts';
import { openPostgresStoreImpl } from '../../src/store/postgres/index.ts';
import { postgresStories } from '../../src/store/postgres/stories.ts';
import { PgStoryMirror } from '../../src/store/postgres/story-mirror.ts';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import { report, source } from './contract-stories.ts';
import { announceSkip, PG_SKIP_MESSAGE, PG_URL, TestDatabase } from './postgres-db.ts';

announceSkip();

const always = { alertable: () => true };

let guid = 0;
const item = (title: string, summary: string): TaggedItem => report(`p${++guid}`, title, summary);

const SIGNAL = [
  'Roskomnadzor blocks Signal messenger nationwide',
  'The Russian regulator ordered ISPs to block the Signal app.',
] as const;
const SIGNAL_2 = [
  'Signal messenger blocked nationwide by Roskomnadzor',
  'ISPs were told by Roskomnadzor to block Signal across the country.',
] as const;
const KENYA = [
  'Kenya parliament passes data protection amendment',
  'Lawmakers in Nairobi adopted changes to the data protection act.',
] as const;

const keysOf = (items: StoredItem[]) => [...new Set(items.flatMap((i) => storyKeys(storyFeatures(i))))];

let db: TestDatabase;

describe.skipIf(!PG_URL)(
  `story index in memory, two replicas (${PG_URL ? 'enabled' : PG_SKIP_MESSAGE})`,
  () => {
    beforeAll(async () => {
      db = await TestDatabase.create();
    });
    afterAll(async () => {
      await db?.drop();
    });

    async function replicas(): Promise<[PostgresStore, PostgresStore]> {
      const url = await db.freshUrl();
      const a = await openPostgresStoreImpl(url);
      const b = await openPostgresStoreImpl(url);
      await a.upsertFeeds(['fa', 'fb', 'fc'].map(source));
      return [a, b];
    }

    it('finds the other replica’s items and its cluster ids; forgets what it deleted', async () => {
      const [a, b] = await replicas();
      try {
        const mine = (await a.addItems('fa', [item(...SIGNAL), item(...KENYA)], always)).added;
        await a.stories.lookup(keysOf(mine), 0, 10);
        expect(a.storyMirror.builds).toBe(1);
        expect(a.storyMirror.size).toBe(2);

        const theirs = (await b.addItems('fb', [item(...SIGNAL_2)], always)).added;
        const out = await clusterNewItems(b, theirs, new Date());
        expect(out).toContainEqual({ itemId: theirs[0]!.id, clusterId: mine[0]!.id });
        // A reads B's item after its last one, without a rebuild, and B's clustering of its own item.
        const hits = await a.stories.lookup(keysOf(theirs), 0, 10);
        expect(hits.some((h) => h.itemIds.includes(theirs[0]!.id) && h.itemIds.includes(mine[0]!.id))).toBe(
          true,
        );
        expect(a.storyMirror.builds).toBe(1);
        const [row] = await a.stories.load([mine[0]!.id]);
        expect(row!.clusterId).toBe(mine[0]!.id);
        // A later report clustered by A joins the same story.
        const third = (await a.addItems('fc', [item(`${SIGNAL[0]} again`, SIGNAL[1])], always)).added;
        expect(await clusterNewItems(a, third, new Date())).toContainEqual({
          itemId: third[0]!.id,
          clusterId: mine[0]!.id,
        });

        // B removes a feed: A's copy no longer returns its items once it loads them.
        await b.removeFeed('fb');
        await a.stories.lookup(keysOf(theirs), 0, 10);
        expect(await a.stories.load([theirs[0]!.id])).toEqual([]);
      } finally {
        await b.close();
        await a.close();
      }
    });

    it('is rebuilt after an hour, picking up features written late for older items', async () => {
      const [a, b] = await replicas();
      try {
        const old = (await a.addItems('fa', [item(...KENYA)], always)).added;
        await a.addItems('fb', [item(...SIGNAL)], always); // held from the start
        // The older item loses its features, as an archive copied from elsewhere has none.
        await b.pool.query('DELETE FROM story_features WHERE item_id = $1', [old[0]!.id]);
        let clock = Date.now();
        const mirror = new PgStoryMirror(b.pool, 1_000, () => clock);
        const view = postgresStories(b.pool, mirror);
        expect((await view.lookup(keysOf(old), 0, 10)).length).toBe(0);
        expect(mirror.size).toBe(1);
        // Another replica indexes it (its own copy is not this one).
        await a.stories.put(old.map((i) => storyRecord(i)));
        expect((await view.lookup(keysOf(old), 0, 10)).length).toBe(0); // behind the last id read
        clock += 3_600_001;
        const hits = await view.lookup(keysOf(old), 0, 10);
        expect(new Set(hits.flatMap((h) => h.itemIds))).toEqual(new Set([old[0]!.id]));
        expect(mirror.builds).toBe(2);
        expect(mirror.size).toBe(2);
      } finally {
        await b.close();
        await a.close();
      }
    });
  },
);
