// Digests read "items after the mark" by id, so on PostgreSQL item ids must become visible
// in order across replicas. addItems serialises on an advisory lock held until commit;
// this shows a second writer waits for the first instead of committing around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaggedItem } from '../../src/model.ts';
import { openPostgresStoreImpl } from '../../src/store/postgres/index.ts';
import { ITEM_ORDER_LOCK } from '../../src/store/postgres/store.ts';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import { announceSkip, PG_SKIP_MESSAGE, PG_URL, TestDatabase } from './postgres-db.ts';

announceSkip();

let db: TestDatabase;
let store: PostgresStore;

const item = (guid: string): TaggedItem => ({
  guid,
  title: `Item ${guid}`,
  url: `https://order.example/${guid}`,
  author: null,
  summary: '',
  published: '2026-11-20T10:00:00.000Z',
  publishedEstimated: false,
  lang: 'en',
  themes: [],
  regions: [],
  why: {},
});

describe.skipIf(!PG_URL)(`PostgreSQL item order (${PG_URL ? 'enabled' : PG_SKIP_MESSAGE})`, () => {
  beforeAll(async () => {
    db = await TestDatabase.create();
    store = await openPostgresStoreImpl(await db.freshUrl());
    await store.upsertFeeds([
      {
        id: 'order',
        name: 'Order',
        url: 'https://order.example/feed',
        kind: 'media',
        language: 'en',
        origin: 'operator',
      },
    ]);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('an insert waits while another transaction holds the item-order lock, then gets a later id', async () => {
    const holder = await store.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [ITEM_ORDER_LOCK]);
      let done = false;
      const pending = store.addItems('order', [item('b')], { alertable: () => true }).then((r) => {
        done = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false);
      await holder.query('COMMIT');
      const result = await pending;
      expect(result.added.map((i) => i.guid)).toEqual(['b']);
    } finally {
      holder.release();
    }
    const first = await store.addItems('order', [item('c')], { alertable: () => true });
    expect(first.added[0]!.id).toBeGreaterThan((await store.listItems({ order: 'id-asc' }))[0]!.id);
  });
});
