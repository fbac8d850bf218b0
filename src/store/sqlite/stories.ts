// The story index on SQLite. Each item's features are stored with it (story_features, the
// record); its keys live in memory only (story-mirror.ts: key → ids for the recent window,
// built from the stored features when first needed and kept in step by this connection's
// writes). Until migration 180 the keys were stored as well, ~40 index rows per item: a
// fifth of a first poll's work, read by nothing once the copy in memory answered lookups.
import type Database from 'better-sqlite3';
import type { StoryRecord } from '../../digest/story-index.ts';
import { featuresFromJson } from '../../digest/story-features.ts';
import type { StoredItem } from '../../model.ts';
import type { StoryIndexStore, StoryRow } from '../types-stories.ts';
import { itemFromRow, type ItemRow } from './rows.ts';
import type { StoryMirror } from './story-mirror.ts';

/** Insert story records; runs inside the caller's transaction when there is one. */
export function sqliteStoryWriter(db: Database.Database): (records: StoryRecord[]) => void {
  const feature = db.prepare(
    'INSERT INTO story_features (item_id, features) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  return (records) => {
    for (const r of records) feature.run(r.itemId, r.features);
  };
}

export function sqliteStories(db: Database.Database, mirror: StoryMirror): StoryIndexStore {
  const write = sqliteStoryWriter(db);
  const firstSeen = db
    .prepare('SELECT id FROM items WHERE first_seen >= ? ORDER BY first_seen, id LIMIT 1')
    .pluck();
  const byUrls = db
    .prepare('SELECT id FROM items WHERE url IN (SELECT value FROM json_each(?)) ORDER BY id')
    .pluck();
  const load = db.prepare(
    `SELECT i.id, i.feed_id AS feedId, i.url, i.cluster_id AS clusterId, f.features
     FROM items i LEFT JOIN story_features f ON f.item_id = i.id
     WHERE i.id IN (SELECT value FROM json_each(?))`,
  );
  const unindexed = db.prepare(
    `SELECT items.*, feeds.name AS source_name FROM items JOIN feeds ON feeds.id = items.feed_id
     WHERE items.id >= ? AND NOT EXISTS (SELECT 1 FROM story_features f WHERE f.item_id = items.id)
     ORDER BY items.id LIMIT ?`,
  );
  const deleteFeatures = db.prepare(
    'DELETE FROM story_features WHERE item_id IN (SELECT item_id FROM story_features WHERE item_id < ? LIMIT ?)',
  );
  return {
    async firstIdSeenSince(since) {
      return (firstSeen.get(since) as number | undefined) ?? null;
    },
    async lookup(keys, minId, perKey) {
      if (!keys.length) return [];
      await mirror.sync(minId);
      return mirror.lookup(keys, minId, perKey);
    },
    async idsByUrls(urls) {
      if (!urls.length) return [];
      return byUrls.all(JSON.stringify(urls)) as number[];
    },
    async load(ids) {
      if (!ids.length) return [];
      // Held items come from the copy; the rest (a URL match of any age) from the tables.
      let rows: StoryRow[] = [];
      let rest = ids;
      if (mirror.inStep()) ({ rows, missing: rest } = mirror.load(ids));
      if (!rest.length) return rows;
      const read = load.all(JSON.stringify(rest)) as Array<
        Omit<StoryRow, 'features'> & { features: string | null }
      >;
      for (const r of read) {
        rows.push({ ...r, features: r.features === null ? null : featuresFromJson(r.id, r.features) });
      }
      return rows;
    },
    async unindexed(minId, limit) {
      return (unindexed.all(minId, limit) as ItemRow[]).map(itemFromRow) as StoredItem[];
    },
    async put(records) {
      db.transaction(() => write(records))();
      mirror.added(records);
    },
    async prune(minId, limit) {
      const n = deleteFeatures.run(minId, Math.max(1, limit)).changes;
      if (n < limit) mirror.pruned(minId);
      return n;
    },
  };
}
