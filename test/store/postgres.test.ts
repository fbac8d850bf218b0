// The Store contract on PostgreSQL, plus what only matters with several replicas: concurrent
// migrations, disjoint outbox and feed claims, lease take-over, and search parity with SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaggedItem } from '../../src/model.ts';
import {
  createPool,
  MIGRATIONS,
  openPostgresStore,
  openPostgresStoreImpl,
} from '../../src/store/postgres/index.ts';
import { runMigrations } from '../../src/store/postgres/migrations.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { SearchQuery, Store } from '../../src/store/types.ts';
import { CORPUS_FEEDS, loadCorpus, PARITY_QUERIES, runStoreContract, topGuids } from './contract.ts';
import { runMigration140Contract } from './contract-migration-140.ts';
import { announceSkip, PG_URL, PG_SKIP_MESSAGE, TestDatabase } from './postgres-db.ts';

announceSkip();

let db: TestDatabase;

describe.skipIf(!PG_URL)(`PostgreSQL archive (${PG_URL ? 'enabled' : PG_SKIP_MESSAGE})`, () => {
  beforeAll(async () => {
    db = await TestDatabase.create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  // Each contract test closes its store before the next opens one, so they can share a
  // schema, emptied between them.
  runStoreContract('postgres', async () => openPostgresStore(await db.emptiedUrl()));

  runMigration140Contract('postgres', async () => {
    const url = await db.freshUrl();
    const pool = createPool(url);
    await runMigrations(
      pool,
      undefined,
      MIGRATIONS.filter((m) => m.version < 140),
    );
    return { store: new PostgresStore(pool), reopen: () => openPostgresStore(url) };
  });

  describe('migrations', () => {
    it('two pools migrating the same empty database at once both succeed, each version applied once', async () => {
      const url = await db.freshUrl();
      const [a, b, c] = await Promise.all([
        openPostgresStoreImpl(url),
        openPostgresStoreImpl(url),
        openPostgresStoreImpl(url),
      ]);
      const rows = await a.pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await Promise.all([a.close(), b.close(), c.close()]);
    });

    it('reopening applies nothing and keeps the data', async () => {
      const url = await db.freshUrl();
      const first = await openPostgresStoreImpl(url);
      await loadCorpus(first);
      const count = await first.countItems();
      await first.close();
      const second = await openPostgresStoreImpl(url);
      expect(await second.countItems()).toBe(count);
      const applied = await second.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(applied.rows[0].n).toBe(MIGRATIONS.length);
      await second.close();
    });
  });

  describe('replicas', () => {
    const replicas: PostgresStore[] = [];
    let url: string;
    beforeAll(async () => {
      url = await db.freshUrl();
      for (let k = 0; k < 3; k++) replicas.push(await openPostgresStoreImpl(url));
    });
    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.close()));
    });

    it('owners claiming the outbox concurrently never get the same entry, and together get all', async () => {
      const target = {
        platform: 'discord' as const,
        channelId: 'c',
        workspaceId: 'g',
        kind: 'channel' as const,
      };
      const keys = Array.from({ length: 300 }, (_, k) => `k${k}`);
      await replicas[0]!.enqueue(
        keys.map((key) => ({ key, target, kind: 'alert' as const, payload: { key } })),
      );
      const now = new Date(Date.now() + 60_000);
      const claimed = replicas.map(() => [] as string[]);
      await Promise.all(
        replicas.map(async (store, k) => {
          for (;;) {
            const batch = await store.claimOutbox(`owner-${k}`, now, 7, 60_000);
            if (!batch.length) break;
            claimed[k]!.push(...batch.map((e) => e.key));
          }
        }),
      );
      const all = claimed.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual([...keys].sort());
      // Several owners really took part (SKIP LOCKED let them interleave).
      expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    });

    it('feeds are leased to one replica; an expired lease is taken over by another', async () => {
      const feeds = Array.from({ length: 40 }, (_, k) => ({
        id: `f${String(k).padStart(2, '0')}`,
        name: `Feed ${k}`,
        url: `https://example.org/${k}.xml`,
        kind: 'rights' as const,
        language: 'en',
        origin: 'operator' as const,
      }));
      await replicas[0]!.upsertFeeds(feeds);
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const lease = 60_000;
      const got = await Promise.all(replicas.map((r, k) => r.claimDueFeeds(`r${k}`, t0, 40, lease)));
      const ids = got.flat().map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(feeds.map((f) => f.id));

      // Replica r0 dies holding its feeds: nobody gets them while the lease runs…
      const held = got[0]!.map((f) => f.id);
      for (const [k, r] of replicas.entries()) {
        if (k === 0) continue;
        const f = await r.claimDueFeeds(`r${k}`, new Date(t0.getTime() + lease - 1), 40, lease);
        expect(f.filter((x) => held.includes(x.id))).toEqual([]);
      }
      // …and once it has expired another replica takes every one of them over.
      const later = new Date(t0.getTime() + lease + 1);
      const taken = await replicas[1]!.claimDueFeeds('r1', later, 40, lease);
      for (const id of held) expect(taken.map((f) => f.id)).toContain(id);
    });

    it('two replicas storing the same items at once store each item once', async () => {
      await replicas[0]!.upsertFeeds([
        {
          id: 'race',
          name: 'Race',
          url: 'https://example.org/race',
          kind: 'media',
          language: 'en',
          origin: 'operator',
        },
      ]);
      const items: TaggedItem[] = Array.from({ length: 400 }, (_, k) => ({
        guid: `g${k}`,
        title: `Item ${k}`,
        url: `https://example.org/race/${k}`,
        author: null,
        summary: `Summary ${k}`,
        published: '2025-02-01T00:00:00.000Z',
        publishedEstimated: false,
        lang: 'en',
        themes: [],
        regions: [],
        why: {},
      }));
      const results = await Promise.all(
        replicas.map((r) => r.addItems('race', items, { alertable: () => true })),
      );
      const added = results.flatMap((r) => r.added.map((a) => a.guid));
      expect(added.sort()).toEqual(items.map((i) => i.guid).sort());
      expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(items.length * (replicas.length - 1));
      expect((await replicas[2]!.getFeed('race'))?.itemCount).toBe(items.length);
    });

    it('a named lock raced by every replica is won by exactly one', async () => {
      const won = await Promise.all(replicas.map((r, k) => r.tryLock('digest:slot', `r${k}`, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('search parity with SQLite', () => {
    let pgStore: Store;
    let sqlite: Store;
    beforeAll(async () => {
      pgStore = await openPostgresStore(await db.freshUrl());
      sqlite = openSqliteStore(':memory:');
      await loadCorpus(pgStore);
      await loadCorpus(sqlite);
    });
    afterAll(async () => {
      await pgStore.close();
      await sqlite.close();
    });

    it.each(PARITY_QUERIES.map((p) => [p.name, p.query] as const))(
      'the same items in the same order: %s',
      async (_name, query) => {
        expect(await topGuids(pgStore, query, 20)).toEqual(await topGuids(sqlite, query, 20));
      },
    );

    it('the same items, order, scores and snippets on a generated 1,500-item corpus', async () => {
      const pgBig = await openPostgresStore(await db.freshUrl());
      const sqBig = openSqliteStore(':memory:');
      try {
        await seedGenerated(pgBig, 1500);
        await seedGenerated(sqBig, 1500);
        const queries: SearchQuery[] = [];
        for (const text of GENERATED_QUERIES) {
          queries.push(
            { text },
            { text, themes: ['censorship'] },
            { text, regions: ['cn'], since: '2024-06-01' },
          );
        }
        for (const q of queries) {
          const a = await pgBig.search({ ...q, limit: 10 });
          const b = await sqBig.search({ ...q, limit: 10 });
          const label = JSON.stringify(q);
          expect(
            a.hits.map((h) => h.item.id),
            label,
          ).toEqual(b.hits.map((h) => h.item.id));
          expect(a.total, label).toBe(b.total);
          a.hits.forEach((h, k) => {
            expect(h.score, label).toBeCloseTo(b.hits[k]!.score, 9);
            expect(h.snippet, label).toEqual(b.hits[k]!.snippet);
          });
        }
      } finally {
        await pgBig.close();
        await sqBig.close();
      }
    });
  });

  describe('search windows (used once ANALYZE statistics exist)', () => {
    it('finds the same newest candidates and totals when the first id window is too narrow', async () => {
      // "satellite" is in every one of the 2,000 oldest items and in one of 50 after them:
      // the statistics give a first window holding far fewer than 1,000 matches, so the
      // search widens it, then collects the rest.
      const pgStore = await openPostgresStoreImpl(await db.freshUrl());
      const sqlite = openSqliteStore(':memory:');
      try {
        const feeds = [
          {
            id: 'w',
            name: 'W',
            url: 'https://example.org/w',
            kind: 'media' as const,
            language: 'en',
            origin: 'operator' as const,
          },
        ];
        const items: TaggedItem[] = Array.from({ length: 6000 }, (_, k) => ({
          guid: `w${k}`,
          title: k < 2000 || k % 50 === 0 ? `satellite launch ${k % 7}` : `cable repair ${k % 7}`,
          url: null,
          author: null,
          summary: k % 3 ? 'spectrum auction' : 'orbit slots',
          published: new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
          publishedEstimated: false,
          lang: 'en',
          themes: [k % 2 ? 'infrastructure' : 'standards'],
          regions: [],
          why: {},
        }));
        for (const s of [pgStore, sqlite] as Store[]) {
          await s.upsertFeeds(feeds);
          await s.addItems('w', items, { alertable: () => true });
        }
        await pgStore.pool.query('ANALYZE items');
        const queries: SearchQuery[] = [
          { text: 'satellite' },
          { text: 'satellite', themes: ['infrastructure'] },
          { text: 'satellite', since: '2024-01-01T00:00:00Z' },
          { text: 'satellite orbit' },
          { text: '', themes: ['standards'], since: '2024-02-01T00:00:00Z' },
        ];
        for (const q of queries) {
          const a = await pgStore.search({ ...q, limit: 20 });
          const b = await sqlite.search({ ...q, limit: 20 });
          expect(
            a.hits.map((h) => h.item.id),
            JSON.stringify(q),
          ).toEqual(b.hits.map((h) => h.item.id));
          if (b.totalIsEstimate && q.since) {
            // SQLite estimates a date window's total from the density of its newest matches
            // (docs/scaling.md, "Totals"); PostgreSQL counts. Same hits, a total of the same order.
            expect(a.total / b.total, JSON.stringify(q)).toBeGreaterThan(0.5);
            expect(a.total / b.total, JSON.stringify(q)).toBeLessThan(2);
          } else {
            expect([a.total, a.totalIsEstimate], JSON.stringify(q)).toEqual([b.total, b.totalIsEstimate]);
          }
        }
      } finally {
        await pgStore.close();
        await sqlite.close();
      }
    });
  });

  describe('PostgreSQL specifics', () => {
    it('indexes CJK text as bigrams and Russian words by their stem in the tsvector', async () => {
      const store = await openPostgresStoreImpl(await db.freshUrl());
      try {
        await loadCorpus(store);
        const r = await store.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM items WHERE search @@ $1::tsquery`,
          [`'互联' <-> '联网'`],
        );
        expect(r.rows[0]!.n).toBeGreaterThan(0);
        // The raw query text never reaches tsquery parsing: operators are just words.
        const res = await store.search({ text: "spyware & !' | <-> :*" });
        expect(res.hits.map((h) => h.item.guid)).toContain('e3');
      } finally {
        await store.close();
      }
    });

    it('upserting the same feed twice in one call keeps the last, as sequential upserts would', async () => {
      const store = await openPostgresStore(await db.freshUrl());
      try {
        const f = CORPUS_FEEDS[0]!;
        await store.upsertFeeds([f, { ...f, name: 'Renamed' }]);
        expect((await store.listFeeds()).map((x) => x.name)).toEqual(['Renamed']);
      } finally {
        await store.close();
      }
    });

    it('tolerates NUL characters in stored and searched text', async () => {
      const store = await openPostgresStore(await db.freshUrl());
      try {
        await store.upsertFeeds([CORPUS_FEEDS[0]!]);
        const res = await store.addItems(
          CORPUS_FEEDS[0]!.id,
          [
            {
              guid: 'nul\u0000guid',
              title: 'Title with \u0000 NUL',
              url: null,
              author: null,
              summary: 'body\u0000text',
              published: '2025-03-01T00:00:00Z',
              publishedEstimated: false,
              lang: 'en',
              themes: [],
              regions: [],
              why: {},
            },
          ],
          { alertable: () => false },
        );
        expect(res.added).toHaveLength(1);
        expect((await store.search({ text: 'NUL\u0000' })).hits).toHaveLength(1);
      } finally {
        await store.close();
      }
    });
  });
});

// A deterministic multilingual corpus big enough for ranking differences to show.
const EN =
  'internet censorship surveillance encryption standards governance privacy shutdown network firewall blocking regulation platform content moderation spyware biometric cable satellite spectrum protocol'.split(
    ' ',
  );
const RU =
  'цензура цензуры интернет блокировка сети слежка шифрование регулирование платформы суверенитет законы свобода'.split(
    ' ',
  );
const ZH = ['互联网', '网络安全', '治理', '主权', '审查', '监控', '加密', '标准', '数据', '隐私'];
const GENERATED_QUERIES = [
  'internet',
  'censorship firewall',
  'цензура',
  'интернет блокировка',
  '网络',
  '网',
  '互联网治理',
  'privacy spyware cable',
  'internet цензура 数据',
  '"content moderation"',
  'zzz nothing',
];

async function seedGenerated(store: Store, n: number): Promise<void> {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const feeds = ['gen-a', 'gen-b', 'gen-c'];
  await store.upsertFeeds(
    feeds.map((id) => ({
      id,
      name: id,
      url: `https://example.org/${id}`,
      kind: 'rights' as const,
      language: 'en',
      origin: 'operator' as const,
    })),
  );
  for (const [f, feedId] of feeds.entries()) {
    const items: TaggedItem[] = [];
    for (let k = 0; k < n / feeds.length; k++) {
      const lang = pick(['en', 'ru', 'zh'] as const);
      const vocab = lang === 'en' ? EN : lang === 'ru' ? RU : ZH;
      const words = (m: number) =>
        Array.from({ length: m }, () => pick(vocab)).join(lang === 'zh' ? '' : ' ');
      items.push({
        guid: `${f}-${k}`,
        title: words(3 + Math.floor(rnd() * 5)),
        summary: words(10 + Math.floor(rnd() * 40)),
        url: `https://example.org/${f}/${k}`,
        author: null,
        published: new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 400) * 86_400_000).toISOString(),
        publishedEstimated: false,
        lang,
        themes: [pick(['censorship', 'surveillance', 'privacy', 'standards'] as const)],
        regions: [pick(['CN', 'RU', 'US'])],
        why: {},
      });
    }
    await store.addItems(feedId, items, { alertable: () => true });
  }
}
