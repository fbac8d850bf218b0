// The story index on PostgreSQL: features stored with their items (story_features, migration
// 90); keys in memory, one copy per replica (story-mirror.ts).
import type pg from 'pg';
import type { StoryRecord } from '../../digest/story-index.ts';
import { featuresFromJson } from '../../digest/story-features.ts';
import type { StoryIndexStore, StoryRow } from '../types-stories.ts';
import { ITEM_COLUMNS, itemFromRow, stripNul, type ItemRow } from './rows.ts';
import type { PgStoryMirror } from './story-mirror.ts';

type Queryable = pg.Pool | pg.PoolClient;

/** Insert story features with the caller's connection (inside its transaction when it has one). */
export async function writeStoryRecords(c: Queryable, records: StoryRecord[]): Promise<void> {
  if (!records.length) return;
  await c.query(
    `INSERT INTO story_features (item_id, features)
     SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT DO NOTHING`,
    [records.map((r) => r.itemId), records.map((r) => stripNul(r.features))],
  );
}

export function postgresStories(pool: pg.Pool, mirror: PgStoryMirror): StoryIndexStore {
  return {
    async firstIdSeenSince(since) {
      const r = await pool.query<{ id: number }>(
        'SELECT id FROM items WHERE first_seen >= $1 ORDER BY first_seen, id LIMIT 1',
        [since],
      );
      return r.rows[0]?.id ?? null;
    },
    async lookup(keys, minId, perKey) {
      if (!keys.length) return [];
      await mirror.sync(minId);
      return mirror.lookup(keys, minId, perKey);
    },
    async idsByUrls(urls) {
      if (!urls.length) return [];
      const r = await pool.query<{ id: number }>(
        'SELECT id FROM items WHERE url = ANY($1::text[]) ORDER BY id',
        [urls.map(stripNul)],
      );
      return r.rows.map((row) => row.id);
    },
    async load(ids) {
      if (!ids.length) return [];
      // Held items come from the copy; the rest (a URL match of any age) from the tables.
      const held = await mirror.load(ids);
      if (!held.missing.length) return held.rows;
      const r = await pool.query<Omit<StoryRow, 'features'> & { features: string | null }>(
        `SELECT i.id, i.feed_id AS "feedId", i.url, i.cluster_id AS "clusterId", f.features
         FROM items i LEFT JOIN story_features f ON f.item_id = i.id WHERE i.id = ANY($1::int[])`,
        [held.missing],
      );
      return [
        ...held.rows,
        ...r.rows.map((row) => ({
          ...row,
          features: row.features === null ? null : featuresFromJson(row.id, row.features),
        })),
      ];
    },
    async unindexed(minId, limit) {
      const r = await pool.query<ItemRow>(
        `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id
         WHERE i.id >= $1 AND NOT EXISTS (SELECT 1 FROM story_features s WHERE s.item_id = i.id)
         ORDER BY i.id LIMIT $2`,
        [minId, limit],
      );
      return r.rows.map(itemFromRow);
    },
    async put(records) {
      await writeStoryRecords(pool, records);
      mirror.added(records);
    },
    async prune(minId) {
      // One statement: PostgreSQL runs it off this process's event loop.
      await pool.query('DELETE FROM story_features WHERE item_id < $1', [minId]);
      mirror.pruned(minId);
      return 0; // all done: no further call needed
    },
  };
}
