// Moving a SQLite archive into PostgreSQL: everything arrives with its ids, counts are
// checked, and a copy that cannot be complete leaves nothing behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaggedItem, Target, ThemeId } from '../../src/model.ts';
import { targetKey, UserError } from '../../src/model.ts';
import { copyStore } from '../../src/store/copy.ts';
import { openPostgresStoreImpl } from '../../src/store/postgres/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import { CORPUS_FEEDS, CORPUS_ITEMS, loadCorpus, PARITY_QUERIES, topGuids } from './contract.ts';
import { trackedProcess } from './contract-trackers.ts';
import { announceSkip, PG_SKIP_MESSAGE, PG_URL, TestDatabase } from './postgres-db.ts';

announceSkip();

const ITEMS_PER_FEED = 1000;
const THEMES: ThemeId[] = ['censorship', 'privacy', 'standards', 'surveillance'];
const channel: Target = { platform: 'slack', channelId: 'C1', workspaceId: 'T1', kind: 'channel' };

let db: TestDatabase;
let dir: string;
let sqlitePath: string;

/** A SQLite archive with corpus + generated items, clusters, feed state, subscriptions, outbox, marks. */
async function seedSqlite(path: string): Promise<void> {
  const s = openSqliteStore(path, { now: () => new Date('2025-06-01T12:00:00.000Z') });
  await loadCorpus(s);
  for (const f of CORPUS_FEEDS.slice(0, 3)) {
    const items: TaggedItem[] = Array.from({ length: ITEMS_PER_FEED }, (_, k) => ({
      guid: `${f.id}-gen-${k}`,
      title: `Generated ${k} about ${THEMES[k % THEMES.length]} in ${f.name}`,
      url: k % 10 === 0 ? null : `https://example.org/${f.id}/gen/${k}`,
      author: k % 3 === 0 ? 'Reporter' : null,
      summary: `Item ${k} of ${f.id}: surveillance spyware encryption quantum 数据 ${k % 7} цензура`,
      published: new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
      publishedEstimated: k % 11 === 0,
      lang: 'en',
      themes: [THEMES[k % THEMES.length]!],
      regions: k % 2 ? ['RU'] : ['CN', 'EU'],
      why: { [THEMES[k % THEMES.length]!]: ['generated'] },
    }));
    await s.addItems(f.id, items, { alertable: (_i, k) => k % 2 === 0 });
  }
  await s.setClusters([
    { itemId: 5, clusterId: 3 },
    { itemId: 6, clusterId: 3 },
  ]);
  await s.saveFeedState(CORPUS_FEEDS[0]!.id, {
    etag: '"abc"',
    lastModified: 'Sun, 01 Jun 2025 10:00:00 GMT',
    lastCheckAt: '2025-06-01T11:00:00.000Z',
    lastSuccessAt: '2025-06-01T11:00:00.000Z',
    lastErrorAt: '2025-05-30T11:00:00.000Z',
    lastError: 'HTTP 503',
    consecutiveFailures: 0,
    nextCheckAt: '2025-06-01T11:15:00.000Z',
    backlogDone: true,
    idMode: 'link',
    feedTitle: 'A feed',
  });
  await s.addSubscription({
    target: channel,
    filter: { themes: ['privacy'], regions: ['EU'], sources: [], keywords: ['GDPR'] },
    mode: 'digest',
    cron: '0 8 * * *',
    timezone: 'Europe/Berlin',
    createdBy: 'U1',
  });
  await s.addSubscription({
    target: { ...channel, channelId: 'C2' },
    filter: { themes: [], regions: [], sources: [], keywords: [] },
    mode: 'alert',
    cron: null,
    timezone: 'UTC',
    createdBy: 'U2',
  });
  await s.enqueue(
    ['d1', 'd2', 'd3'].map((key) => ({
      key,
      target: channel,
      kind: 'digest' as const,
      payload: { key, ok: '✓' },
    })),
    { targetKey: targetKey(channel), mark: { lastItemId: 40, lastSlot: '2025-06-01T08:00:00.000Z' } },
  );
  const [e1, e2] = await s.claimOutbox('old-replica', new Date('2025-06-01T12:00:00.000Z'), 2, 60_000);
  await s.completeOutbox(e1!.id, 'old-replica', { ok: true, sentRefs: ['m1', 'm2'] });
  await s.completeOutbox(e2!.id, 'old-replica', {
    ok: false,
    error: 'rate limited',
    retryAt: '2025-06-01T12:05:00Z',
  });
  await s.trackers.upsert(
    trackedProcess('untc:XVIII-16', {
      kind: 'treaty',
      source: 'untc',
      deadline: '2026-09-01T00:00:00.000Z',
      details: { parties: [{ participant: 'Norway', ratified: '2026-02-01' }] },
    }),
  );
  await s.trackers.follow({
    processId: 'untc:XVIII-16',
    target: channel,
    reminderDays: [7, 1],
    createdBy: 'U1',
  });
  await s.feedTokens.create({
    tokenHash: 'ab'.repeat(32),
    target: channel,
    filter: { themes: ['censorship'], regions: ['RU'], sources: [], keywords: ['vpn'] },
    createdBy: 'U1',
  });
  await s.evidence.putDays(
    ['2025-05-30', '2025-05-31'].map((day, i) => ({
      source: 'ooni',
      query: 'web_connectivity',
      country: 'IQ',
      day,
      payload: { measurement_count: 10 + i, note: 'ünïcode ✓' },
      fetchedAt: '2025-06-01T09:00:00.000Z',
    })),
  );
  await s.close();
}

describe.skipIf(!PG_URL)(
  `copying a SQLite archive into PostgreSQL (${PG_URL ? 'enabled' : PG_SKIP_MESSAGE})`,
  () => {
    let source: Store;
    let target: Store;
    let progress: Array<[number, number]>;
    let report: Awaited<ReturnType<typeof copyStore>>;

    beforeAll(async () => {
      db = await TestDatabase.create();
      dir = mkdtempSync(join(tmpdir(), 'govwatch-copy-'));
      sqlitePath = join(dir, 'archive.db');
      await seedSqlite(sqlitePath);
      const url = await db.freshUrl();
      progress = [];
      report = await copyStore(sqlitePath, url, {
        batchSize: 400,
        onProgress: (d, t) => progress.push([d, t]),
      });
      source = openSqliteStore(sqlitePath);
      target = await openPostgresStoreImpl(url);
    });
    afterAll(async () => {
      await source?.close();
      await target?.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports equal counts for every table', () => {
      for (const [table, c] of Object.entries(report.counts)) expect(c.target, table).toBe(c.source);
      expect(report.counts.items.source).toBe(3 * ITEMS_PER_FEED + CORPUS_ITEMS.length);
    });

    it('reports progress up to the total, never going back', () => {
      const total = Object.values(report.counts).reduce((s, c) => s + c.source, 0);
      expect(progress[0]).toEqual([0, total]);
      expect(progress.at(-1)).toEqual([total, total]);
      for (let k = 1; k < progress.length; k++)
        expect(progress[k]![0]).toBeGreaterThanOrEqual(progress[k - 1]![0]);
      expect(progress.length).toBeGreaterThan(5);
    });

    it('keeps tracked processes and their follows', async () => {
      expect(await target.trackers.list()).toEqual(await source.trackers.list());
      expect(await target.trackers.listFollows()).toEqual(await source.trackers.listFollows());
      expect(report.counts.tracker_follows).toEqual({ source: 1, target: 1 });
    });

    it('keeps private feed tokens (hashes), and new ones get fresh ids', async () => {
      expect(await target.feedTokens.list()).toEqual(await source.feedTokens.list());
      expect(await target.feedTokens.findByHash('ab'.repeat(32))).not.toBeNull();
      const [first] = await target.feedTokens.list();
      const next = await target.feedTokens.create({ ...first!, tokenHash: 'cd'.repeat(32) });
      expect(next.id).toBeGreaterThan(first!.id);
    });

    it('keeps feeds with their polling state and item counts', async () => {
      expect(await target.listFeeds()).toEqual(await source.listFeeds());
    });

    it('keeps every item with its id, tags, explanation, flags and cluster', async () => {
      const all = await source.listItems({});
      expect(await target.listItems({})).toEqual(all);
      expect((await target.getItem(6))?.clusterId).toBe(3);
    });

    it('keeps the evidence cache', async () => {
      const days = (st: Store) =>
        st.evidence.getDays('ooni', 'web_connectivity', 'IQ', '2025-05-01', '2025-06-30');
      expect(await days(target)).toHaveLength(2);
      expect(await days(target)).toEqual(await days(source));
    });

    it('keeps subscriptions, the outbox with its statuses, and digest marks', async () => {
      expect(await target.listSubscriptions()).toEqual(await source.listSubscriptions());
      expect(await target.listOutbox()).toEqual(await source.listOutbox());
      expect(await target.getDigestMark(targetKey(channel))).toEqual(
        await source.getDigestMark(targetKey(channel)),
      );
    });

    it('searches the copied archive like the original', async () => {
      for (const p of PARITY_QUERIES) {
        expect(await topGuids(target, p.query, 10), p.name).toEqual(await topGuids(source, p.query, 10));
      }
      expect(await topGuids(target, { text: 'generated spyware' })).toEqual(
        await topGuids(source, { text: 'generated spyware' }),
      );
    });

    it('continues numbering after the copied ids', async () => {
      const maxItem = Math.max(...(await source.listItems({})).map((i) => i.id));
      const res = await target.addItems(
        CORPUS_FEEDS[0]!.id,
        [
          {
            guid: 'after-copy',
            title: 'After the copy',
            url: null,
            author: null,
            summary: 'new',
            published: '2025-07-01T00:00:00.000Z',
            publishedEstimated: false,
            lang: 'en',
            themes: [],
            regions: [],
            why: {},
          },
        ],
        { alertable: () => true },
      );
      expect(res.added[0]!.id).toBe(maxItem + 1);
      const sub = await target.addSubscription({
        target: channel,
        filter: { themes: [], regions: [], sources: [], keywords: [] },
        mode: 'alert',
        cron: null,
        timezone: 'UTC',
        createdBy: 'U3',
      });
      expect(sub.id).toBe(3);
      expect(await target.enqueue([{ key: 'new', target: channel, kind: 'reply', payload: null }])).toBe(1);
    });

    it('refuses a target that already holds data', async () => {
      const url = await db.freshUrl();
      const pre = await openPostgresStoreImpl(url);
      await pre.upsertFeeds([CORPUS_FEEDS[0]!]);
      await pre.close();
      const err = await copyStore(sqlitePath, url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).code).toBe('copy_target_not_empty');
    });

    it('rolls everything back and says which table differs when rows cannot all be copied', async () => {
      // Two guids that differ only by a NUL: distinct in SQLite, the same once PostgreSQL
      // (which cannot store NUL) has them, so one row would be lost.
      const path = join(dir, 'nul.db');
      const s = openSqliteStore(path);
      await s.upsertFeeds([CORPUS_FEEDS[0]!]);
      const base: TaggedItem = {
        guid: 'same',
        title: 't',
        url: null,
        author: null,
        summary: 's',
        published: '2025-01-01T00:00:00.000Z',
        publishedEstimated: false,
        lang: null,
        themes: [],
        regions: [],
        why: {},
      };
      await s.addItems(CORPUS_FEEDS[0]!.id, [base, { ...base, guid: 'same\u0000' }], {
        alertable: () => true,
      });
      await s.close();

      const url = await db.freshUrl();
      const err = await copyStore(path, url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).code).toBe('copy_count_mismatch');
      expect((err as UserError).message).toMatch(/items: 2 in SQLite, 1 in PostgreSQL/);
      const after = await openPostgresStoreImpl(url);
      expect(await after.listFeeds()).toEqual([]);
      expect(await after.countItems()).toBe(0);
      await after.close();
    });

    it('rejects a file that is not a govwatch archive, with a clear error', async () => {
      const path = join(dir, 'other.db');
      const raw = new Database(path);
      raw.exec('CREATE TABLE t (x)');
      raw.close();
      const err = await copyStore(path, await db.freshUrl()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(/not a govwatch SQLite archive/);
    });
  },
);
