// The SQLite archive (better-sqlite3): one process, synchronous calls behind the async
// Store interface. Every multi-row write is one transaction.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  targetKey,
  UserError,
  type FeedPause,
  type FeedRecord,
  type FeedSource,
  type FeedState,
  type StoredItem,
  type Subscription,
  type TaggedItem,
  type Target,
} from '../../model.ts';
import { feedStateValues, iso, type StoreAdapterOptions } from '../rows-common.ts';
import { indexText } from '../search-text.ts';
import type {
  AddItemsOptions,
  AddItemsResult,
  DigestMark,
  ListItemsQuery,
  NewOutboxEntry,
  NewSubscription,
  OutboxEntry,
  OutboxResult,
  OutboxStatus,
  SearchQuery,
  SearchResult,
  Store,
} from '../types.ts';
import { fileOpenReason } from '../open-errors.ts';
import { migrate } from './migrations.ts';
import { sqliteSettings } from './settings.ts';
import { sqliteCheckpointer, type Checkpointer } from './checkpointer.ts';
import { sqliteStories, sqliteStoryWriter } from './stories.ts';
import { StoryMirror } from './story-mirror.ts';
import { storyRecord, type StoryRecord } from '../../digest/story-index.ts';
import type { StoryIndexStore } from '../types-stories.ts';
import { sqliteTrackers } from './trackers.ts';
import type { TrackerStore } from '../../trackers/types.ts';
import type { FeedTokenStore } from '../types-feed-tokens.ts';
import { sqliteFeedTokens } from './feed-tokens.ts';
import type { TrendStore } from '../types-trends.ts';
import { sqliteTrends } from './trends.ts';
import { sqliteEvidence } from './evidence.ts';
import type { EvidenceStore } from '../types-evidence.ts';
import type { SettingsStore } from '../types-settings.ts';
import {
  feedFromRow,
  itemFromRow,
  outboxFromRow,
  SQLITE_COLUMNS,
  subscriptionFromRow,
  type FeedRow,
  type ItemRow,
  type OutboxRow,
  type SubscriptionRow,
} from './rows.ts';
import { searchArchive, tagsText } from './search.ts';
import { sqliteIndexMerger, type IndexMerger } from './index-merge.ts';

export type SqliteStoreOptions = StoreAdapterOptions & {
  /** WAL checkpoints off the main thread (file archives; see checkpointer.ts). */
  checkpointer?: Checkpointer;
};

const FEED_SELECT = `SELECT feeds.*, (SELECT count(*) FROM items WHERE items.feed_id = feeds.id) AS item_count FROM feeds`;
const ITEM_SELECT = `SELECT items.*, feeds.name AS source_name FROM items JOIN feeds ON feeds.id = items.feed_id`;

function placeholders(n: number): string {
  return new Array(n).fill('?').join(',');
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly settings: SettingsStore;
  readonly stories: StoryIndexStore;
  readonly trackers: TrackerStore;
  readonly feedTokens: FeedTokenStore;
  readonly trends: TrendStore;
  readonly evidence: EvidenceStore;
  private readonly now: () => Date;
  private readonly writeStories: ReturnType<typeof sqliteStoryWriter>;
  /** The story index's recent window in memory (story-mirror.ts); kept in step with our writes. */
  readonly storyMirror: StoryMirror;
  private readonly insertItem: Database.Statement;
  private readonly insertFts: Database.Statement;
  private readonly hasUrl: Database.Statement;
  private readonly indexMerger: IndexMerger;

  constructor(
    readonly db: Database.Database,
    private readonly opts: SqliteStoreOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.settings = sqliteSettings(db);
    this.storyMirror = new StoryMirror(db);
    this.stories = sqliteStories(db, this.storyMirror);
    this.writeStories = sqliteStoryWriter(db);
    this.trackers = sqliteTrackers(db, this.now);
    this.feedTokens = sqliteFeedTokens(db, this.now);
    this.trends = sqliteTrends(db);
    this.evidence = sqliteEvidence(db);
    this.insertItem = db.prepare(`INSERT INTO items
      (feed_id, guid, url, title, author, summary, published, published_estimated, lang, themes, regions, why,
       first_seen, alertable)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.insertFts = db.prepare('INSERT INTO item_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)');
    this.hasUrl = db.prepare('SELECT 1 FROM items WHERE url = ? AND feed_id = ? LIMIT 1');
    this.indexMerger = sqliteIndexMerger(db, {
      afterStep: () => opts.checkpointer?.nudge(),
      onError: (err) => opts.logger?.debug({ err }, 'sqlite_index_merge_stopped'),
    });
  }

  /**
   * Merge the search index's segments now, until each level holds one (what the store does
   * in the background after writes; src/store/sqlite/index-merge.ts). Returns the steps run.
   */
  mergeSearchIndex(maxSteps?: number): number {
    return this.indexMerger.runToEnd(maxSteps);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.indexMerger.close();
    await this.opts.checkpointer?.close();
    try {
      this.db.pragma('optimize');
    } catch (err) {
      this.opts.logger?.debug({ err }, 'sqlite_optimize_failed');
    }
    this.db.close();
  }

  // Feeds ------------------------------------------------------------------------------

  async upsertFeeds(sources: FeedSource[]): Promise<void> {
    const stmt = this.db.prepare(`INSERT INTO feeds (id, name, url, kind, language, themes, origin)
      VALUES (@id, @name, @url, @kind, @language, @themes, @origin)
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, url = excluded.url, kind = excluded.kind,
        language = excluded.language, themes = excluded.themes, origin = excluded.origin`);
    this.db.transaction(() => {
      for (const s of sources) {
        stmt.run({
          id: s.id,
          name: s.name,
          url: s.url,
          kind: s.kind,
          language: s.language,
          themes: JSON.stringify(s.themes ?? null),
          origin: s.origin,
        });
      }
    })();
  }

  async removeFeed(id: string): Promise<boolean> {
    this.storyMirror.invalidate(); // its items go with it
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM item_fts WHERE rowid IN (SELECT id FROM items WHERE feed_id = ?)').run(id);
      return this.db.prepare('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
    })();
  }

  async getFeed(id: string): Promise<FeedRecord | null> {
    const row = this.db.prepare(`${FEED_SELECT} WHERE feeds.id = ?`).get(id) as FeedRow | undefined;
    return row ? feedFromRow(row) : null;
  }

  async listFeeds(): Promise<FeedRecord[]> {
    return (this.db.prepare(`${FEED_SELECT} ORDER BY feeds.id`).all() as FeedRow[]).map(feedFromRow);
  }

  async saveFeedState(id: string, s: FeedState): Promise<void> {
    this.db
      .prepare(
        `UPDATE feeds SET etag = ?, last_modified = ?, last_check_at = ?, last_success_at = ?, last_error_at = ?,
          last_error = ?, consecutive_failures = ?, next_check_at = ?, backlog_done = ?, id_mode = ?, feed_title = ?
         WHERE id = ?`,
      )
      .run(...feedStateValues(SQLITE_COLUMNS, s), id);
  }

  async setFeedPaused(id: string, pause: FeedPause | null): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE feeds SET paused_at = ?, paused_by = ? WHERE id = ?')
        .run(pause ? (iso(pause.at) ?? pause.at) : null, pause?.by ?? null, id).changes > 0
    );
  }

  async claimDueFeeds(owner: string, now: Date, limit: number, leaseMs: number): Promise<FeedRecord[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.db
      .transaction(() => {
        const ids = this.db
          .prepare(
            `SELECT id FROM feeds
             WHERE (next_check_at IS NULL OR next_check_at <= ?) AND (lease_until IS NULL OR lease_until <= ?)
               AND paused_at IS NULL
             ORDER BY next_check_at IS NOT NULL, next_check_at, id LIMIT ?`,
          )
          .all(at, at, Math.max(0, limit)) as Array<{ id: string }>;
        const lease = this.db.prepare('UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE id = ?');
        const get = this.db.prepare(`${FEED_SELECT} WHERE feeds.id = ?`);
        return ids.map(({ id }) => {
          lease.run(owner, until, id);
          return feedFromRow(get.get(id) as FeedRow);
        });
      })
      .immediate();
  }

  async releaseFeed(id: string, owner: string): Promise<void> {
    this.db
      .prepare('UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?')
      .run(id, owner);
  }

  // Items ------------------------------------------------------------------------------

  async addItems(feedId: string, items: TaggedItem[], opts: AddItemsOptions): Promise<AddItemsResult> {
    const feed = this.db.prepare('SELECT name FROM feeds WHERE id = ?').get(feedId) as
      { name: string } | undefined;
    if (!feed) throw new Error(`addItems: unknown feed ${feedId}`);
    const firstSeen = this.now().toISOString();
    let records: StoryRecord[] = [];
    const result = this.db.transaction((): AddItemsResult => {
      const added: StoredItem[] = [];
      let duplicates = 0;
      const urlIsIdentity = opts.urlIsIdentity !== false;
      // URLs met earlier in this batch: the first item with a URL wins, as in PostgreSQL.
      const batchUrls = new Set<string>();
      items.forEach((it, index) => {
        const published = iso(it.published) ?? firstSeen;
        const url = it.url ? it.url : null;
        if (urlIsIdentity && url !== null) {
          const seen = batchUrls.has(url) || this.hasUrl.get(url, feedId) !== undefined;
          batchUrls.add(url);
          if (seen) {
            duplicates += 1;
            return;
          }
        }
        const alertable = opts.alertable(it, index);
        const res = this.insertItem.run(
          feedId,
          it.guid,
          url,
          it.title,
          it.author,
          it.summary,
          published,
          it.publishedEstimated ? 1 : 0,
          it.lang,
          JSON.stringify(it.themes),
          JSON.stringify(it.regions),
          JSON.stringify(it.why),
          firstSeen,
          alertable ? 1 : 0,
        );
        if (res.changes === 0) {
          duplicates += 1;
          return;
        }
        const id = Number(res.lastInsertRowid);
        this.insertFts.run(
          id,
          indexText(it.title),
          indexText(it.summary),
          tagsText({ themes: it.themes, regions: it.regions, feedId, published }),
        );
        added.push({
          ...it,
          url,
          published,
          id,
          feedId,
          sourceName: feed.name,
          firstSeen,
          alertable,
          clusterId: null,
        });
      });
      // Story features once, in the storing transaction: clustering then only looks them up.
      records = added.map(storyRecord);
      this.writeStories(records);
      return { added, duplicates };
    })();
    this.storyMirror.added(records); // committed
    if (result.added.length) {
      this.opts.checkpointer?.nudge();
      this.indexMerger.nudge();
    }
    return result;
  }

  async getItem(id: number): Promise<StoredItem | null> {
    const row = this.db.prepare(`${ITEM_SELECT} WHERE items.id = ?`).get(id) as ItemRow | undefined;
    return row ? itemFromRow(row) : null;
  }

  private loadItems(ids: number[]): Map<number, StoredItem> {
    const out = new Map<number, StoredItem>();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare(`${ITEM_SELECT} WHERE items.id IN (${placeholders(ids.length)})`)
      .all(...ids) as ItemRow[];
    for (const r of rows) out.set(r.id, itemFromRow(r));
    return out;
  }

  async listItems(q: ListItemsQuery): Promise<StoredItem[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.afterId !== undefined) {
      where.push('items.id > ?');
      args.push(q.afterId);
    }
    const seenSince = iso(q.seenSince);
    const seenUntil = iso(q.seenUntil);
    if (seenSince) {
      where.push('items.first_seen >= ?');
      args.push(seenSince);
    }
    if (seenUntil) {
      where.push('items.first_seen <= ?');
      args.push(seenUntil);
    }
    if (q.themes?.length) {
      where.push(
        `EXISTS (SELECT 1 FROM json_each(items.themes) WHERE value IN (${placeholders(q.themes.length)}))`,
      );
      args.push(...q.themes);
    }
    if (q.regions?.length) {
      where.push(
        `EXISTS (SELECT 1 FROM json_each(items.regions) WHERE upper(value) IN (${placeholders(q.regions.length)}))`,
      );
      args.push(...q.regions.map((r) => r.toUpperCase()));
    }
    if (q.sources?.length) {
      where.push(`items.feed_id IN (${placeholders(q.sources.length)})`);
      args.push(...q.sources);
    }
    const publishedSince = iso(q.publishedSince);
    if (publishedSince) {
      where.push('items.published >= ?');
      args.push(publishedSince);
    }
    if (q.alertableOnly) where.push('items.alertable = 1');
    if (q.unalertedOnly) where.push('items.alertable = 1 AND items.alerted = 0');
    const order = q.order === 'id-desc' ? 'DESC' : 'ASC';
    const limit = q.limit !== undefined ? Math.max(0, Math.floor(q.limit)) : -1;
    const sql = `${ITEM_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY items.id ${order} LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as ItemRow[]).map(itemFromRow);
  }

  async findItemsByUrl(url: string): Promise<StoredItem[]> {
    return (
      this.db.prepare(`${ITEM_SELECT} WHERE items.url = ? ORDER BY items.id`).all(url) as ItemRow[]
    ).map(itemFromRow);
  }

  async setClusters(assignments: Array<{ itemId: number; clusterId: number }>): Promise<void> {
    const stmt = this.db.prepare('UPDATE items SET cluster_id = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const a of assignments) stmt.run(a.clusterId, a.itemId);
    })();
    this.storyMirror.clustered(assignments);
  }

  async markAlerted(ids: number[]): Promise<void> {
    const stmt = this.db.prepare('UPDATE items SET alerted = 1 WHERE id = ? AND alerted = 0');
    this.db.transaction(() => {
      for (const id of ids) stmt.run(id);
    })();
  }

  async countItems(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    return searchArchive({ db: this.db, loadItems: (ids) => this.loadItems(ids) }, q);
  }

  // Subscriptions ----------------------------------------------------------------------

  async addSubscription(sub: NewSubscription): Promise<Subscription> {
    const createdAt = this.now().toISOString();
    const res = this.db
      .prepare(
        `INSERT INTO subscriptions (target_key, target, filter, mode, cron, timezone, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        targetKey(sub.target),
        JSON.stringify(sub.target),
        JSON.stringify(sub.filter),
        sub.mode,
        sub.cron,
        sub.timezone,
        sub.createdBy,
        createdAt,
      );
    return { id: Number(res.lastInsertRowid), ...sub, createdAt };
  }

  async removeSubscription(id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
  }

  async updateSubscriptionSchedule(id: number, cron: string, timezone: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE subscriptions SET cron = ?, timezone = ? WHERE id = ?').run(cron, timezone, id)
        .changes > 0
    );
  }

  async listSubscriptions(
    filter: { target?: Target; mode?: 'digest' | 'alert' } = {},
  ): Promise<Subscription[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.target) {
      where.push('target_key = ?');
      args.push(targetKey(filter.target));
    }
    if (filter.mode) {
      where.push('mode = ?');
      args.push(filter.mode);
    }
    const sql = `SELECT * FROM subscriptions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as SubscriptionRow[]).map(subscriptionFromRow);
  }

  // Digests and delivery ---------------------------------------------------------------

  async getDigestMark(key: string): Promise<DigestMark | null> {
    const row = this.db
      .prepare('SELECT last_item_id, last_slot FROM digest_marks WHERE target_key = ?')
      .get(key) as { last_item_id: number; last_slot: string } | undefined;
    return row ? { lastItemId: row.last_item_id, lastSlot: row.last_slot } : null;
  }

  async enqueue(entries: NewOutboxEntry[], mark?: { targetKey: string; mark: DigestMark }): Promise<number> {
    const now = this.now().toISOString();
    const insert = this.db
      .prepare(`INSERT INTO outbox (key, target_key, target, kind, payload, next_attempt_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING`);
    const setMark = this.db
      .prepare(`INSERT INTO digest_marks (target_key, last_item_id, last_slot) VALUES (?, ?, ?)
      ON CONFLICT(target_key) DO UPDATE SET last_item_id = max(last_item_id, excluded.last_item_id),
        last_slot = excluded.last_slot`);
    const markSlot = mark ? (iso(mark.mark.lastSlot) ?? mark.mark.lastSlot) : null;
    const currentMark = this.db.prepare('SELECT last_slot FROM digest_marks WHERE target_key = ?');
    return this.db
      .transaction(() => {
        // A digest for a slot older than the recorded mark is stale (a slow or clock-skewed
        // run): recording it would post items twice and move the mark backwards.
        if (mark) {
          const current = currentMark.get(mark.targetKey) as { last_slot: string } | undefined;
          if (current && current.last_slot > markSlot!) return 0;
        }
        let added = 0;
        for (const e of entries) {
          const payload = JSON.stringify(e.payload ?? null);
          added += insert.run(
            e.key,
            targetKey(e.target),
            JSON.stringify(e.target),
            e.kind,
            payload,
            now,
            now,
          ).changes;
        }
        if (mark) setMark.run(mark.targetKey, mark.mark.lastItemId, markSlot);
        return added;
      })
      .immediate();
  }

  async claimOutbox(owner: string, now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare(
            `SELECT id FROM outbox
             WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?)
             ORDER BY next_attempt_at, id LIMIT ?`,
          )
          .all(at, at, Math.max(0, limit)) as Array<{ id: number }>;
        const claim = this.db.prepare(
          `UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, attempts = attempts + 1
           WHERE id = ? RETURNING *`,
        );
        return rows.map(({ id }) => outboxFromRow(claim.get(owner, until, id) as OutboxRow));
      })
      .immediate();
  }

  async completeOutbox(id: number, owner: string, result: OutboxResult): Promise<void> {
    const now = this.now().toISOString();
    const guard = `WHERE id = ? AND claimed_by = ? AND status = 'sending'`;
    if (result.ok) {
      this.db
        .prepare(
          `UPDATE outbox SET status = 'sent', sent_refs = ?, sent_at = ?, last_error = NULL, claimed_until = NULL ${guard}`,
        )
        .run(JSON.stringify(result.sentRefs), now, id, owner);
    } else if (result.retryAt !== null) {
      this.db
        .prepare(
          `UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, claimed_by = NULL,
             claimed_until = NULL ${guard}`,
        )
        .run(iso(result.retryAt) ?? now, result.error, id, owner);
    } else {
      this.db
        .prepare(`UPDATE outbox SET status = 'failed', last_error = ?, claimed_until = NULL ${guard}`)
        .run(result.error, id, owner);
    }
  }

  async listOutbox(
    filter: { status?: OutboxStatus; targetKey?: string; limit?: number } = {},
  ): Promise<OutboxEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.targetKey) {
      where.push('target_key = ?');
      args.push(filter.targetKey);
    }
    const limit = filter.limit !== undefined ? Math.max(0, Math.floor(filter.limit)) : -1;
    const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as OutboxRow[]).map(outboxFromRow);
  }

  // Coordination -----------------------------------------------------------------------

  async tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const res = this.db
      .prepare(
        `INSERT INTO locks (name, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE locks.owner = excluded.owner OR locks.expires_at <= ?`,
      )
      .run(name, owner, new Date(now.getTime() + ttlMs).toISOString(), now.toISOString());
    return res.changes > 0;
  }

  async unlock(name: string, owner: string): Promise<void> {
    this.db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?').run(name, owner);
  }

  async releaseOwner(owner: string): Promise<void> {
    const now = this.now().toISOString();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM locks WHERE owner = ?').run(owner);
      this.db
        .prepare('UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?')
        .run(owner);
      this.db
        .prepare(
          `UPDATE outbox SET status = 'pending', next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL
           WHERE status = 'sending' AND claimed_by = ?`,
        )
        .run(now, owner);
    })();
  }
}

/**
 * Open a SQLite archive: WAL, busy timeout, foreign keys, migrations. With `create` (the
 * default) the file and its folder are made when missing; without it a missing archive is
 * a UserError naming the path. A file that cannot be opened is a UserError saying why.
 */
export function openSqliteStore(
  path: string,
  opts: SqliteStoreOptions & { create?: boolean } = {},
): SqliteStore {
  const memory = path === ':memory:' || path === '';
  const create = opts.create !== false;
  if (!memory && !create && !existsSync(path)) {
    throw new UserError(
      'no-archive',
      `there is no archive at ${resolve(path)} yet (\`govwatch poll\` makes one; --db or GOVWATCH_DB chooses another)`,
    );
  }
  let db: Database.Database | undefined;
  try {
    if (!memory && create) mkdirSync(dirname(path), { recursive: true });
    db = new Database(memory ? ':memory:' : path, { fileMustExist: !memory && !create });
    db.pragma('busy_timeout = 5000');
    // The first read of the file: "file is not a database" shows here.
    if (!memory) db.pragma('journal_mode = WAL');
  } catch (err) {
    db?.close();
    throw new UserError(
      'archive-unavailable',
      `cannot open the archive ${resolve(path)}: ${fileOpenReason(err)}`,
    );
  }
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // A large archive's indexes do not fit the 2 MB default cache; reads then cost syscalls.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    // Map the whole file (up to SQLite's 2 GB ceiling): a search reads scattered rows of a
    // large archive, and through the map a page the OS has cached costs no read() call.
    if (!memory) db.pragma('mmap_size = 2147418112');
    const applied = migrate(db);
    if (applied.length) opts.logger?.info({ db_path: path, versions: applied }, 'sqlite_migrated');
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, memory ? opts : { ...opts, checkpointer: sqliteCheckpointer(db, path) });
}
