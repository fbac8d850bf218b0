// The SQLite search index's upkeep (migration 170, src/store/sqlite/index-merge.ts), on real
// files: writes leave FTS5 segments behind, the store merges them in bounded background steps
// without being asked, search answers the same before and after, and item_time (the
// publication time search reads) stays in step with items through inserts, feed removal and
// the migration's backfill of an existing archive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedSource, TaggedItem } from '../../src/model.ts';
import { mergeStep, sqliteIndexMerger } from '../../src/store/sqlite/index-merge.ts';
import { MIGRATIONS, migrate, openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import type { SearchQuery } from '../../src/store/types.ts';

let dir: string;
let stores: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-index-merge-'));
  stores = [];
});

afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(name = 'archive.db'): SqliteStore {
  const s = openSqliteStore(join(dir, name));
  stores.push(s);
  return s;
}

const FEEDS: FeedSource[] = ['a', 'b'].map((id) => ({
  id,
  name: id.toUpperCase(),
  url: `https://example.org/${id}.xml`,
  kind: 'media',
  language: 'en',
  origin: 'operator',
}));

const WORDS = 'spectrum auction regulator privacy court ruling broadband outage treaty draft'.split(' ');

function item(i: number): TaggedItem {
  const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!;
  return {
    guid: `g${i}`,
    title: `${w(0)} ${w(1)} ${i}`,
    url: `https://example.org/item/${i}`,
    author: null,
    summary: `The ${w(2)} and the ${w(3)} met; ${w(4)} followed${i % 9 === 0 ? ' zircotel' : ''}.`,
    // Not in arrival order: a few items are older than the ones stored before them.
    published: new Date(
      Date.UTC(2026, 0, 1) + i * 3_600_000 - (i % 5 === 0 ? 40 * 86_400_000 : 0),
    ).toISOString(),
    publishedEstimated: false,
    lang: 'en',
    themes: i % 3 === 0 ? ['privacy'] : [],
    regions: [],
    why: {},
  };
}

/** Stores `batches` polls of 20 items, alternating feeds: one FTS5 segment per transaction. */
async function fill(store: SqliteStore, batches: number, from = 0): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const items = Array.from({ length: 20 }, (_, k) => item(from + b * 20 + k));
    await store.addItems(FEEDS[b % 2]!.id, items, { alertable: () => false });
  }
}

function segments(store: SqliteStore): number {
  return (
    store.db
      .prepare('SELECT count(DISTINCT id >> 37) AS n FROM item_fts_data WHERE id >= (1 << 37)')
      .get() as {
      n: number;
    }
  ).n;
}

const QUERIES: SearchQuery[] = [
  { text: 'spectrum' },
  { text: 'court ruling' },
  { text: 'zircotel' },
  { text: 'privacy', themes: ['privacy'] },
  { text: 'auction', since: '2026-01-10T00:00:00.000Z', until: '2026-01-20T00:00:00.000Z' },
  { text: '', since: '2026-01-15T00:00:00.000Z' },
];

async function answers(store: SqliteStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of QUERIES) {
    const r = await store.search({ limit: 20, ...q });
    out.push({ total: r.total, hits: r.hits.map((h) => [h.item.id, h.score]) });
  }
  return out;
}

describe('search index merges', () => {
  it('merge the segments writes leave, in bounded steps, with the same answers', async () => {
    const store = open();
    await store.upsertFeeds(FEEDS);
    await fill(store, 30);
    // Do not let the background round run first: measure it explicitly here.
    const before = segments(store);
    expect(before).toBeGreaterThan(3);
    const expected = await answers(store);

    // Steps are bounded by the pages they write: steps of 2 pages take several.
    let steps = 0;
    while (steps < 10_000 && mergeStep(store.db, 2)) steps += 1;
    expect(steps).toBeGreaterThan(3);
    const after = segments(store);
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThanOrEqual(2);
    expect(await answers(store)).toEqual(expected);
    // Nothing left: a further call does no work.
    expect(store.mergeSearchIndex()).toBe(0);
    expect(mergeStep(store.db)).toBe(false);
  });

  it('run in the background after items are stored, without being asked', async () => {
    const store = open();
    await store.upsertFeeds(FEEDS);
    await fill(store, 30);
    // No timer has run yet (nothing above yields to the event loop).
    expect(segments(store)).toBeGreaterThan(3);
    const expected = await answers(store);
    // Stored items nudged the merger: its steps run on timers, between other work.
    await vi.waitFor(() => expect(segments(store)).toBeLessThanOrEqual(2), { timeout: 10_000, interval: 20 });
    expect(mergeStep(store.db)).toBe(false);
    expect(await answers(store)).toEqual(expected);

    // A feed's removal after the merge: its items are gone from every answer.
    await store.removeFeed('b');
    for (const q of QUERIES) {
      const r = await store.search({ limit: 50, ...q });
      expect(r.hits.every((h) => h.item.feedId === 'a')).toBe(true);
    }
  });

  it('run the merges owed when the store closes, and resume in the next process after a crash', async () => {
    const first = openSqliteStore(join(dir, 'closed.db'));
    await first.upsertFeeds(FEEDS);
    await fill(first, 30);
    expect(segments(first)).toBeGreaterThan(2);
    await first.close(); // right after the writes, as a CLI poll does
    const reopened = open('closed.db');
    expect(segments(reopened)).toBeLessThanOrEqual(2);

    // A process that dies leaves its segments; the next one merges them.
    const path = join(dir, 'resume.db');
    const dying = openSqliteStore(path);
    await dying.upsertFeeds(FEEDS);
    await fill(dying, 30);
    dying.db.close();
    const second = open('resume.db');
    expect(segments(second)).toBeGreaterThan(2);
    expect(second.mergeSearchIndex()).toBeGreaterThan(0);
    expect(segments(second)).toBeLessThanOrEqual(2);
  });

  it('wait while writes keep coming, up to a bound', async () => {
    const store = open();
    await store.upsertFeeds(FEEDS);
    await fill(store, 30);
    const before = segments(store);
    expect(before).toBeGreaterThan(2);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // A merger that waits for 300 ms of quiet, nudged every 50 ms: no step for 600 ms (the
    // store's own merger waits for a second of quiet after the fill above).
    const patient = sqliteIndexMerger(store.db, { idleMs: 300, maxDeferMs: 60_000 });
    for (let i = 0; i < 12; i++) {
      patient.nudge();
      await sleep(50);
    }
    expect(segments(store)).toBe(before);
    patient.close();
    // With at most 200 ms of deferral, steps run between the writes.
    const bounded = sqliteIndexMerger(store.db, { idleMs: 300, maxDeferMs: 200, pauseMs: 1 });
    for (let i = 0; i < 12; i++) {
      bounded.nudge();
      await sleep(50);
    }
    expect(segments(store)).toBeLessThan(before);
    bounded.close();
  });
});

describe('item_time', () => {
  function inStep(db: Database.Database): void {
    const rows = db
      .prepare('SELECT items.id, items.published, item_time.ms FROM items LEFT JOIN item_time USING (id)')
      .all() as Array<{ id: number; published: string; ms: number | null }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.ms).toBe(Date.parse(r.published));
    const extra = db
      .prepare('SELECT count(*) AS n FROM item_time WHERE id NOT IN (SELECT id FROM items)')
      .get() as {
      n: number;
    };
    expect(extra.n).toBe(0);
  }

  it('follows items through inserts and a feed removal', async () => {
    const store = open();
    await store.upsertFeeds(FEEDS);
    await fill(store, 6);
    inStep(store.db);
    await store.removeFeed('a');
    inStep(store.db);
    await store.upsertFeeds(FEEDS);
    await fill(store, 2, 1000);
    inStep(store.db);
  });

  it('is filled by migration 170 for an archive made before it', async () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 170),
    );
    db.close();
    // Items written by the code before 170 (no triggers yet): fill through a store opened on
    // the old schema is not possible, so write the rows as addItems did.
    const raw = new Database(path);
    raw
      .prepare(
        "INSERT INTO feeds (id, name, url, kind, language, themes, origin) VALUES ('a', 'A', 'u', 'media', 'en', 'null', 'operator')",
      )
      .run();
    const insert = raw.prepare(`INSERT INTO items (feed_id, guid, url, title, author, summary, published,
      published_estimated, lang, themes, regions, why, first_seen, alertable)
      VALUES ('a', ?, NULL, ?, NULL, ?, ?, 0, 'en', '[]', '[]', '{}', ?, 0)`);
    for (let i = 0; i < 50; i++) {
      const it = item(i);
      insert.run(it.guid, it.title, it.summary, it.published, it.published);
    }
    raw.close();
    const store = open('old.db');
    inStep(store.db);
  });
});
