// Row ↔ model mapping shared by the archive adapters (and `db copy`).
//
// The SQLite and PostgreSQL schemas have the same columns; they differ only in how a
// boolean or a JSON column comes back (SQLite: 0/1 and JSON text; PostgreSQL: booleans and
// parsed jsonb). Each adapter passes a ColumnCodec for that, so the field-by-field mapping
// exists once and the two adapters cannot drift apart.
import type { Logger } from '../log.ts';
import type {
  FeedPause,
  FeedRecord,
  FeedState,
  RegionCode,
  SourceKind,
  StoredItem,
  Subscription,
  TaggedItem,
  Target,
  ThemeId,
} from '../model.ts';
import type { OutboxEntry, OutboxStatus } from './types.ts';

/** Options every Store adapter takes. */
export interface StoreAdapterOptions {
  logger?: Logger;
  /** Clock for lock expiry, first-seen and outbox times (tests inject one). */
  now?: () => Date;
}

/** Normalize an ISO time the way both adapters store it (Date#toISOString), null if invalid. */
export function iso(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** How a dialect returns booleans (`B`) and JSON columns (`J`). */
export interface ColumnCodec<B, J> {
  bool(value: B): boolean;
  json<T>(value: J): T;
  /** A boolean as the dialect stores it. */
  toBool(value: boolean): B;
}

/** Columns of the `feeds` table. */
export interface FeedColumns<B, J> {
  id: string;
  name: string;
  url: string;
  kind: string;
  language: string;
  themes: J;
  origin: string;
  etag: string | null;
  last_modified: string | null;
  last_check_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  next_check_at: string | null;
  backlog_done: B;
  id_mode: string;
  feed_title: string | null;
  paused_at: string | null;
  paused_by: string | null;
}

/** A feed as the adapters select it: its columns and its item count. */
export interface FeedRowOf<B, J> extends FeedColumns<B, J> {
  item_count: number;
}

/** Columns of the `items` table. */
export interface ItemColumns<B, J> {
  id: number;
  feed_id: string;
  guid: string;
  url: string | null;
  title: string;
  author: string | null;
  summary: string;
  published: string;
  published_estimated: B;
  lang: string | null;
  themes: J;
  regions: J;
  why: J;
  first_seen: string;
  alertable: B;
  cluster_id: number | null;
}

/** An item as the adapters select it: its columns joined with its feed's name. */
export interface ItemRowOf<B, J> extends ItemColumns<B, J> {
  source_name: string | null;
}

export interface SubscriptionRowOf<J> {
  id: number;
  target: J;
  filter: J;
  mode: string;
  cron: string | null;
  timezone: string;
  created_by: string;
  created_at: string;
}

export interface OutboxRowOf<J> {
  id: number;
  key: string;
  target: J;
  kind: string;
  payload: J;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_refs: J;
  created_at: string;
  sent_at: string | null;
}

/**
 * A feed's polling state as the values of its columns, in this order: etag, last_modified,
 * last_check_at, last_success_at, last_error_at, last_error, consecutive_failures,
 * next_check_at, backlog_done, id_mode, feed_title. Times are normalized with iso().
 */
export function feedStateValues<B, J>(c: ColumnCodec<B, J>, s: FeedState): unknown[] {
  return [
    s.etag,
    s.lastModified,
    iso(s.lastCheckAt),
    iso(s.lastSuccessAt),
    iso(s.lastErrorAt),
    s.lastError,
    s.consecutiveFailures,
    iso(s.nextCheckAt),
    c.toBool(s.backlogDone),
    s.idMode,
    s.feedTitle,
  ];
}

/** The tagged item held in an item row (what `addItems` was given). */
export function taggedItemFromRow<B, J>(c: ColumnCodec<B, J>, r: ItemColumns<B, J>): TaggedItem {
  return {
    guid: r.guid,
    title: r.title,
    url: r.url,
    author: r.author,
    summary: r.summary,
    published: r.published,
    publishedEstimated: c.bool(r.published_estimated),
    lang: r.lang,
    themes: c.json<ThemeId[]>(r.themes),
    regions: c.json<RegionCode[]>(r.regions),
    why: c.json<TaggedItem['why']>(r.why),
  };
}

/** The row → model functions of one dialect. */
export function rowMappers<B, J>(c: ColumnCodec<B, J>) {
  return {
    feedFromRow(r: FeedRowOf<B, J>): FeedRecord {
      const themes = c.json<ThemeId[] | null>(r.themes);
      return {
        id: r.id,
        name: r.name,
        url: r.url,
        kind: r.kind as SourceKind,
        language: r.language,
        ...(themes ? { themes } : {}),
        origin: r.origin as FeedRecord['origin'],
        state: {
          etag: r.etag,
          lastModified: r.last_modified,
          lastCheckAt: r.last_check_at,
          lastSuccessAt: r.last_success_at,
          lastErrorAt: r.last_error_at,
          lastError: r.last_error,
          consecutiveFailures: r.consecutive_failures,
          nextCheckAt: r.next_check_at,
          backlogDone: c.bool(r.backlog_done),
          idMode: r.id_mode as FeedRecord['state']['idMode'],
          feedTitle: r.feed_title,
        },
        itemCount: r.item_count,
        paused: r.paused_at ? { at: r.paused_at, by: (r.paused_by ?? 'operator') as FeedPause['by'] } : null,
      };
    },

    itemFromRow(r: ItemRowOf<B, J>): StoredItem {
      return {
        id: r.id,
        feedId: r.feed_id,
        sourceName: r.source_name ?? r.feed_id,
        ...taggedItemFromRow(c, r),
        firstSeen: r.first_seen,
        alertable: c.bool(r.alertable),
        clusterId: r.cluster_id,
      };
    },

    subscriptionFromRow(r: SubscriptionRowOf<J>): Subscription {
      return {
        id: r.id,
        target: c.json<Target>(r.target),
        filter: c.json<Subscription['filter']>(r.filter),
        mode: r.mode as Subscription['mode'],
        cron: r.cron,
        timezone: r.timezone,
        createdBy: r.created_by,
        createdAt: r.created_at,
      };
    },

    outboxFromRow(r: OutboxRowOf<J>): OutboxEntry {
      return {
        id: r.id,
        key: r.key,
        target: c.json<Target>(r.target),
        kind: r.kind as OutboxEntry['kind'],
        payload: c.json<unknown>(r.payload),
        status: r.status as OutboxStatus,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        lastError: r.last_error,
        claimedBy: r.claimed_by,
        claimedUntil: r.claimed_until,
        sentRefs: c.json<string[]>(r.sent_refs),
        createdAt: r.created_at,
        sentAt: r.sent_at,
      };
    },
  };
}
