// Row shapes of the PostgreSQL schema: booleans and jsonb columns come back as values. The
// mapping to the shared model is in ../rows-common.ts.
import {
  rowMappers,
  type ColumnCodec,
  type FeedRowOf,
  type ItemRowOf,
  type OutboxRowOf,
  type SubscriptionRowOf,
} from '../rows-common.ts';

export const POSTGRES_COLUMNS: ColumnCodec<boolean, unknown> = {
  bool: (value) => value,
  json: <T>(value: unknown) => value as T,
  toBool: (value) => value,
};

export type FeedRow = FeedRowOf<boolean, unknown>;
export type ItemRow = ItemRowOf<boolean, unknown>;
export type SubscriptionRow = SubscriptionRowOf<unknown>;
export type OutboxRow = OutboxRowOf<unknown>;

export const FEED_COLUMNS = `id, name, url, kind, language, themes, origin, etag, last_modified, last_check_at,
  last_success_at, last_error_at, last_error, consecutive_failures, next_check_at, backlog_done, id_mode,
  feed_title, item_count, paused_at, paused_by`;

/** Item columns joined with the feed's name; use with `FROM items i LEFT JOIN feeds f ON f.id = i.feed_id`. */
export const ITEM_COLUMNS = `i.id, i.feed_id, f.name AS source_name, i.guid, i.url, i.title, i.author, i.summary,
  i.published, i.published_estimated, i.lang, i.themes, i.regions, i.why, i.first_seen, i.alertable, i.cluster_id`;

export const { feedFromRow, itemFromRow, subscriptionFromRow, outboxFromRow } = rowMappers(POSTGRES_COLUMNS);

/** PostgreSQL text cannot hold NUL; feed text occasionally does. */
export function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
}
