// The story index's keys on PostgreSQL, in memory (../story-memory.ts), one copy per
// replica. Built from story_features when clustering first needs it, then brought up to date
// before each lookup by reading the features of items newer than the last one read: items
// and their features commit together under the item-order lock, so ids become visible in
// order and a read from the last id misses nothing. Cluster ids of held items may have been
// changed by another replica: they are read again (ids only) with the candidates that need
// them. Features written later for older items (a backfill by another replica) are picked
// up by an hourly rebuild.
//
// Until migration 150 every replica stored ~40 key rows per item and looked them up with a
// round trip per feed; the keys are now computed from the features where they are needed.
import type pg from 'pg';
import { keysOf, type StoryRecord } from '../../digest/story-index.ts';
import { featuresFromJson } from '../../digest/story-features.ts';
import { MEMORY_MAX_ITEMS, StoryMemory } from '../story-memory.ts';
import type { StoryRow } from '../types-stories.ts';

const READ_CHUNK = 2_000;
/** A copy older than this is rebuilt (picks up features written late for older items). */
const REBUILD_MS = 3_600_000;

export class PgStoryMirror {
  private readonly memory = new StoryMemory();
  /** The window start it was built or pruned for: it answers for any minId ≥ this. */
  private covers = 0;
  private from = 0;
  /** The largest item id read from the table. */
  private tail = 0;
  private builtAt: number | null = null;
  /** Bumped by a rebuild: a read begun before it is not applied after it. */
  private epoch = 0;
  private building: Promise<void> | null = null;
  /** Builds so far (tests). */
  builds = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxItems = MEMORY_MAX_ITEMS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bring the copy up to date for items with id ≥ minId. */
  async sync(minId: number): Promise<void> {
    const fresh = this.builtAt !== null && this.now() - this.builtAt < REBUILD_MS;
    if (fresh && minId >= this.covers) {
      await this.readTail();
      return;
    }
    if (this.building) {
      await this.building;
      if (this.builtAt !== null && minId >= this.covers) return this.readTail();
    }
    this.building = this.build(minId).finally(() => (this.building = null));
    await this.building;
  }

  private async build(minId: number): Promise<void> {
    this.invalidate();
    this.builds += 1;
    const epoch = this.epoch;
    const top = await this.pool.query<{ id: number | null }>(
      'SELECT item_id AS id FROM story_features WHERE item_id >= $1 ORDER BY item_id DESC OFFSET $2 LIMIT 1',
      [minId, this.maxItems - 1],
    );
    const from = top.rows[0]?.id ?? minId;
    this.tail = from - 1;
    while ((await this.readChunk(epoch)) === READ_CHUNK);
    if (epoch !== this.epoch) return;
    this.covers = minId;
    this.from = from;
    this.builtAt = this.now();
  }

  /** Read features of items after `tail`, one chunk; returns the rows read. */
  private async readChunk(epoch: number): Promise<number> {
    const r = await this.pool.query<{ item_id: number; features: string; cluster_id: number | null }>(
      `SELECT f.item_id, f.features, i.cluster_id FROM story_features f JOIN items i ON i.id = f.item_id
       WHERE f.item_id > $1 ORDER BY f.item_id LIMIT ${READ_CHUNK}`,
      [this.tail],
    );
    if (epoch !== this.epoch) return 0;
    for (const row of r.rows) {
      if (!this.memory.has(row.item_id)) {
        const features = featuresFromJson(row.item_id, row.features);
        if (features) this.memory.hold(row.item_id, features, row.cluster_id, keysOf(features));
      }
      if (row.item_id > this.tail) this.tail = row.item_id;
    }
    return r.rows.length;
  }

  private async readTail(): Promise<void> {
    const epoch = this.epoch;
    while ((await this.readChunk(epoch)) === READ_CHUNK);
    // Other replicas may have clustered held items since the last read.
    this.memory.distrustClusters();
    if (this.memory.size > this.maxItems) {
      this.from = this.memory.cutFor(this.maxItems, this.from);
      this.memory.dropBelow(this.from);
    }
  }

  invalidate(): void {
    this.epoch += 1;
    this.builtAt = null;
    this.memory.clear();
  }

  /** Records this process committed (new items, or older ones indexed late). */
  added(records: StoryRecord[]): void {
    if (this.builtAt === null) return;
    for (const r of records) {
      if (r.itemId >= this.from) this.memory.hold(r.itemId, r.parsed, null, r.keys);
    }
  }

  clustered(assignments: Array<{ itemId: number; clusterId: number }>): void {
    this.memory.clustered(assignments);
  }

  pruned(minId: number): void {
    if (this.builtAt === null) return;
    this.covers = Math.max(this.covers, minId);
    if (minId > this.from) {
      this.memory.dropBelow(minId);
      this.from = minId;
    }
  }

  lookup(keys: number[], minId: number, perKey: number): Array<{ key: number; itemIds: number[] }> {
    return this.memory.lookup(keys, minId, perKey);
  }

  /** Rows of the held items among `ids` (stale cluster ids re-read); the others in `missing`. */
  async load(ids: number[]): Promise<{ rows: StoryRow[]; missing: number[] }> {
    const stale = this.memory.stale(ids);
    if (stale.length) {
      const r = await this.pool.query<{ id: number; cluster_id: number | null }>(
        'SELECT id, cluster_id FROM items WHERE id = ANY($1::int[])',
        [stale],
      );
      const found = new Set<number>();
      for (const row of r.rows) {
        found.add(row.id);
        this.memory.setCluster(row.id, row.cluster_id);
      }
      for (const id of stale) if (!found.has(id)) this.memory.drop(id); // deleted elsewhere
    }
    return this.memory.rows(ids);
  }

  get size(): number {
    return this.builtAt === null ? 0 : this.memory.size;
  }
}
