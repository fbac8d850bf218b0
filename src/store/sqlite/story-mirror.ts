// An in-process copy of the story index's recent window for one SQLite connection: key →
// item ids, and each item's parsed features and cluster. Clustering a poll's new items then
// probes no index pages and parses no JSON (on a 500-feed first poll the lookups and loads
// were ~40% of the main thread's work). The tables stay the record: the copy is built from
// them, kept in step by this connection's own writes, and rebuilt when another connection
// (a `govwatch poll` beside `start`) changed what it holds.
//
// Another connection's commit changes PRAGMA data_version; so does the checkpoint worker's
// (a checkpoint rewrites the file without changing its content). On a change the copy checks
// a fingerprint (the largest item id, the count of indexed items in the window) and rebuilds
// when that differs from what it holds; else it re-reads the window's cluster ids, the one
// thing another connection changes on items it did not add (a cluster founded by an older
// item). A stale cluster id would have this process found that cluster again.
import type Database from 'better-sqlite3';
import { featuresOfRecord, keysOf, type StoryRecord } from '../../digest/story-index.ts';
import type { StoryFeatures } from '../../digest/story-features.ts';
import type { StoryRow } from '../types-stories.ts';

/** Items held at most (~40 keys each): a window larger than this is served by the tables. */
export const MIRROR_MAX_ITEMS = 150_000;
/** After finding the window too large, how long the tables serve before counting again. */
const RECHECK_MS = 10 * 60_000;

interface Held {
  features: StoryFeatures;
  clusterId: number | null;
  keys: number[];
}

export class StoryMirror {
  private readonly postings = new Map<number, number[]>();
  private readonly held = new Map<number, Held>();
  /** Every indexed item with id ≥ from is held. */
  private from = 0;
  /** data_version when last known in step; null: not built (the tables serve). */
  private version: number | null = null;
  /** Fingerprint: the largest item id and the indexed items ≥ from, as this copy knows them. */
  private maxId = 0;
  private count = 0;
  private tooLargeUntil = 0;
  private readonly dataVersion: Database.Statement;
  private readonly maxItemId: Database.Statement;
  private readonly countFrom: Database.Statement;
  private readonly readFrom: Database.Statement;
  private readonly clustersFrom: Database.Statement;
  /** Builds so far (tests and benchmarks check that a checkpoint does not cause one). */
  builds = 0;

  constructor(
    db: Database.Database,
    private readonly maxItems = MIRROR_MAX_ITEMS,
    private readonly now: () => number = Date.now,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.maxItemId = db.prepare('SELECT coalesce(max(id), 0) FROM items').pluck();
    this.countFrom = db.prepare('SELECT count(*) FROM story_features WHERE item_id >= ?').pluck();
    this.readFrom = db
      .prepare(
        `SELECT f.item_id, f.features, i.cluster_id FROM story_features f JOIN items i ON i.id = f.item_id
         WHERE f.item_id >= ? ORDER BY f.item_id`,
      )
      .raw();
    this.clustersFrom = db
      .prepare('SELECT id, cluster_id FROM items WHERE id >= ? AND cluster_id IS NOT NULL')
      .raw();
  }

  /** Whether the copy answers for items with id ≥ minId (building or rebuilding it if need be). */
  ready(minId: number): boolean {
    if (this.inStep() && minId >= this.from) return true;
    if (this.now() < this.tooLargeUntil) return false;
    return this.build(minId);
  }

  /** Whether the copy is built and still what the tables hold (never builds it). */
  inStep(): boolean {
    if (this.version === null) return false;
    const v = this.dataVersion.get() as number;
    if (v === this.version) return true;
    const same =
      (this.maxItemId.get() as number) === this.maxId &&
      (this.countFrom.get(this.from) as number) === this.count;
    if (!same) {
      this.invalidate();
      return false;
    }
    for (const [id, clusterId] of this.clustersFrom.iterate(this.from) as IterableIterator<
      [number, number]
    >) {
      const h = this.held.get(id);
      if (h) h.clusterId = clusterId;
    }
    this.version = v;
    return true;
  }

  private build(minId: number): boolean {
    this.invalidate();
    this.builds += 1;
    const version = this.dataVersion.get() as number;
    const count = this.countFrom.get(minId) as number;
    if (count > this.maxItems) {
      this.tooLargeUntil = this.now() + RECHECK_MS;
      return false;
    }
    for (const [id, json, clusterId] of this.readFrom.iterate(minId) as IterableIterator<
      [number, string, number | null]
    >) {
      const features = featuresOfRecord(id, json);
      if (features) this.hold(id, features, clusterId, keysOf(features));
    }
    this.from = minId;
    this.count = count;
    this.maxId = this.maxItemId.get() as number;
    this.version = version;
    return true;
  }

  /** Forget everything: the tables serve until the next build. */
  invalidate(): void {
    this.version = null;
    this.postings.clear();
    this.held.clear();
    this.count = 0;
  }

  private hold(id: number, features: StoryFeatures, clusterId: number | null, keys: number[]): void {
    this.held.set(id, { features, clusterId, keys });
    for (const key of keys) {
      const list = this.postings.get(key);
      if (!list) this.postings.set(key, [id]);
      else if (list[list.length - 1]! < id) list.push(id);
      else list.splice(lowerBound(list, id), 0, id); // an older item indexed late (backfill)
    }
  }

  /** Records this connection committed (new items, or older ones indexed late). */
  added(records: StoryRecord[]): void {
    if (this.version === null) return;
    for (const r of records) {
      if (r.itemId > this.maxId) this.maxId = r.itemId;
      if (r.itemId < this.from || this.held.has(r.itemId)) continue;
      this.hold(r.itemId, r.parsed, null, r.keys);
      this.count += 1;
    }
  }

  /** Cluster ids this connection committed. */
  clustered(assignments: Array<{ itemId: number; clusterId: number }>): void {
    for (const a of assignments) {
      const h = this.held.get(a.itemId);
      if (h) h.clusterId = a.clusterId;
    }
  }

  /** Items below minId left the window (their rows were deleted by this connection). */
  pruned(minId: number): void {
    if (this.version === null || minId <= this.from) return;
    for (const [id, h] of this.held) {
      if (id >= minId) continue;
      this.held.delete(id);
      this.count -= 1;
      for (const key of h.keys) {
        const list = this.postings.get(key);
        if (!list) continue;
        const cut = lowerBound(list, minId);
        if (cut >= list.length) this.postings.delete(key);
        else if (cut > 0) list.splice(0, cut);
      }
    }
    this.from = minId;
  }

  /** As StoryIndexStore.lookup, for a window this copy is ready for. */
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
  load(ids: number[]): { rows: StoryRow[]; missing: number[] } {
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

  /** Items held (for tests and benchmarks). */
  get size(): number {
    return this.version === null ? 0 : this.held.size;
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
