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
  const key = db.prepare('INSERT INTO story_keys (key, item_id) VALUES (?, ?)');
  return (records) => {
    for (const r of records) {
      if (feature.run(r.itemId, r.features).changes === 0) continue;
      for (const k of r.keys) key.run(k, r.itemId);
    }
  };
}

export function sqliteStories(db: Database.Database): StoryIndexStore {
  const write = sqliteStoryWriter(db);
  const firstSeen = db
    .prepare('SELECT id FROM items WHERE first_seen >= ? ORDER BY first_seen, id LIMIT 1')
    .pluck();
  const lookup = db.prepare('SELECT item_id FROM story_keys WHERE key = ? AND item_id >= ? LIMIT ?').pluck();
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
      // One indexed range read per key (no round trips in SQLite), each bounded.
      const out: Array<{ key: number; itemId: number }> = [];
      for (const key of keys) {
        for (const itemId of lookup.all(key, minId, perKey) as number[]) out.push({ key, itemId });
      }
      return out;
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
