// The story index on PostgreSQL (schema: migration 90): one round trip per lookup batch.
import type pg from 'pg';
import { featuresOfRecord, type StoryRecord } from '../../digest/story-index.ts';
import type { StoryIndexStore, StoryRow } from '../types-stories.ts';
import { ITEM_COLUMNS, itemFromRow, stripNul, type ItemRow } from './rows.ts';

type Queryable = pg.Pool | pg.PoolClient;

/**
 * Insert story records with the caller's connection (inside its transaction when it has one):
 * one statement, the keys of the items whose features were new.
 */
export async function writeStoryRecords(c: Queryable, records: StoryRecord[]): Promise<void> {
  if (!records.length) return;
  const keys: number[] = [];
  const ids: number[] = [];
  for (const r of records) {
    for (const k of r.keys) {
      keys.push(k);
      ids.push(r.itemId);
    }
  }
  await c.query(
    `WITH fresh AS (
       INSERT INTO story_features (item_id, features)
       SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT DO NOTHING RETURNING item_id)
     INSERT INTO story_keys (key, item_id)
     SELECT k.key, k.item_id FROM unnest($3::bigint[], $4::int[]) AS k(key, item_id)
     WHERE k.item_id IN (SELECT item_id FROM fresh)`,
    [records.map((r) => r.itemId), records.map((r) => stripNul(r.features)), keys, ids],
  );
}

export function postgresStories(pool: pg.Pool): StoryIndexStore {
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
      // One row per key with its ids in an array: a row per (key, item) made the answer
      // (and its parsing here) several times larger.
      const r = await pool.query<{ key: string; ids: number[] }>(
        `SELECT k.key, s.ids FROM unnest($1::bigint[]) AS k(key)
         CROSS JOIN LATERAL (SELECT array_agg(item_id) AS ids FROM (
           SELECT item_id FROM story_keys WHERE story_keys.key = k.key AND item_id >= $2 LIMIT $3) AS x) AS s
         WHERE s.ids IS NOT NULL`,
        [keys, minId, perKey],
      );
      return r.rows.map((row) => ({ key: Number(row.key), itemIds: row.ids }));
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
      const r = await pool.query<Omit<StoryRow, 'features'> & { features: string | null }>(
        `SELECT i.id, i.feed_id AS "feedId", i.url, i.cluster_id AS "clusterId", f.features
         FROM items i LEFT JOIN story_features f ON f.item_id = i.id WHERE i.id = ANY($1::int[])`,
        [ids],
      );
      return r.rows.map((row) => ({
        ...row,
        features: row.features === null ? null : featuresOfRecord(row.id, row.features),
      }));
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
    },
    async prune(minId) {
      // One statement: PostgreSQL runs it off this process's event loop.
      await pool.query('DELETE FROM story_keys WHERE item_id < $1', [minId]);
      await pool.query('DELETE FROM story_features WHERE item_id < $1', [minId]);
      return 0; // all done: no further call needed
    },
  };
}
