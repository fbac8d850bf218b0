// An item's story record, computed once when the item is stored: its features (as JSON, for
// comparisons) and its index keys (for finding candidates). Parsed features are kept in a
// bounded cache keyed by item id and checked against the stored JSON, so the items of a busy
// window are parsed once per process, not once per poll.
import type { StoredItem } from '../model.ts';
import { featuresFromJson, featuresToJson, storyFeatures, type StoryFeatures } from './story-features.ts';
import { storyKeys } from './story-keys.ts';

export interface StoryRecord {
  itemId: number;
  features: string;
  keys: number[];
  /** The features `features` encodes (kept by in-process copies of the index). */
  parsed: StoryFeatures;
}

const CACHE_MAX = 50_000;
const cache = new Map<number, { json: string; features: StoryFeatures }>();
/** Keys computed when features were: clustering needs them again right after the store. */
const keysOfFeatures = new WeakMap<StoryFeatures, number[]>();

function remember(id: number, json: string, features: StoryFeatures): void {
  cache.delete(id);
  cache.set(id, { json, features });
  if (cache.size > CACHE_MAX) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
}

/** Features and keys of a stored item (its id is known). */
export function storyRecord(item: StoredItem): StoryRecord {
  const features = storyFeatures(item);
  const json = featuresToJson(features);
  remember(item.id, json, features);
  const keys = storyKeys(features);
  keysOfFeatures.set(features, keys);
  return { itemId: item.id, features: json, keys, parsed: features };
}

/** The index keys of features (computed once per features object). */
export function keysOf(features: StoryFeatures): number[] {
  let keys = keysOfFeatures.get(features);
  if (!keys) keysOfFeatures.set(features, (keys = storyKeys(features)));
  return keys;
}

/** Features and keys of an item about to be stored, before its id is drawn. */
export interface StoryDraft {
  features: StoryFeatures;
  json: string;
  keys: number[];
}

/**
 * A draft of `item`'s record (its id is ignored): computed before the storing transaction,
 * where PostgreSQL holds the lock that orders item ids (src/store/postgres/store.ts).
 */
export function storyDraft(item: StoredItem): StoryDraft {
  const features = storyFeatures(item);
  return { features, json: featuresToJson(features), keys: storyKeys(features) };
}

/** The record of a drafted item once stored as `id`. */
export function recordOfDraft(draft: StoryDraft, id: number): StoryRecord {
  const features = { ...draft.features, id };
  remember(id, draft.json, features);
  keysOfFeatures.set(features, draft.keys);
  return { itemId: id, features: draft.json, keys: draft.keys, parsed: features };
}

/** Features of item `id` from their stored JSON (cached). */
export function featuresOfRecord(id: number, json: string): StoryFeatures | null {
  const hit = cache.get(id);
  if (hit && hit.json === json) return hit.features;
  const features = featuresFromJson(id, json);
  if (features) remember(id, json, features);
  return features;
}

/** Forget cached features (benchmarks measure a cold start with it). */
export function clearStoryCache(): void {
  cache.clear();
}
