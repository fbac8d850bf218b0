// The story index (see src/digest/story-index.ts): each item's story features, stored when
// the item is stored, and its index keys, so clustering finds candidates by indexed lookups
// in the recent window instead of reading the window back. Keys and features of items that
// left the window are pruned; archives from before the index are backfilled lazily.
import type { StoredItem } from '../model.ts';
import type { StoryRecord } from '../digest/story-index.ts';
import type { StoryFeatures } from '../digest/story-features.ts';

export interface StoryRow {
  id: number;
  feedId: string;
  url: string | null;
  clusterId: number | null;
  /** Stored features (parsed); null when the item has none (older than the window, or unindexed). */
  features: StoryFeatures | null;
}

export interface StoryIndexStore {
  /** Id of the first item first seen at or after `since` (ISO); null when there is none. */
  firstIdSeenSince(since: string): Promise<number | null>;
  /**
   * For each of `keys` indexing any item with id ≥ `minId`: the ids of those items, at most
   * `perKey` (a key with more names no story; reading them all would cost the most exactly
   * where it helps the least). Keys without such items are left out.
   */
  lookup(keys: number[], minId: number, perKey: number): Promise<Array<{ key: number; itemIds: number[] }>>;
  /** Ids of items whose canonical URL is one of `urls` (any feed, any age). */
  idsByUrls(urls: string[]): Promise<number[]>;
  /** These items' feed, URL, cluster and stored features (ids that do not exist are left out). */
  load(ids: number[]): Promise<StoryRow[]>;
  /** Up to `limit` items with id ≥ `minId` and no stored features, by id. */
  unindexed(minId: number, limit: number): Promise<StoredItem[]>;
  /** Store records (an item already indexed is left as it is). */
  put(records: StoryRecord[]): Promise<void>;
  /**
   * Drop the keys (at most about `limit` rows per call) and features of items below `minId`.
   * Returns the rows deleted; call again while it returns `limit` or more.
   */
  prune(minId: number, limit: number): Promise<number>;
}
