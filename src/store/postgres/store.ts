// The Store on PostgreSQL: the same semantics as the SQLite adapter, made safe for several
// replicas with row locks (FOR UPDATE SKIP LOCKED), leases that expire, and unique keys.
import type pg from 'pg';
import type {
  FeedPause,
  FeedRecord,
  FeedSource,
  FeedState,
  StoredItem,
  Subscription,
  TaggedItem,
  Target,
} from '../../model.ts';
import { targetKey } from '../../model.ts';
import { feedStateValues, iso, type StoreAdapterOptions } from '../rows-common.ts';
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
import {
  FEED_COLUMNS,
  feedFromRow,
  ITEM_COLUMNS,
  itemFromRow,
  outboxFromRow,
  POSTGRES_COLUMNS,
  stripNul,
  subscriptionFromRow,
  type FeedRow,
  type ItemRow,
  type OutboxRow,
  type SubscriptionRow,
} from './rows.ts';
import { loadColumnStats, searchItems, type ColumnStats } from './search.ts';
import { inTransaction } from './transaction.ts';
import { postgresSettings } from './settings.ts';
import { postgresStories, writeStoryRecords } from './stories.ts';
import { PgStoryMirror } from './story-mirror.ts';
import { recordOfDraft, storyDraft, type StoryRecord } from '../../digest/story-index.ts';
import type { StoryIndexStore } from '../types-stories.ts';
import { postgresTrackers } from './trackers.ts';
import type { TrackerStore } from '../../trackers/types.ts';
import type { FeedTokenStore } from '../types-feed-tokens.ts';
import { postgresFeedTokens } from './feed-tokens.ts';
import type { TrendStore } from '../types-trends.ts';
import { postgresTrends } from './trends.ts';
import { postgresEvidence } from './evidence.ts';
import type { EvidenceStore } from '../types-evidence.ts';
import type { SettingsStore } from '../types-settings.ts';
import { filterTags, searchVector } from './search-index.ts';

/** Rows per multi-row INSERT: large enough to amortise round trips, small enough for one statement. */
const INSERT_BATCH = 500;

type Queryable = pg.Pool | pg.PoolClient;

export type PostgresStoreOptions = StoreAdapterOptions;

/** How long pg_stats' common-lexeme frequencies are reused before being read again. */
const STATS_TTL_MS = 10 * 60_000;

/** Advisory lock key serialising item inserts (any fixed 64-bit number unique to this use). */
export const ITEM_ORDER_LOCK = 7_300_412_001;

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly settings: SettingsStore;
  readonly stories: StoryIndexStore;
  /** The story index's keys for the recent window, in memory (story-mirror.ts). */
  readonly storyMirror: PgStoryMirror;
  readonly trackers: TrackerStore;
  readonly feedTokens: FeedTokenStore;
  readonly trends: TrendStore;
  readonly evidence: EvidenceStore;
  private readonly now: () => Date;
  private common: { at: number; loaded: Promise<ColumnStats> } | null = null;

  constructor(
    readonly pool: pg.Pool,
    private readonly opts: PostgresStoreOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.settings = postgresSettings(pool);
    this.storyMirror = new PgStoryMirror(pool);
    this.stories = postgresStories(pool, this.storyMirror);
    this.trackers = postgresTrackers(pool, this.now);
    this.feedTokens = postgresFeedTokens(pool, this.now);
    this.trends = postgresTrends(pool);
    this.evidence = postgresEvidence(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Run `fn` in a transaction on one connection. */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }

  // Feeds ------------------------------------------------------------------------------

  async upsertFeeds(input: FeedSource[]): Promise<void> {
    if (!input.length) return;
    // One row per id, the last one winning (as sequential upserts would): a single
    // INSERT … ON CONFLICT DO UPDATE may not touch the same row twice.
    const sources = [...new Map(input.map((s) => [s.id, s])).values()];
    await this.pool.query(
      `INSERT INTO feeds (id, name, url, kind, language, themes, origin)
       SELECT u.id, u.name, u.url, u.kind, u.language, u.themes::jsonb, u.origin
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            AS u(id, name, url, kind, language, themes, origin)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, url = EXCLUDED.url, kind = EXCLUDED.kind,
         language = EXCLUDED.language, themes = EXCLUDED.themes, origin = EXCLUDED.origin`,
      [
        sources.map((s) => s.id),
        sources.map((s) => s.name),
        sources.map((s) => s.url),
        sources.map((s) => s.kind),
        sources.map((s) => s.language),
        sources.map((s) => (s.themes ? JSON.stringify(s.themes) : null)),
        sources.map((s) => s.origin),
      ],
    );
  }

  async removeFeed(id: string): Promise<boolean> {
    this.storyMirror.invalidate(); // its items go with it
    const r = await this.pool.query('DELETE FROM feeds WHERE id = $1', [id]);
    return (r.rowCount ?? 0) > 0;
  }

  async getFeed(id: string): Promise<FeedRecord | null> {
    const r = await this.pool.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds WHERE id = $1`, [id]);
    return r.rows[0] ? feedFromRow(r.rows[0]) : null;
  }

  async listFeeds(): Promise<FeedRecord[]> {
    const r = await this.pool.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM feeds ORDER BY id`);
    return r.rows.map(feedFromRow);
  }

  async saveFeedState(id: string, s: FeedState): Promise<void> {
    await this.pool.query(
      `UPDATE feeds SET etag = $2, last_modified = $3, last_check_at = $4, last_success_at = $5,
         last_error_at = $6, last_error = $7, consecutive_failures = $8, next_check_at = $9,
         backlog_done = $10, id_mode = $11, feed_title = $12
       WHERE id = $1`,
      [id, ...feedStateValues(POSTGRES_COLUMNS, s)],
    );
  }

  async setFeedPaused(id: string, pause: FeedPause | null): Promise<boolean> {
    const r = await this.pool.query('UPDATE feeds SET paused_at = $2, paused_by = $3 WHERE id = $1', [
      id,
      pause ? (iso(pause.at) ?? pause.at) : null,
      pause?.by ?? null,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async claimDueFeeds(owner: string, now: Date, limit: number, leaseMs: number): Promise<FeedRecord[]> {
    if (limit <= 0) return [];
    // SKIP LOCKED: replicas claiming at the same moment take disjoint feeds instead of waiting.
    // An unreleased lease (a replica died mid-poll) simply expires and the feed is due again.
    const r = await this.pool.query<FeedRow>(
      `WITH due AS (
         SELECT id AS due_id FROM feeds
         WHERE (next_check_at IS NULL OR next_check_at <= $2)
           AND (lease_until IS NULL OR lease_until <= $2)
           AND paused_at IS NULL
         ORDER BY next_check_at NULLS FIRST, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE feeds f SET lease_owner = $1, lease_until = $4
       FROM due WHERE f.id = due.due_id
       RETURNING ${FEED_COLUMNS}`,
      [owner, now.toISOString(), limit, new Date(now.getTime() + leaseMs).toISOString()],
    );
    // UPDATE … RETURNING does not keep the CTE's order.
    return r.rows.map(feedFromRow).sort((a, b) => dueCompare(a, b));
  }

  async releaseFeed(id: string, owner: string): Promise<void> {
    await this.pool.query(
      'UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2',
      [id, owner],
    );
  }

  // Items ------------------------------------------------------------------------------

  async addItems(feedId: string, items: TaggedItem[], opts: AddItemsOptions): Promise<AddItemsResult> {
    const firstSeen = this.now().toISOString();
    const rows: ItemInsert[] = items.map((item, index) => ({
      item: { ...item, url: item.url ? item.url : null, published: iso(item.published) ?? firstSeen },
      alertable: opts.alertable(item, index),
      firstSeen,
    }));
    // The CPU work per item (search vector, story features and keys) is done before the
    // transaction: inside it, it would hold the item-order lock that every writer queues on.
    for (const r of rows) r.vector = searchVector(r.item);
    const drafts = rows.map((r) =>
      storyDraft({
        ...r.item,
        id: 0,
        feedId,
        sourceName: '',
        firstSeen,
        alertable: r.alertable,
        clusterId: null,
      }),
    );
    const result = await this.tx(async (c) => {
      // Lock the feed row first: writers of one feed queue here instead of deadlocking on
      // each other's unique-index entries and then on the counter update below.
      const feed = await c.query<{ name: string }>('SELECT name FROM feeds WHERE id = $1 FOR NO KEY UPDATE', [
        feedId,
      ]);
      const sourceName = feed.rows[0]?.name;
      if (sourceName === undefined) throw new Error(`addItems: unknown feed ${feedId}`);
      // Digests select "items after the mark" by id, so ids must become visible in order:
      // one transaction at a time draws ids and commits (the lock is held until commit).
      // Without it, a replica's slow commit of lower ids could land behind a digest's mark.
      if (items.length) await c.query('SELECT pg_advisory_xact_lock($1)', [ITEM_ORDER_LOCK]);
      const urlIsIdentity = opts.urlIsIdentity !== false;
      // One statement cannot see its own rows: a URL repeated in this batch is dropped here
      // (the first item with it wins, as in SQLite); URLs already stored, in the statement.
      const batchUrls = new Set<string>();
      const candidates = rows.flatMap((r, index) => {
        if (!urlIsIdentity || r.item.url === null) return [index];
        const url = stripNul(r.item.url);
        if (batchUrls.has(url)) return [];
        batchUrls.add(url);
        return [index];
      });
      const inserted = new Map<number, number>();
      for (let start = 0; start < candidates.length; start += INSERT_BATCH) {
        const positions = candidates.slice(start, start + INSERT_BATCH);
        const batch = positions.map((k) => rows[k]!);
        for (const r of await insertItemRows(c, feedId, batch, { urlIsIdentity })) {
          inserted.set(positions[r.ord - 1]!, r.id);
        }
      }
      if (inserted.size) {
        await c.query('UPDATE feeds SET item_count = item_count + $2 WHERE id = $1', [feedId, inserted.size]);
      }
      const added: StoredItem[] = [];
      const records: StoryRecord[] = [];
      rows.forEach((r, index) => {
        const id = inserted.get(index);
        if (id === undefined) return;
        records.push(recordOfDraft(drafts[index]!, id));
        added.push({
          ...r.item,
          id,
          feedId,
          sourceName,
          firstSeen,
          alertable: r.alertable,
          clusterId: null,
        });
      });
      // Story features with their items, so they become visible in id order (the copies of
      // the index in memory read them by id); keys are not stored (story-mirror.ts).
      await writeStoryRecords(c, records);
      return { added, duplicates: items.length - added.length, records };
    });
    this.storyMirror.added(result.records); // committed
    return { added: result.added, duplicates: result.duplicates };
  }

  async getItem(id: number): Promise<StoredItem | null> {
    if (!isRowId(id)) return null;
    const r = await this.pool.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE i.id = $1`, [
      id,
    ]);
    return r.rows[0] ? itemFromRow(r.rows[0]) : null;
  }

  async listItems(q: ListItemsQuery): Promise<StoredItem[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.afterId !== undefined) where.push(`i.id > ${p(Math.floor(q.afterId))}`);
    const seenSince = iso(q.seenSince);
    const seenUntil = iso(q.seenUntil);
    if (seenSince) where.push(`i.first_seen >= ${p(seenSince)}`);
    if (seenUntil) where.push(`i.first_seen <= ${p(seenUntil)}`);
    if (q.themes?.length) where.push(`i.themes && ${p(q.themes)}::text[]`);
    if (q.regions?.length) {
      where.push(`i.tags && ${p(q.regions.map((r) => `rg:${r.toLowerCase()}`))}::text[]`);
    }
    if (q.sources?.length) where.push(`i.feed_id = ANY(${p(q.sources)}::text[])`);
    const publishedSince = iso(q.publishedSince);
    if (publishedSince) where.push(`i.published >= ${p(publishedSince)}`);
    if (q.alertableOnly) where.push('i.alertable');
    if (q.unalertedOnly) where.push('i.alertable AND NOT i.alerted');
    const order = q.order === 'id-desc' ? 'DESC' : 'ASC';
    const limit = q.limit !== undefined ? ` LIMIT ${p(Math.max(0, Math.floor(q.limit)))}` : '';
    const r = await this.pool.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.id ${order}${limit}`,
      params,
    );
    return r.rows.map(itemFromRow);
  }

  async findItemsByUrl(url: string): Promise<StoredItem[]> {
    const r = await this.pool.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE i.url = $1 ORDER BY i.id`,
      [stripNul(url)],
    );
    return r.rows.map(itemFromRow);
  }

  async setClusters(assignments: Array<{ itemId: number; clusterId: number }>): Promise<void> {
    const valid = assignments.filter((a) => isRowId(a.itemId) && isRowId(a.clusterId));
    if (!valid.length) return;
    await this.pool.query(
      `UPDATE items i SET cluster_id = u.cluster_id
       FROM unnest($1::int[], $2::int[]) AS u(id, cluster_id) WHERE i.id = u.id`,
      [valid.map((a) => a.itemId), valid.map((a) => a.clusterId)],
    );
    this.storyMirror.clustered(valid);
  }

  async markAlerted(ids: number[]): Promise<void> {
    const valid = ids.filter(isRowId);
    if (!valid.length) return;
    await this.pool.query('UPDATE items SET alerted = true WHERE id = ANY($1::int[]) AND NOT alerted', [
      valid,
    ]);
  }

  async countItems(): Promise<number> {
    const r = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    return r.rows[0]?.n ?? 0;
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    return searchItems({ db: this.pool, stats: await this.columnStats() }, q);
  }

  /** pg_stats' common lexemes, reread every few minutes (autovacuum's ANALYZE refreshes them). */
  private columnStats(): Promise<ColumnStats> {
    const t = Date.now();
    if (!this.common || t - this.common.at > STATS_TTL_MS) {
      const loaded = loadColumnStats(this.pool).catch((): ColumnStats => ({
        lexemes: new Map(),
        tags: new Map(),
        rows: 0,
      }));
      this.common = { at: t, loaded };
    }
    return this.common.loaded;
  }

  // Subscriptions ----------------------------------------------------------------------

  async addSubscription(sub: NewSubscription): Promise<Subscription> {
    const createdAt = this.now().toISOString();
    const r = await this.pool.query<{ id: number }>(
      `INSERT INTO subscriptions (target_key, target, filter, mode, cron, timezone, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        targetKey(sub.target),
        JSON.stringify(sub.target),
        stripNul(JSON.stringify(sub.filter)),
        sub.mode,
        sub.cron,
        sub.timezone,
        sub.createdBy,
        createdAt,
      ],
    );
    return { id: r.rows[0]!.id, ...sub, createdAt };
  }

  async removeSubscription(id: number): Promise<boolean> {
    if (!isRowId(id)) return false;
    const r = await this.pool.query('DELETE FROM subscriptions WHERE id = $1', [id]);
    return (r.rowCount ?? 0) > 0;
  }

  async updateSubscriptionSchedule(id: number, cron: string, timezone: string): Promise<boolean> {
    if (!isRowId(id)) return false;
    const r = await this.pool.query('UPDATE subscriptions SET cron = $2, timezone = $3 WHERE id = $1', [
      id,
      cron,
      timezone,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async listSubscriptions(
    filter: { target?: Target; mode?: 'digest' | 'alert' } = {},
  ): Promise<Subscription[]> {
    const r = await this.pool.query<SubscriptionRow>(
      `SELECT * FROM subscriptions
       WHERE ($1::text IS NULL OR target_key = $1) AND ($2::text IS NULL OR mode = $2) ORDER BY id`,
      [filter.target ? targetKey(filter.target) : null, filter.mode ?? null],
    );
    return r.rows.map(subscriptionFromRow);
  }

  // Digests and delivery ---------------------------------------------------------------

  async getDigestMark(key: string): Promise<DigestMark | null> {
    const r = await this.pool.query<{ last_item_id: number; last_slot: string }>(
      'SELECT last_item_id, last_slot FROM digest_marks WHERE target_key = $1',
      [key],
    );
    const row = r.rows[0];
    return row ? { lastItemId: row.last_item_id, lastSlot: row.last_slot } : null;
  }

  async enqueue(entries: NewOutboxEntry[], mark?: { targetKey: string; mark: DigestMark }): Promise<number> {
    const now = this.now().toISOString();
    const markSlot = mark ? (iso(mark.mark.lastSlot) ?? mark.mark.lastSlot) : null;
    return this.tx(async (c) => {
      // A digest for a slot older than the recorded mark is stale (a slow or clock-skewed
      // replica): recording it would post items twice and move the mark backwards.
      if (mark) {
        const cur = await c.query<{ stale: boolean }>(
          'SELECT last_slot > $2::text AS stale FROM digest_marks WHERE target_key = $1 FOR UPDATE',
          [mark.targetKey, markSlot],
        );
        if (cur.rows[0]?.stale) return 0;
      }
      let added = 0;
      if (entries.length) {
        // Keys are unique: a second replica enqueueing the same digest slot inserts nothing.
        const r = await c.query(
          `INSERT INTO outbox (key, target_key, target, kind, payload, next_attempt_at, created_at)
           SELECT u.key, u.target_key, u.target::jsonb, u.kind, u.payload::jsonb, $6, $6
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
                AS u(key, target_key, target, kind, payload, ord)
           ORDER BY u.ord
           ON CONFLICT (key) DO NOTHING`,
          [
            entries.map((e) => e.key),
            entries.map((e) => targetKey(e.target)),
            entries.map((e) => JSON.stringify(e.target)),
            entries.map((e) => e.kind),
            entries.map((e) => stripNul(JSON.stringify(e.payload ?? null))),
            now,
          ],
        );
        added = r.rowCount ?? 0;
      }
      if (mark) {
        await c.query(
          `INSERT INTO digest_marks (target_key, last_item_id, last_slot) VALUES ($1, $2, $3)
           ON CONFLICT (target_key) DO UPDATE SET
             last_item_id = GREATEST(digest_marks.last_item_id, EXCLUDED.last_item_id),
             last_slot = EXCLUDED.last_slot`,
          [mark.targetKey, mark.mark.lastItemId, markSlot],
        );
      }
      return added;
    });
  }

  async claimOutbox(owner: string, now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    if (limit <= 0) return [];
    // SKIP LOCKED: replicas claiming at once get disjoint rows. A 'sending' row whose lease ran
    // out belongs to a replica that died mid-send: it is taken over.
    const r = await this.pool.query<OutboxRow>(
      `WITH due AS (
         SELECT id AS due_id FROM outbox
         WHERE (status = 'pending' AND next_attempt_at <= $2)
            OR (status = 'sending' AND claimed_until <= $2)
         ORDER BY next_attempt_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE outbox o SET status = 'sending', claimed_by = $1, claimed_until = $4, attempts = o.attempts + 1
       FROM due WHERE o.id = due.due_id
       RETURNING o.*`,
      [owner, now.toISOString(), limit, new Date(now.getTime() + leaseMs).toISOString()],
    );
    return r.rows
      .map(outboxFromRow)
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.id - b.id);
  }

  async completeOutbox(id: number, owner: string, result: OutboxResult): Promise<void> {
    if (!isRowId(id)) return;
    const now = this.now().toISOString();
    // Only the current claimant may complete: a replica whose lease was taken over is ignored.
    const guard = `WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`;
    if (result.ok) {
      await this.pool.query(
        `UPDATE outbox SET status = 'sent', sent_refs = $3, sent_at = $4, last_error = NULL,
           claimed_until = NULL ${guard}`,
        [id, owner, JSON.stringify(result.sentRefs), now],
      );
    } else if (result.retryAt !== null) {
      await this.pool.query(
        `UPDATE outbox SET status = 'pending', next_attempt_at = $3, last_error = $4, claimed_by = NULL,
           claimed_until = NULL ${guard}`,
        [id, owner, iso(result.retryAt) ?? now, stripNul(result.error)],
      );
    } else {
      await this.pool.query(
        `UPDATE outbox SET status = 'failed', last_error = $3, claimed_until = NULL ${guard}`,
        [id, owner, stripNul(result.error)],
      );
    }
  }

  async listOutbox(
    filter: { status?: OutboxStatus; targetKey?: string; limit?: number } = {},
  ): Promise<OutboxEntry[]> {
    const limit = filter.limit !== undefined ? Math.max(0, Math.floor(filter.limit)) : null;
    const r = await this.pool.query<OutboxRow>(
      `SELECT * FROM outbox
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR target_key = $2)
       ORDER BY id LIMIT $3`,
      [filter.status ?? null, filter.targetKey ?? null, limit],
    );
    return r.rows.map(outboxFromRow);
  }

  // Coordination -----------------------------------------------------------------------

  async tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    // A lease row rather than a session advisory lock: pooled connections come and go, and a
    // digest run must stay locked across them; the row expires on its own if the holder dies.
    const now = this.now();
    const r = await this.pool.query(
      `INSERT INTO locks (name, owner, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE locks.owner = EXCLUDED.owner OR locks.expires_at <= $4`,
      [name, owner, new Date(now.getTime() + ttlMs).toISOString(), now.toISOString()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async unlock(name: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM locks WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async releaseOwner(owner: string): Promise<void> {
    const now = this.now().toISOString();
    await this.tx(async (c) => {
      await c.query('DELETE FROM locks WHERE owner = $1', [owner]);
      await c.query('UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [
        owner,
      ]);
      await c.query(
        `UPDATE outbox SET status = 'pending', next_attempt_at = $2, claimed_by = NULL, claimed_until = NULL
         WHERE status = 'sending' AND claimed_by = $1`,
        [owner, now],
      );
    });
  }
}

const ITEM_FROM = 'items i JOIN feeds f ON f.id = i.feed_id';

export interface ItemInsert {
  /** Published already normalized to ISO, url '' already null. */
  item: TaggedItem;
  alertable: boolean;
  /** ISO time the archive first saw the item. */
  firstSeen: string;
  /** Only when copying an archive: keep the source's id and cluster. */
  id?: number;
  clusterId?: number | null;
  /** Only when copying an archive: the item's own feed (batches then mix feeds). */
  feedId?: string;
  /** The item's search vector, when computed already. */
  vector?: string;
}

/**
 * One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING; duplicates on (feed_id, guid) are
 * skipped by the unique index, also between replicas racing on a feed. With `urlIsIdentity`,
 * rows whose (url, feed_id) is already stored are skipped too (addItems holds the feed row's
 * lock, so no other writer of this feed commits meanwhile). Returns the 1-based position in
 * `rows` of each inserted row.
 */
export async function insertItemRows(
  c: Queryable,
  feedId: string,
  rows: ItemInsert[],
  opts: { urlIsIdentity?: boolean } = {},
): Promise<Array<{ id: number; ord: number }>> {
  if (!rows.length) return [];
  const withIds = rows.some((r) => r.id !== undefined);
  const feedIds = rows.map((r) => r.feedId ?? feedId);
  const vectors = rows.map((r) => r.vector ?? searchVector(r.item));
  const guids = rows.map((r) => stripNul(r.item.guid));
  const urls = rows.map((r) => (r.item.url === null ? null : stripNul(r.item.url)));
  const r = await c.query<{ id: number; feed_id: string; guid: string; url: string | null }>(
    `INSERT INTO items (${withIds ? 'id, cluster_id, ' : ''}feed_id, guid, url, title, author, summary,
       published, published_estimated, lang, themes, regions, why, first_seen, alertable, tags, search)
     SELECT ${withIds ? 'u.id, u.cluster_id, ' : ''}u.feed_id, u.guid, u.url, u.title, u.author, u.summary,
       u.published, u.published_estimated, u.lang,
       ARRAY(SELECT jsonb_array_elements_text(u.themes::jsonb)),
       ARRAY(SELECT jsonb_array_elements_text(u.regions::jsonb)),
       u.why::jsonb, u.first_seen, u.alertable,
       ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb)),
       u.search::tsvector
     FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                 $9::text[], $10::bool[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                 $16::bool[], $17::text[], $18::text[])
       WITH ORDINALITY AS u(feed_id, id, cluster_id, guid, url, title, author, summary, published, published_estimated,
                            lang, themes, regions, why, first_seen, alertable, tags, search, ord)
     ${opts.urlIsIdentity ? 'WHERE u.url IS NULL OR NOT EXISTS (SELECT 1 FROM items x WHERE x.url = u.url AND x.feed_id = u.feed_id)' : ''}
     ORDER BY u.ord
     ON CONFLICT DO NOTHING
     RETURNING id, feed_id, guid, url`,
    [
      feedIds,
      rows.map((r) => r.id ?? null),
      rows.map((r) => r.clusterId ?? null),
      guids,
      urls,
      rows.map((r) => stripNul(r.item.title)),
      rows.map((r) => (r.item.author === null ? null : stripNul(r.item.author))),
      rows.map((r) => stripNul(r.item.summary)),
      rows.map((r) => r.item.published),
      rows.map((r) => r.item.publishedEstimated),
      rows.map((r) => r.item.lang),
      rows.map((r) => stripNul(JSON.stringify(r.item.themes))),
      rows.map((r) => stripNul(JSON.stringify(r.item.regions))),
      rows.map((r) => stripNul(JSON.stringify(r.item.why))),
      rows.map((r) => r.firstSeen),
      rows.map((r) => r.alertable),
      rows.map((r, k) => stripNul(JSON.stringify(filterTags({ ...r.item, feedId: feedIds[k]! })))),
      vectors,
    ],
  );
  // RETURNING does not promise input order: match rows back by (feed, guid, url), first unused wins.
  const positions = new Map<string, number[]>();
  guids.forEach((g, k) => {
    const key = `${feedIds[k]}\u0000${g}\u0000${urls[k] ?? ''}`;
    const list = positions.get(key);
    if (list) list.push(k + 1);
    else positions.set(key, [k + 1]);
  });
  return r.rows.map((row) => ({
    id: row.id,
    ord: positions.get(`${row.feed_id}\u0000${row.guid}\u0000${row.url ?? ''}`)?.shift() ?? 0,
  }));
}

function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647;
}

function dueCompare(a: FeedRecord, b: FeedRecord): number {
  const x = a.state.nextCheckAt;
  const y = b.state.nextCheckAt;
  if (x !== y) {
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
