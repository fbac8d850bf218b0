// The story index on SQLite (schema: migration 90). Lookups are one statement per batch;
// story_keys rows are appended in item order, so pruning cuts a rowid range.
import type Database from 'better-sqlite3';
import type { StoryRecord } from '../../digest/story-index.ts';
import type { StoredItem } from '../../model.ts';
import type { StoryIndexStore, StoryRow } from '../types-stories.ts';
import { itemFromRow, type ItemRow } from './rows.ts';

/** Insert story records; runs inside the caller's transaction when there is one. */
export function sqliteStoryWriter(db: Database.Database): (records: StoryRecord[]) => void {
  const feature = db.prepare(
    'INSERT INTO story_features (item_id, features) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  // One statement per item for its (about a hundred) keys: crossing into SQLite once per key
  // cost more than the inserts themselves.
  const keys = db.prepare(
    'INSERT INTO story_keys (key, item_id) SELECT value, ? FROM json_each(?) ORDER BY key',
  );
  return (records) => {
    for (const r of records) {
      if (feature.run(r.itemId, r.features).changes === 0) continue;
      if (r.keys.length) keys.run(r.itemId, JSON.stringify(r.keys));
    }
  };
}

export function sqliteStories(db: Database.Database): StoryIndexStore {
  const write = sqliteStoryWriter(db);
  const firstSeen = db
    .prepare('SELECT id FROM items WHERE first_seen >= ? ORDER BY first_seen, id LIMIT 1')
    .pluck();
  // All keys of a batch in one statement; each key's range read stops after `perKey` rows.
  const lookup = db.prepare(
    `SELECT j.value AS key, s.item_id AS itemId FROM json_each(?) j
     JOIN story_keys s ON s.rowid IN (
       SELECT rowid FROM story_keys WHERE key = j.value AND item_id >= ? ORDER BY item_id LIMIT ?)
     ORDER BY j.id, s.item_id`,
  );
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
  const firstKeptRowid = db
    .prepare('SELECT rowid FROM story_keys WHERE item_id >= ? ORDER BY rowid LIMIT 1')
    .pluck();
  const firstRowid = db.prepare('SELECT min(rowid) FROM story_keys').pluck();
  const lastRowid = db.prepare('SELECT max(rowid) FROM story_keys').pluck();
  const deleteKeys = db.prepare('DELETE FROM story_keys WHERE rowid < ?');
  const deleteFeatures = db.prepare('DELETE FROM story_features WHERE item_id < ?');
  return {
    async firstIdSeenSince(since) {
      return (firstSeen.get(since) as number | undefined) ?? null;
    },
    async lookup(keys, minId, perKey) {
      if (!keys.length) return [];
      return lookup.all(JSON.stringify(keys), minId, perKey) as Array<{ key: number; itemId: number }>;
    },
    async idsByUrls(urls) {
      if (!urls.length) return [];
      return byUrls.all(JSON.stringify(urls)) as number[];
    },
    async load(ids) {
      if (!ids.length) return [];
      return load.all(JSON.stringify(ids)) as StoryRow[];
    },
    async unindexed(minId, limit) {
      return (unindexed.all(minId, limit) as ItemRow[]).map(itemFromRow) as StoredItem[];
    },
    async put(records) {
      db.transaction(() => write(records))();
    },
    async prune(minId, limit) {
      // Rows are appended in item order (a backfill appends older items later; those few
      // stay until a later cut passes them, and lookups skip them by item id anyway).
      const kept =
        (firstKeptRowid.get(minId) as number | undefined) ?? ((lastRowid.get() as number | null) ?? 0) + 1;
      const first = (firstRowid.get() as number | null) ?? kept;
      const cut = Math.min(kept, first + Math.max(1, limit));
      let n = deleteKeys.run(cut).changes;
      if (cut === kept) n += deleteFeatures.run(minId).changes;
      return n;
    },
  };
}
