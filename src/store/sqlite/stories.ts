// The story index on SQLite (schema: migrations 90 and 150). Lookups are one statement per
// batch. New keys go to story_keys_recent and move to story_keys in bulk, in item order, so
// story_keys rows stay appended in item order and pruning cuts a rowid range.
import type Database from 'better-sqlite3';
import { featuresOfRecord, type StoryRecord } from '../../digest/story-index.ts';
import type { StoredItem } from '../../model.ts';
import type { StoryIndexStore, StoryRow } from '../types-stories.ts';
import { itemFromRow, type ItemRow } from './rows.ts';
import type { StoryMirror } from './story-mirror.ts';

/**
 * Rows kept in story_keys_recent before they move. Each commit writes the pages it dirtied:
 * a feed's ~1,200 keys dirty most of this table's ~100 pages instead of ~1,000 pages of the
 * large index, and a move dirties each large-index page once for ~16,000 rows.
 */
export const RECENT_KEYS_MAX = 16_000;

/** Insert story records; runs inside the caller's transaction when there is one. */
export function sqliteStoryWriter(db: Database.Database): (records: StoryRecord[]) => void {
  const feature = db.prepare(
    'INSERT INTO story_features (item_id, features) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  // One statement per item for its keys: crossing into SQLite once per key cost more than
  // the inserts themselves.
  const keys = db.prepare(
    'INSERT INTO story_keys_recent (key, item_id) SELECT value, ? FROM json_each(?) ORDER BY key',
  );
  return (records) => {
    for (const r of records) {
      if (feature.run(r.itemId, r.features).changes === 0) continue;
      if (r.keys.length) keys.run(r.itemId, JSON.stringify(r.keys));
    }
  };
}

/**
 * Move story_keys_recent into story_keys once it holds RECENT_KEYS_MAX rows (in item order,
 * so story_keys stays appended in item order), in a transaction of its own: the writer calls
 * it on a later turn of the event loop, so the move (~50–100 ms) does not add to a feed's
 * turn. Until it runs, lookups read the keys where they are.
 */
export function sqliteStoryKeyMover(db: Database.Database, afterMove: () => void = () => {}): () => void {
  // Rows are appended and only ever removed all at once (or pruned from the front), so the
  // rowid span is the row count (or more), read from the two ends of the table.
  const span = db.prepare('SELECT coalesce(max(rowid) - min(rowid) + 1, 0) FROM story_keys_recent').pluck();
  const move = db.prepare(
    'INSERT INTO story_keys (key, item_id) SELECT key, item_id FROM story_keys_recent ORDER BY rowid',
  );
  const clear = db.prepare('DELETE FROM story_keys_recent');
  const moveIfFull = db.transaction(() => {
    if ((span.get() as number) < RECENT_KEYS_MAX) return;
    move.run();
    clear.run();
  });
  let pending = false;
  return () => {
    if (pending || (span.get() as number) < RECENT_KEYS_MAX) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      if (!db.open) return;
      moveIfFull.immediate();
      afterMove();
    });
  };
}

/**
 * The index on SQLite. `mirror` (story-mirror.ts) answers lookups and loads of the recent
 * window when it holds it; the tables answer the rest.
 */
export function sqliteStories(
  db: Database.Database,
  moveKeys: () => void,
  mirror: StoryMirror,
): StoryIndexStore {
  const write = sqliteStoryWriter(db);
  const firstSeen = db
    .prepare('SELECT id FROM items WHERE first_seen >= ? ORDER BY first_seen, id LIMIT 1')
    .pluck();
  // All keys of a batch in one statement, one row per key with its items' ids joined
  // (a row per (key, item) cost four times as much); each key's range reads stop after
  // `perKey` ids. Older items come first: story_keys before the recent table.
  const lookup = db
    .prepare(
      `SELECT key, ids FROM (
         SELECT j.value AS key, (SELECT group_concat(item_id) FROM (
             SELECT item_id FROM story_keys WHERE key = j.value AND item_id >= @minId
             UNION ALL
             SELECT item_id FROM story_keys_recent WHERE key = j.value AND item_id >= @minId
             LIMIT @perKey)) AS ids
         FROM json_each(@keys) j)
       WHERE ids IS NOT NULL`,
    )
    .raw();
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
  // The recent table is small (RECENT_KEYS_MAX rows at most): read through.
  const deleteRecentKeys = db.prepare('DELETE FROM story_keys_recent WHERE item_id < ?');
  const deleteFeatures = db.prepare('DELETE FROM story_features WHERE item_id < ?');
  return {
    async firstIdSeenSince(since) {
      return (firstSeen.get(since) as number | undefined) ?? null;
    },
    async lookup(keys, minId, perKey) {
      if (!keys.length) return [];
      if (mirror.ready(minId)) return mirror.lookup(keys, minId, perKey);
      const rows = lookup.all({ minId, perKey, keys: JSON.stringify(keys) }) as Array<[number, string]>;
      return rows.map(([key, ids]) => ({ key, itemIds: ids.split(',').map(Number) }));
    },
    async idsByUrls(urls) {
      if (!urls.length) return [];
      return byUrls.all(JSON.stringify(urls)) as number[];
    },
    async load(ids) {
      if (!ids.length) return [];
      // Held items come from the copy; items of any age (same URL) from the tables.
      let rows: StoryRow[] = [];
      let rest = ids;
      if (mirror.inStep()) ({ rows, missing: rest } = mirror.load(ids));
      if (!rest.length) return rows;
      const read = load.all(JSON.stringify(rest)) as Array<
        Omit<StoryRow, 'features'> & { features: string | null }
      >;
      for (const r of read) {
        rows.push({ ...r, features: r.features === null ? null : featuresOfRecord(r.id, r.features) });
      }
      return rows;
    },
    async unindexed(minId, limit) {
      return (unindexed.all(minId, limit) as ItemRow[]).map(itemFromRow) as StoredItem[];
    },
    async put(records) {
      db.transaction(() => write(records))();
      mirror.added(records);
      moveKeys();
    },
    async prune(minId, limit) {
      // Rows are appended in item order (a backfill appends older items later; those few
      // stay until a later cut passes them, and lookups skip them by item id anyway).
      const kept =
        (firstKeptRowid.get(minId) as number | undefined) ?? ((lastRowid.get() as number | null) ?? 0) + 1;
      const first = (firstRowid.get() as number | null) ?? kept;
      const cut = Math.min(kept, first + Math.max(1, limit));
      let n = deleteKeys.run(cut).changes;
      if (cut === kept) {
        n += deleteRecentKeys.run(minId).changes + deleteFeatures.run(minId).changes;
        mirror.pruned(minId);
      }
      return n;
    },
  };
}
