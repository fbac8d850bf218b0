// An item's story record, computed once when the item is stored: its features (as JSON, for
// comparisons) and its index keys (for finding candidates). The recent window's parsed
// features are held by the store's index in memory (src/store/story-memory.ts).
import type { StoredItem } from '../model.ts';
import { featuresToJson, storyFeatures, type StoryFeatures } from './story-features.ts';
import { storyKeys } from './story-keys.ts';

export interface StoryRecord {
  itemId: number;
  features: string;
  keys: number[];
  /** The features `features` encodes (kept by in-process copies of the index). */
  parsed: StoryFeatures;
}

/** Keys computed when features were: clustering needs them again right after the store. */
const keysOfFeatures = new WeakMap<StoryFeatures, number[]>();

/** Features and keys of a stored item (its id is known). */
export function storyRecord(item: StoredItem): StoryRecord {
  const features = storyFeatures(item);
  const json = featuresToJson(features);
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
  keysOfFeatures.set(features, draft.keys);
  return { itemId: id, features: draft.json, keys: draft.keys, parsed: features };
}
