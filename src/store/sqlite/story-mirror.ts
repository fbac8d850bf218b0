// The story index's keys on SQLite, in memory (../story-memory.ts). Built from story_features
// (the record) when clustering first needs it, in chunks that yield to the event loop; then
// kept in step by this connection's own writes, so clustering a poll's new items probes no
// index pages and parses no JSON.
//
// Another connection's commit (a `govwatch poll` beside `start`) changes PRAGMA data_version;
// so does the checkpoint worker's (a checkpoint rewrites the file without changing its
// content). On a change the copy checks a fingerprint (the largest item id, the count of
// indexed items it covers) and rebuilds when that differs from what it holds; else the
// cluster ids it holds may be stale, the one thing another connection changes on items it
// did not add (a cluster founded by an older item): each is read again from the table when
// next loaded. A stale cluster id would have this process found that cluster again.
//
// A window of more than MEMORY_MAX_ITEMS items (over 25,000 new items a day) is held from its
// newest MEMORY_MAX_ITEMS: older reports in it are not found as candidates (their URLs still
// are). Installs that size belong on PostgreSQL.
import type Database from 'better-sqlite3';
import { keysOf, type StoryRecord } from '../../digest/story-index.ts';
import { featuresFromJson } from '../../digest/story-features.ts';
import { MEMORY_MAX_ITEMS, StoryMemory } from '../story-memory.ts';
import type { StoryRow } from '../types-stories.ts';

/** Rows read per turn of the event loop while building (~0.1 ms each). */
const BUILD_CHUNK = 2_000;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class StoryMirror {
  private readonly memory = new StoryMemory();
  /** The window start the copy was built or pruned for: it answers for any minId ≥ this. */
  private covers = 0;
  /** Lowest id it holds every indexed item from (above `covers` when the window was too large). */
  private from = 0;
  /** data_version when last known in step; null: not built. */
  private version: number | null = null;
  /** Fingerprint: the largest item id, and the indexed items ≥ from, as this copy knows them. */
  private maxId = 0;
  private count = 0;
  private building: Promise<void> | null = null;
  private readonly dataVersion: Database.Statement;
  private readonly maxItemId: Database.Statement;
  private readonly countFrom: Database.Statement;
  private readonly nthNewest: Database.Statement;
  private readonly readChunk: Database.Statement;
  private readonly clustersOf: Database.Statement;
  /** Builds so far (tests check that a checkpoint does not cause one). */
  builds = 0;

  constructor(
    db: Database.Database,
    private readonly maxItems = MEMORY_MAX_ITEMS,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.maxItemId = db.prepare('SELECT coalesce(max(id), 0) FROM items').pluck();
    this.countFrom = db.prepare('SELECT count(*) FROM story_features WHERE item_id >= ?').pluck();
    this.nthNewest = db
      .prepare('SELECT item_id FROM story_features WHERE item_id >= ? ORDER BY item_id DESC LIMIT 1 OFFSET ?')
      .pluck();
    this.readChunk = db
      .prepare(
        `SELECT f.item_id, f.features, i.cluster_id FROM story_features f JOIN items i ON i.id = f.item_id
         WHERE f.item_id >= ? ORDER BY f.item_id LIMIT ${BUILD_CHUNK}`,
      )
      .raw();
    this.clustersOf = db
      .prepare('SELECT id, cluster_id FROM items WHERE id IN (SELECT value FROM json_each(?))')
      .raw();
  }

  /** Make the copy answer for items with id ≥ minId (building it if need be). */
  async sync(minId: number): Promise<void> {
    if (this.inStep() && minId >= this.covers) return;
    if (this.building) {
      await this.building;
      if (this.version !== null && minId >= this.covers) return;
    }
    this.building = this.build(minId).finally(() => (this.building = null));
    await this.building;
  }

  /** Whether the copy is built and still what the file holds (never builds it). */
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
    this.memory.distrustClusters();
    this.version = v;
    return true;
  }

  private async build(minId: number): Promise<void> {
    this.invalidate();
    this.builds += 1;
    // Read first: a commit by another connection while this builds shows as a change later.
    const version = this.dataVersion.get() as number;
    const total = this.countFrom.get(minId) as number;
    const from = total > this.maxItems ? (this.nthNewest.get(minId, this.maxItems - 1) as number) : minId;
    let cursor = from;
    for (;;) {
      const rows = this.readChunk.all(cursor) as Array<[number, string, number | null]>;
      for (const [id, json, clusterId] of rows) {
        const features = featuresFromJson(id, json);
        if (features) this.memory.hold(id, features, clusterId, keysOf(features));
      }
      if (rows.length < BUILD_CHUNK) break;
      cursor = rows[rows.length - 1]![0] + 1;
      await yieldToLoop();
    }
    // Same turn as the last read: nothing of this connection's came in between.
    this.covers = minId;
    this.from = from;
    this.count = this.countFrom.get(from) as number;
    this.maxId = this.maxItemId.get() as number;
    this.version = version;
  }

  /** Forget everything (a removed feed took items with it); the next lookup rebuilds. */
  invalidate(): void {
    this.version = null;
    this.memory.clear();
    this.count = 0;
  }

  /** Records this connection committed (new items, or older ones indexed late). */
  added(records: StoryRecord[]): void {
    if (this.version === null) return;
    for (const r of records) {
      if (r.itemId > this.maxId) this.maxId = r.itemId;
      if (r.itemId < this.from || this.memory.has(r.itemId)) continue;
      this.memory.hold(r.itemId, r.parsed, null, r.keys);
      this.count += 1;
    }
    if (this.memory.size > this.maxItems) this.dropBelow(this.memory.cutFor(this.maxItems, this.from));
  }

  /** Cluster ids this connection committed. */
  clustered(assignments: Array<{ itemId: number; clusterId: number }>): void {
    this.memory.clustered(assignments);
  }

  /** Items below minId left the window (this connection deleted their features). */
  pruned(minId: number): void {
    if (this.version === null) return;
    this.covers = Math.max(this.covers, minId);
    if (minId > this.from) this.dropBelow(minId);
    // What the file now holds from `from` on: the fingerprint follows the deletion.
    this.count = this.countFrom.get(this.from) as number;
  }

  private dropBelow(id: number): void {
    this.count -= this.memory.dropBelow(id);
    this.from = id;
  }

  /** As StoryIndexStore.lookup, once synced for minId. */
  lookup(keys: number[], minId: number, perKey: number): Array<{ key: number; itemIds: number[] }> {
    return this.memory.lookup(keys, minId, perKey);
  }

  /** Rows of the held items among `ids` (stale cluster ids re-read); the others in `missing`. */
  load(ids: number[]): { rows: StoryRow[]; missing: number[] } {
    const stale = this.memory.stale(ids);
    if (stale.length) {
      for (const [id, clusterId] of this.clustersOf.all(JSON.stringify(stale)) as Array<
        [number, number | null]
      >) {
        this.memory.setCluster(id, clusterId);
      }
    }
    return this.memory.rows(ids);
  }

  /** Items held. */
  get size(): number {
    return this.version === null ? 0 : this.memory.size;
  }
}
