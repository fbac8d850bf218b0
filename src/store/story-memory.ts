// The story index's recent window held in memory, for either adapter (see
// sqlite/story-mirror.ts and postgres/story-mirror.ts for how each keeps it in step with its
// database): key → ids of the held items, ascending, and each item's parsed features,
// cluster id and keys. Lookups and loads of held items then cost no round trip, no index
// page and no JSON parsing. ~1.6 kB per item.
import type { StoryFeatures } from '../digest/story-features.ts';
import type { StoryRow } from './types-stories.ts';

/** Items held at most: a larger window is held from its newest items. */
export const MEMORY_MAX_ITEMS = 100_000;

interface Held {
  features: StoryFeatures;
  clusterId: number | null;
  keys: number[];
  /** The generation when clusterId was last known current (see `stale`). */
  gen: number;
}

export class StoryMemory {
  private readonly postings = new Map<number, number[]>();
  private readonly held = new Map<number, Held>();
  /** Bumped when another writer may have changed cluster ids: held ones are then re-read. */
  private gen = 0;

  get size(): number {
    return this.held.size;
  }

  has(id: number): boolean {
    return this.held.has(id);
  }

  /** Hold an item (an id held already is left as it is). */
  hold(id: number, features: StoryFeatures, clusterId: number | null, keys: number[]): void {
    if (this.held.has(id)) return;
    this.held.set(id, { features, clusterId, keys, gen: this.gen });
    for (const key of keys) {
      const list = this.postings.get(key);
      if (!list) this.postings.set(key, [id]);
      else if (list[list.length - 1]! < id) list.push(id);
      else {
        const at = lowerBound(list, id); // an older item indexed late (backfill)
        if (list[at] !== id) list.splice(at, 0, id);
      }
    }
  }

  clear(): void {
    this.postings.clear();
    this.held.clear();
  }

  /** Drop the items below `id`; returns how many were held. */
  dropBelow(id: number): number {
    let dropped = 0;
    for (const [heldId, h] of this.held) {
      if (heldId >= id) continue;
      this.held.delete(heldId);
      dropped += 1;
      for (const key of h.keys) {
        const list = this.postings.get(key);
        if (!list) continue;
        const cut = lowerBound(list, id);
        if (cut >= list.length) this.postings.delete(key);
        else if (cut > 0) list.splice(0, cut);
      }
    }
    return dropped;
  }

  /** Forget one item (deleted by another writer). */
  drop(id: number): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    for (const key of h.keys) {
      const list = this.postings.get(key);
      if (!list) continue;
      const at = lowerBound(list, id);
      if (list[at] === id) list.splice(at, 1);
      if (!list.length) this.postings.delete(key);
    }
  }

  /** The id below which dropping leaves at most `max` items (insertion order ≈ id order). */
  cutFor(max: number, floor: number): number {
    let cut = floor;
    let over = this.held.size - max;
    for (const id of this.held.keys()) {
      if (over-- <= 0) break;
      cut = Math.max(cut, id + 1);
    }
    return cut;
  }

  /** Cluster ids written by this process: current. */
  clustered(assignments: Array<{ itemId: number; clusterId: number }>): void {
    for (const a of assignments) this.setCluster(a.itemId, a.clusterId);
  }

  setCluster(id: number, clusterId: number | null): void {
    const h = this.held.get(id);
    if (!h) return;
    h.clusterId = clusterId;
    h.gen = this.gen;
  }

  /** Another writer may have changed cluster ids: held ones are re-read when next loaded. */
  distrustClusters(): void {
    this.gen += 1;
  }

  /** Held ids among `ids` whose cluster id must be re-read first. */
  stale(ids: number[]): number[] {
    return ids.filter((id) => {
      const h = this.held.get(id);
      return h !== undefined && h.gen !== this.gen;
    });
  }

  /** As StoryIndexStore.lookup, over the held items. */
  lookup(keys: number[], minId: number, perKey: number): Array<{ key: number; itemIds: number[] }> {
    const out: Array<{ key: number; itemIds: number[] }> = [];
    for (const key of keys) {
      const list = this.postings.get(key);
      if (!list) continue;
      const start = list[0]! >= minId ? 0 : lowerBound(list, minId);
      if (start < list.length) out.push({ key, itemIds: list.slice(start, start + perKey) });
    }
    return out;
  }

  /** Rows of the held items among `ids`; the others are returned in `missing`. */
  rows(ids: number[]): { rows: StoryRow[]; missing: number[] } {
    const rows: StoryRow[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const h = this.held.get(id);
      if (!h) missing.push(id);
      else
        rows.push({
          id,
          feedId: h.features.feedId,
          url: h.features.url,
          clusterId: h.clusterId,
          features: h.features,
        });
    }
    return { rows, missing };
  }
}

/** First index in ascending `list` whose value is ≥ x. */
function lowerBound(list: number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
