// Row shapes of the SQLite schema and their mapping to the shared model.
import type { FeedRecord, SourceKind, StoredItem, Subscription, Target } from '../../model.ts';
import type { OutboxEntry, OutboxStatus } from '../types.ts';

export interface FeedRow {
  id: string;
  name: string;
  url: string;
  kind: string;
  language: string;
  themes: string;
  origin: string;
  etag: string | null;
  last_modified: string | null;
  last_check_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  next_check_at: string | null;
  backlog_done: number;
  id_mode: string;
  feed_title: string | null;
  item_count: number;
}

export function feedFromRow(r: FeedRow): FeedRecord {
  const themes = JSON.parse(r.themes) as FeedRecord['themes'] | null;
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
      backlogDone: r.backlog_done === 1,
      idMode: r.id_mode as FeedRecord['state']['idMode'],
      feedTitle: r.feed_title,
    },
    itemCount: r.item_count,
  };
}

export interface ItemRow {
  id: number;
  feed_id: string;
  guid: string;
  url: string | null;
  title: string;
  author: string | null;
  summary: string;
  published: string;
  published_estimated: number;
  lang: string | null;
  themes: string;
  regions: string;
  why: string;
  first_seen: string;
  alertable: number;
  cluster_id: number | null;
  source_name: string;
}

export function itemFromRow(r: ItemRow): StoredItem {
  return {
    id: r.id,
    feedId: r.feed_id,
    sourceName: r.source_name,
    guid: r.guid,
    title: r.title,
    url: r.url,
    author: r.author,
    summary: r.summary,
    published: r.published,
    publishedEstimated: r.published_estimated === 1,
    lang: r.lang,
    themes: JSON.parse(r.themes) as StoredItem['themes'],
    regions: JSON.parse(r.regions) as StoredItem['regions'],
    why: JSON.parse(r.why) as StoredItem['why'],
    firstSeen: r.first_seen,
    alertable: r.alertable === 1,
    clusterId: r.cluster_id,
  };
}

export interface SubscriptionRow {
  id: number;
  target: string;
  filter: string;
  mode: string;
  cron: string | null;
  timezone: string;
  created_by: string;
  created_at: string;
}

export function subscriptionFromRow(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    target: JSON.parse(r.target) as Target,
    filter: JSON.parse(r.filter) as Subscription['filter'],
    mode: r.mode as Subscription['mode'],
    cron: r.cron,
    timezone: r.timezone,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export interface OutboxRow {
  id: number;
  key: string;
  target: string;
  kind: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_refs: string;
  created_at: string;
  sent_at: string | null;
}

export function outboxFromRow(r: OutboxRow): OutboxEntry {
  return {
    id: r.id,
    key: r.key,
    target: JSON.parse(r.target) as Target,
    kind: r.kind as OutboxEntry['kind'],
    payload: JSON.parse(r.payload) as unknown,
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    claimedBy: r.claimed_by,
    claimedUntil: r.claimed_until,
    sentRefs: JSON.parse(r.sent_refs) as string[],
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}
