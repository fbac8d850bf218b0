// Row shapes of the SQLite schema: booleans come back as 0/1 and JSON columns as text. The
// mapping to the shared model is in ../rows-common.ts.
import {
  rowMappers,
  type ColumnCodec,
  type FeedColumns,
  type FeedRowOf,
  type ItemColumns,
  type ItemRowOf,
  type OutboxRowOf,
  type SubscriptionRowOf,
} from '../rows-common.ts';

export const SQLITE_COLUMNS: ColumnCodec<number, string> = {
  bool: (value) => value === 1,
  json: <T>(value: string) => JSON.parse(value) as T,
  toBool: (value) => (value ? 1 : 0),
};

export type FeedTableRow = FeedColumns<number, string>;
export type FeedRow = FeedRowOf<number, string>;
export type ItemTableRow = ItemColumns<number, string>;
export type ItemRow = ItemRowOf<number, string>;
export type SubscriptionRow = SubscriptionRowOf<string>;
export type OutboxRow = OutboxRowOf<string>;

export const { feedFromRow, itemFromRow, subscriptionFromRow, outboxFromRow } = rowMappers(SQLITE_COLUMNS);
