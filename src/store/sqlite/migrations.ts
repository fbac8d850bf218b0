// Versioned schema for the SQLite archive. Each migration runs once, in its own
// transaction, and is recorded in schema_migrations; reopening a database applies nothing.
// Never edit a released migration: add a new one.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'feeds, items, search index',
    up: `
      CREATE TABLE feeds (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        language TEXT NOT NULL,
        themes TEXT NOT NULL DEFAULT '[]',
        origin TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_check_at TEXT,
        last_success_at TEXT,
        last_error_at TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_check_at TEXT,
        backlog_done INTEGER NOT NULL DEFAULT 0,
        id_mode TEXT NOT NULL DEFAULT 'guid',
        feed_title TEXT,
        lease_owner TEXT,
        lease_until TEXT
      );

      CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        feed_id TEXT NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        author TEXT,
        summary TEXT NOT NULL,
        published TEXT NOT NULL,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        lang TEXT,
        themes TEXT NOT NULL DEFAULT '[]',
        regions TEXT NOT NULL DEFAULT '[]',
        why TEXT NOT NULL DEFAULT '{}',
        first_seen TEXT NOT NULL,
        alertable INTEGER NOT NULL,
        cluster_id INTEGER
      );
      -- Deduplication: one guid per feed, and one canonical URL per feed.
      CREATE UNIQUE INDEX items_feed_guid ON items(feed_id, guid);
      -- (url, feed_id) also serves findItemsByUrl.
      CREATE UNIQUE INDEX items_url_feed ON items(url, feed_id) WHERE url IS NOT NULL;
      CREATE INDEX items_published ON items(published);
      CREATE INDEX items_first_seen ON items(first_seen);

      -- Contentless full-text index: title/body hold our own normalized tokens (see
      -- search-text.ts), tags holds filter tokens (theme, region, source, month, year) so
      -- filters are intersected inside the index instead of row by row.
      CREATE VIRTUAL TABLE item_fts USING fts5(
        title, body, tags,
        content = '',
        contentless_delete = 1,
        tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
      );
    `,
  },
  {
    version: 2,
    name: 'subscriptions, digest marks, outbox, locks',
    up: `
      CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        target_key TEXT NOT NULL,
        target TEXT NOT NULL,
        filter TEXT NOT NULL,
        mode TEXT NOT NULL,
        cron TEXT,
        timezone TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX subscriptions_target ON subscriptions(target_key);

      CREATE TABLE digest_marks (
        target_key TEXT PRIMARY KEY,
        last_item_id INTEGER NOT NULL,
        last_slot TEXT NOT NULL
      );

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        target_key TEXT NOT NULL,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        claimed_by TEXT,
        claimed_until TEXT,
        sent_refs TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        sent_at TEXT
      );
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_target ON outbox(target_key, id);

      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 80,
    name: 'paused feeds',
    up: `
      -- A paused feed is not polled; its items stay. paused_by: sources-file, operator or chat.
      ALTER TABLE feeds ADD COLUMN paused_at TEXT;
      ALTER TABLE feeds ADD COLUMN paused_by TEXT;
    `,
  },
  {
    version: 81,
    name: 'the terminal digest follows the configured schedule',
    up: `
      -- The terminal's own subscription stored a copy of GOVWATCH_DIGEST_CRON and
      -- GOVWATCH_TIMEZONE, so a corrected value was ignored; no cron and no zone mean "the
      -- configured default", read at every start.
      UPDATE subscriptions SET cron = NULL, timezone = ''
      WHERE target_key = 'console::channel:terminal' AND created_by = 'govwatch' AND mode = 'digest';
    `,
  },
  {
    version: 82,
    name: 'settings',
    up: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 85,
    name: 'alerted marker',
    up: `
      -- Set once an item's alerts are in the outbox; alertable items still at 0 after a crash
      -- between storing and alerting are alerted by the recovery pass. Existing items count
      -- as alerted.
      ALTER TABLE items ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0;
      UPDATE items SET alerted = 1;
      CREATE INDEX items_unalerted ON items (id) WHERE alertable = 1 AND alerted = 0;
    `,
  },
  {
    version: 90,
    name: 'story index',
    up: `
      -- Story features computed once when an item is stored (src/digest/story-index.ts),
      -- and index keys to find candidate stories by lookup. Both are kept for the recent
      -- window only (pruned by the clustering); older archives are backfilled lazily.
      CREATE TABLE story_features (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        features TEXT NOT NULL
      );
      CREATE TABLE story_keys (key INTEGER NOT NULL, item_id INTEGER NOT NULL);
      CREATE INDEX story_keys_key ON story_keys(key, item_id);
    `,
  },
  {
    version: 110,
    name: 'tracked processes and their follows',
    up: `
      -- Deadlines are ISO 8601 UTC text (sorts as time). history, themes, regions, details
      -- and poll_state (polling state) are JSON.
      CREATE TABLE tracked_processes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        url TEXT NOT NULL,
        state TEXT NOT NULL,
        deadline TEXT,
        updated_at TEXT NOT NULL,
        history TEXT NOT NULL DEFAULT '[]',
        themes TEXT NOT NULL DEFAULT '[]',
        regions TEXT NOT NULL DEFAULT '[]',
        details TEXT NOT NULL DEFAULT '{}',
        poll_state TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX tracked_processes_deadline ON tracked_processes(deadline);
      CREATE TABLE tracker_follows (
        process_id TEXT NOT NULL REFERENCES tracked_processes(id) ON DELETE CASCADE,
        target_key TEXT NOT NULL,
        target TEXT NOT NULL,
        reminder_days TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (process_id, target_key)
      );
      CREATE INDEX tracker_follows_target ON tracker_follows(target_key);
    `,
  },
  {
    version: 120,
    name: 'evidence cache',
    up: `
      -- What an evidence API (OONI, IODA, Cloudflare Radar) answered, per source, query,
      -- country and UTC day: many stories about one country and day cost one request.
      -- (IF NOT EXISTS: an archive rewound to an older schema version keeps its tables.)
      CREATE TABLE IF NOT EXISTS evidence_days (
        source TEXT NOT NULL,
        query TEXT NOT NULL,
        country TEXT NOT NULL,
        day TEXT NOT NULL,
        payload TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (source, query, country, day)
      );
    `,
  },
  {
    version: 130,
    name: 'private feed tokens',
    up: `
      -- /subscribe … mode:feed: a saved search served as a feed at a secret URL. Only the
      -- token's SHA-256 is kept.
      CREATE TABLE feed_tokens (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        target_key TEXT NOT NULL,
        target TEXT NOT NULL,
        filter TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX feed_tokens_target ON feed_tokens(target_key);
    `,
  },
  {
    version: 131,
    name: 'item tags for trend counts',
    up: `
      -- One row per item and theme or region, with the item's date and feed, so trend charts
      -- count one covering index over a period (GROUP BY day, tag) instead of unpacking each
      -- item's JSON. Derived from items and kept by triggers: nothing else writes it.
      CREATE TABLE item_tags (
        item_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        tag TEXT NOT NULL,
        published TEXT NOT NULL,
        feed_id TEXT NOT NULL,
        PRIMARY KEY (item_id, kind, tag)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO item_tags SELECT items.id, 'theme', j.value, items.published, items.feed_id
        FROM items, json_each(items.themes) j;
      INSERT OR IGNORE INTO item_tags SELECT items.id, 'region', upper(j.value), items.published, items.feed_id
        FROM items, json_each(items.regions) j;
      CREATE INDEX item_tags_trend ON item_tags(kind, published, tag, feed_id);
      CREATE TRIGGER items_tags_insert AFTER INSERT ON items BEGIN
        INSERT OR IGNORE INTO item_tags SELECT NEW.id, 'theme', value, NEW.published, NEW.feed_id
          FROM json_each(NEW.themes);
        INSERT OR IGNORE INTO item_tags SELECT NEW.id, 'region', upper(value), NEW.published, NEW.feed_id
          FROM json_each(NEW.regions);
      END;
      CREATE TRIGGER items_tags_update AFTER UPDATE OF themes, regions, published, feed_id ON items BEGIN
        DELETE FROM item_tags WHERE item_id = OLD.id;
        INSERT OR IGNORE INTO item_tags SELECT NEW.id, 'theme', value, NEW.published, NEW.feed_id
          FROM json_each(NEW.themes);
        INSERT OR IGNORE INTO item_tags SELECT NEW.id, 'region', upper(value), NEW.published, NEW.feed_id
          FROM json_each(NEW.regions);
      END;
      CREATE TRIGGER items_tags_delete AFTER DELETE ON items BEGIN
        DELETE FROM item_tags WHERE item_id = OLD.id;
      END;
    `,
  },
  {
    version: 140,
    name: 'a shared link is not identity when guids are trusted',
    up: `
      -- Distinct items of one feed may share a link (a ministry pointing every item at its
      -- press page). The URL stays indexed for lookups; addItems skips a known URL only when
      -- the feed's guids are missing or unstable. Existing rows are unique already: nothing moves.
      DROP INDEX items_url_feed;
      CREATE INDEX items_url_feed ON items(url, feed_id) WHERE url IS NOT NULL;
    `,
  },
  {
    version: 150,
    name: 'recent story keys',
    up: `
      -- New items' story keys land here, a small table whose index pages stay few and hot,
      -- and move to story_keys in bulk (src/store/sqlite/stories.ts). Inserted straight into
      -- story_keys, an item's ~60 keys dirtied ~60 random pages of its large index, all
      -- written to the WAL at every commit.
      CREATE TABLE story_keys_recent (key INTEGER NOT NULL, item_id INTEGER NOT NULL);
      CREATE INDEX story_keys_recent_key ON story_keys_recent(key, item_id);
    `,
  },
  {
    version: 160,
    name: 'publication time by id, for search',
    up: `
      -- Search ranks the newest 1,000 matches and needs each one's publication time. Read from
      -- this index (~120 entries a page) instead of the rows (~5 a page), a fresh process
      -- touches a third of the pages (each first touch is a page fault).
      CREATE INDEX IF NOT EXISTS items_id_published ON items(id, published);
    `,
  },
  {
    version: 170,
    name: 'publication time by id in milliseconds, search index merges',
    up: `
      -- Search still read ~350-730 pages of items_id_published for its 1,000 candidates at
      -- 1M items (an entry holds the 24-character text: ~110 a page). An integer keyed by
      -- id packs ~260 a page; a fresh process touches half as many pages. Kept by triggers,
      -- so every writer (addItems, db copy, feed removal's cascade) keeps it in step.
      -- ms: Date.parse of published (0 when it does not parse, as the ranking reads it).
      CREATE TABLE item_time (id INTEGER PRIMARY KEY, ms INTEGER NOT NULL);
      INSERT INTO item_time (id, ms)
        SELECT id, coalesce(CAST(round(unixepoch(published, 'subsec') * 1000) AS INTEGER), 0) FROM items;
      CREATE TRIGGER item_time_insert AFTER INSERT ON items BEGIN
        INSERT OR REPLACE INTO item_time (id, ms)
          VALUES (NEW.id, coalesce(CAST(round(unixepoch(NEW.published, 'subsec') * 1000) AS INTEGER), 0));
      END;
      CREATE TRIGGER item_time_update AFTER UPDATE OF published ON items BEGIN
        UPDATE item_time
          SET ms = coalesce(CAST(round(unixepoch(NEW.published, 'subsec') * 1000) AS INTEGER), 0)
          WHERE id = NEW.id;
      END;
      CREATE TRIGGER item_time_delete AFTER DELETE ON items BEGIN
        DELETE FROM item_time WHERE id = OLD.id;
      END;
      -- The 'merge' command (src/store/sqlite/index-merge.ts) merges two segments of a level
      -- instead of four: after it has run, each level holds one segment.
      INSERT INTO item_fts (item_fts, rank) VALUES ('usermerge', 2);
    `,
  },
  {
    version: 180,
    name: 'story keys in memory',
    up: `
      -- The story index's keys are computed from story_features and held in memory
      -- (src/store/sqlite/story-mirror.ts); the tables that stored them are read by nothing.
      DROP TABLE IF EXISTS story_keys_recent;
      DROP TABLE IF EXISTS story_keys;
    `,
  },
];

/** Apply pending migrations; returns the versions applied now. */
export function migrate(db: Database.Database, migrations: Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    // IMMEDIATE: two processes opening a fresh file at once must not both migrate.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (again) return;
      db.exec(m.up);
      record.run(m.version, m.name, new Date().toISOString());
      done.push(m.version);
    }).immediate();
  }
  return done;
}
