import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreLocation, openStore } from '../../src/store/index.ts';
import { MIGRATIONS, openSqliteStore } from '../../src/store/sqlite/index.ts';
import { migrate } from '../../src/store/sqlite/migrations.ts';
import { MAIN_AUTOCHECKPOINT_PAGES } from '../../src/store/sqlite/checkpointer.ts';
import { storyFeatures } from '../../src/digest/story-features.ts';
import { storyKeys } from '../../src/digest/story-keys.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import type { StoredItem } from '../../src/model.ts';
import { CORPUS_ITEMS, loadCorpus, runStoreContract } from './contract.ts';
import { report, source } from './contract-stories.ts';
import { runMigration140Contract } from './contract-migration-140.ts';

const dir = mkdtempSync(join(tmpdir(), 'govwatch-sqlite-'));
let n = 0;
const freshPath = () => join(dir, `store-${++n}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite file', async () => openSqliteStore(freshPath()));

runMigration140Contract('sqlite', async () => {
  const path = freshPath();
  const db = new Database(path);
  // Every migration but 140: the current Store class also writes tables added after it.
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version !== 140),
  );
  return { store: new SqliteStore(db), reopen: async () => openSqliteStore(path) };
});

describe('SQLite archive', () => {
  it('creates the file and its parent directory, in WAL mode with foreign keys on', async () => {
    const path = join(dir, 'nested', 'deeper', 'archive.db');
    const store = await openStore({ dbPath: path, databaseUrl: undefined });
    expect(store.kind).toBe('sqlite');
    expect(existsSync(path)).toBe(true);
    const db = (store as ReturnType<typeof openSqliteStore>).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    await store.close();
  });

  it('applies each migration once and nothing on reopen, keeping the data', async () => {
    const path = freshPath();
    const first = openSqliteStore(path);
    await loadCorpus(first);
    await first.close();

    const second = openSqliteStore(path);
    expect(await second.countItems()).toBe(CORPUS_ITEMS.length);
    expect((await second.search({ text: 'spyware' })).hits).toHaveLength(1);
    await second.close();

    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{
      version: number;
    }>;
    raw.close();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('rolls back a failing migration completely', async () => {
    const path = freshPath();
    const db = new Database(path);
    const { migrate } = await import('../../src/store/sqlite/migrations.ts');
    const broken = [
      ...MIGRATIONS,
      { version: 999, name: 'broken', up: 'CREATE TABLE half_done (x); THIS IS NOT SQL;' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all();
    const versions = db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>;
    db.close();
    expect(tables).toEqual([]);
    expect(versions.map((v) => v.version)).not.toContain(999);
  });

  it('describes where the archive lives without credentials', () => {
    expect(
      describeStoreLocation({
        dbPath: 'x.db',
        databaseUrl: 'postgres://user:secret@db.example:5432/govwatch',
      }),
    ).toBe('postgres://db.example:5432/govwatch');
    expect(describeStoreLocation({ dbPath: ':memory:', databaseUrl: undefined })).toBe('sqlite in memory');
    expect(describeStoreLocation({ dbPath: join(dir, 'a.db'), databaseUrl: undefined })).toBe(
      `sqlite ${join(dir, 'a.db')}`,
    );
  });

  it('opens an in-memory archive with `:memory:`', async () => {
    const store = await openStore({ dbPath: ':memory:', databaseUrl: undefined });
    await loadCorpus(store);
    expect(await store.countItems()).toBe(CORPUS_ITEMS.length);
    await store.close();
  });

  it('two connections to one file see each other and share named locks', async () => {
    const path = freshPath();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    expect(await a.tryLock('poll', 'A', 60_000)).toBe(true);
    expect(await b.tryLock('poll', 'B', 60_000)).toBe(false);
    await a.upsertFeeds([
      { id: 'f', name: 'F', url: 'https://example.org/f', kind: 'media', language: 'en', origin: 'operator' },
    ]);
    expect((await b.listFeeds()).map((f) => f.id)).toEqual(['f']);
    await a.close();
    await b.close();
  });

  it('rejects an invalid date bound with a user error instead of a database error', async () => {
    const store = openSqliteStore(':memory:');
    await expect(store.search({ text: 'x', since: 'yesterday-ish' })).rejects.toMatchObject({
      code: 'bad_date',
    });
    await store.close();
  });

  describe('search at more than the ranking bound', () => {
    it('ranks a title match among recent matches first and reports an estimated total', async () => {
      const store = openSqliteStore(':memory:');
      await store.upsertFeeds([
        {
          id: 'f',
          name: 'F',
          url: 'https://example.org/f',
          kind: 'media',
          language: 'en',
          origin: 'operator',
        },
      ]);
      const items = Array.from({ length: 1500 }, (_, i) => ({
        guid: `g${i}`,
        title: i === 1490 ? 'Censorship censorship report' : `Weekly note ${i}`,
        url: null,
        author: null,
        summary: `A note about censorship number ${i}.`,
        published: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
        publishedEstimated: false,
        lang: 'en',
        themes: [],
        regions: [],
        why: {},
      }));
      await store.addItems('f', items, { alertable: () => false });
      const res = await store.search({ text: 'censorship', limit: 5 });
      expect(res.hits[0]!.item.guid).toBe('g1490');
      // More matches than the ranking bound: the total is extrapolated, and says so.
      expect(res.total).toBe(1500);
      expect(res.totalIsEstimate).toBe(true);
      const filtered = await store.search({ text: 'censorship', since: items[1400]!.published, limit: 100 });
      expect(filtered.total).toBe(100);
      expect(filtered.hits.every((h) => h.item.published >= items[1400]!.published)).toBe(true);
      await store.close();
    });
  });
});

describe('SQLite story keys', () => {
  it('are computed from the stored features, not stored: a reopened archive finds its items by key', async () => {
    const path = freshPath();
    const word = (n: number) => `w${n.toString(36)}x`;
    const item = (i: number) =>
      report(`g${i}`, Array.from({ length: 10 }, (_, k) => word(i * 10 + k)).join(' '), '');
    const first = openSqliteStore(path);
    const stored: StoredItem[] = [];
    try {
      await first.upsertFeeds([source('f')]);
      // More than one chunk of the copy's build (2,000 rows a turn).
      for (let i = 0; i < 2_100; i += 100) {
        const batch = Array.from({ length: 100 }, (_, k) => item(i + k));
        stored.push(...(await first.addItems('f', batch, { alertable: () => true })).added);
      }
      const tables = first.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'story%'")
        .pluck()
        .all();
      expect(tables).toEqual(['story_features']);
    } finally {
      await first.close();
    }
    const store = openSqliteStore(path);
    try {
      const probe = [stored[0]!, stored[1_999]!, stored[2_099]!];
      const keys = probe.flatMap((it) => storyKeys(storyFeatures(it)));
      const hits = await store.stories.lookup(keys, 0, 10);
      expect(new Set(hits.flatMap((h) => h.itemIds))).toEqual(new Set(probe.map((it) => it.id)));
      expect(store.storyMirror.size).toBe(2_100);
      // Pruned items leave the copy and the file.
      while ((await store.stories.prune(stored[2_000]!.id, 500)) >= 500);
      expect(store.storyMirror.size).toBe(100);
      const left = await store.stories.lookup(keys, 0, 10);
      expect(new Set(left.flatMap((h) => h.itemIds))).toEqual(new Set([stored[2_099]!.id]));
      expect(store.db.prepare('SELECT count(*) FROM story_features').pluck().get()).toBe(100);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite WAL checkpoints', () => {
  it('copy the WAL into the file on a worker, the main connection checkpointing only as a backstop', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    try {
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(MAIN_AUTOCHECKPOINT_PAGES);
      await loadCorpus(store);
      const size = statSync(path).size;
      await store.upsertFeeds([
        {
          id: 'f',
          name: 'F',
          url: 'https://example.org/f',
          kind: 'media',
          language: 'en',
          origin: 'operator',
        },
      ]);
      const items = Array.from({ length: 300 }, (_, i) => ({
        guid: `g${i}`,
        title: `Checkpoint note ${i}`,
        url: `https://example.org/${i}`,
        author: null,
        summary: 'x'.repeat(2_000),
        published: '2026-11-20T10:00:00.000Z',
        publishedEstimated: false,
        lang: 'en',
        themes: [],
        regions: [],
        why: {},
      }));
      await store.addItems('f', items, { alertable: () => true });
      // Far below the main connection's threshold: only the worker's checkpoint grows the file.
      for (let waited = 0; statSync(path).size <= size && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(statSync(path).size).toBeGreaterThan(size);
    } finally {
      await store.close();
    }
    const again = openSqliteStore(path);
    expect(await again.countItems()).toBe(CORPUS_ITEMS.length + 300);
    await again.close();
  });
});
