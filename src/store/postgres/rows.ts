// Row shapes of the PostgreSQL schema and their mapping to the shared model.
import type {
  FeedRecord,
  StoredItem,
  Subscription,
  SubscriptionFilter,
  Target,
  ThemeId,
} from '../../model.ts';
import type { OutboxEntry, OutboxStatus } from '../types.ts';

export interface FeedRow {
  id: string;
  name: string;
  url: string;
  kind: FeedRecord['kind'];
  language: string;
  themes: ThemeId[] | null;
  origin: FeedRecord['origin'];
  etag: string | null;
  last_modified: string | null;
  last_check_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  next_check_at: string | null;
  backlog_done: boolean;
  id_mode: FeedRecord['state']['idMode'];
  feed_title: string | null;
  item_count: number;
}

export const FEED_COLUMNS = `id, name, url, kind, language, themes, origin, etag, last_modified, last_check_at,
  last_success_at, last_error_at, last_error, consecutive_failures, next_check_at, backlog_done, id_mode,
  feed_title, item_count`;

export function feedFromRow(r: FeedRow): FeedRecord {
  const rec: FeedRecord = {
    id: r.id,
    name: r.name,
    url: r.url,
    kind: r.kind,
    language: r.language,
    origin: r.origin,
    state: {
      etag: r.etag,
      lastModified: r.last_modified,
      lastCheckAt: r.last_check_at,
      lastSuccessAt: r.last_success_at,
      lastErrorAt: r.last_error_at,
      lastError: r.last_error,
      consecutiveFailures: r.consecutive_failures,
      nextCheckAt: r.next_check_at,
      backlogDone: r.backlog_done,
      idMode: r.id_mode,
      feedTitle: r.feed_title,
    },
    itemCount: r.item_count,
  };
  if (r.themes) rec.themes = r.themes;
  return rec;
}

export interface ItemRow {
  id: number;
  feed_id: string;
  source_name: string | null;
  guid: string;
  url: string | null;
  title: string;
  author: string | null;
  summary: string;
  published: string;
  published_estimated: boolean;
  lang: string | null;
  themes: string[];
  regions: string[];
  why: Record<string, string[]>;
  first_seen: string;
  alertable: boolean;
  cluster_id: number | null;
}

/** Item columns joined with the feed's name; use with `FROM items i LEFT JOIN feeds f ON f.id = i.feed_id`. */
export const ITEM_COLUMNS = `i.id, i.feed_id, f.name AS source_name, i.guid, i.url, i.title, i.author, i.summary,
  i.published, i.published_estimated, i.lang, i.themes, i.regions, i.why, i.first_seen, i.alertable, i.cluster_id`;

export function itemFromRow(r: ItemRow): StoredItem {
  return {
    id: r.id,
    feedId: r.feed_id,
    sourceName: r.source_name ?? r.feed_id,
    guid: r.guid,
    title: r.title,
    url: r.url,
    author: r.author,
    summary: r.summary,
    published: r.published,
    publishedEstimated: r.published_estimated,
    lang: r.lang,
    themes: r.themes as ThemeId[],
    regions: r.regions,
    why: r.why,
    firstSeen: r.first_seen,
    alertable: r.alertable,
    clusterId: r.cluster_id,
  };
}

export interface SubscriptionRow {
  id: number;
  target: Target;
  filter: SubscriptionFilter;
  mode: Subscription['mode'];
  cron: string | null;
  timezone: string;
  created_by: string;
  created_at: string;
}

export function subscriptionFromRow(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    target: r.target,
    filter: r.filter,
    mode: r.mode,
    cron: r.cron,
    timezone: r.timezone,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export interface OutboxRow {
  id: number;
  key: string;
  target: Target;
  kind: OutboxEntry['kind'];
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_refs: string[];
  created_at: string;
  sent_at: string | null;
}

export function outboxFromRow(r: OutboxRow): OutboxEntry {
  return {
    id: r.id,
    key: r.key,
    target: r.target,
    kind: r.kind,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    claimedBy: r.claimed_by,
    claimedUntil: r.claimed_until,
    sentRefs: r.sent_refs,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}
