// An item stored just before a crash still alerts: the process (or replica) died between
// storing the item and enqueueing its alerts, so the item is in the archive, alertable and
// never marked alerted. The next start (or any replica's next poll pass, after a grace)
// enqueues its alerts, once, on SQLite and on PostgreSQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverUnalertedItems } from '../../src/alerts.ts';
import { startBot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import type { TaggedItem, Target } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';
import { PG_URL, TestDatabase } from '../store/postgres-db.ts';

const TARGET: Target = { platform: 'console', workspaceId: '', kind: 'channel', channelId: 'terminal' };

function item(guid: string, title: string): TaggedItem {
  return {
    guid,
    title,
    url: `https://news.example/${guid}`,
    author: null,
    summary: '',
    published: new Date().toISOString(),
    publishedEstimated: false,
    lang: 'en',
    themes: [],
    regions: [],
    why: {},
  };
}

let dir: string;
let pgdb: TestDatabase | null = null;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-alert-recovery-'));
  if (PG_URL) pgdb = await TestDatabase.create();
});
afterAll(async () => {
  await pgdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const adapters: Array<[string, () => Promise<Record<string, string>>]> = [
  ['sqlite', async () => ({ GOVWATCH_DB: join(dir, `recovery-${Date.now()}.db`) })],
  ...(PG_URL ? [['postgres', async () => ({ DATABASE_URL: await pgdb!.freshUrl() })] as const] : []),
].map(([name, env]) => [name as string, env as () => Promise<Record<string, string>>]);

describe.each(adapters)('alerts of items stored before a crash (%s)', (_name, archiveEnv) => {
  it('are enqueued once at the next start; alerted and backlog items are left alone', async () => {
    const sources = join(dir, 'sources.yaml');
    writeFileSync(sources, 'sources:\n');
    const config = loadConfig({
      ...(await archiveEnv()),
      GOVWATCH_SOURCES: sources,
      GOVWATCH_TRACKERS: 'off',
    });
    // The life before the crash: a subscription, an item alerted normally, then one stored
    // whose alerts never made it to the outbox (the process died in between), and backlog.
    const before = await openStore(config);
    await before.upsertFeeds([
      {
        id: 'news',
        name: 'News',
        url: 'https://news.example/feed.xml',
        kind: 'media',
        language: 'en',
        origin: 'chat',
      },
    ]);
    await before.addSubscription({
      target: TARGET,
      filter: { themes: [], regions: [], sources: [], keywords: ['quokka'] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'test',
    });
    const { added: done } = await before.addItems('news', [item('a', 'Quokka law alerted before')], {
      alertable: () => true,
    });
    await before.markAlerted(done.map((i) => i.id));
    const { added: lost } = await before.addItems('news', [item('b', 'Quokka law stored at the crash')], {
      alertable: () => true,
    });
    await before.addItems('news', [item('c', 'Quokka backlog')], { alertable: () => false });
    await before.close();

    const bot = await startBot(config, silentLogger(), { autoStart: false });
    try {
      expect(await bot.scheduler.runPoll()).toBe('ran');
      const alerts = (await bot.store.listOutbox()).filter((e) => e.kind === 'alert');
      expect(alerts.map((e) => e.key)).toEqual([`alert:console::channel:terminal:${lost[0]!.id}`]);
      expect(await bot.store.listItems({ unalertedOnly: true })).toEqual([]);
      // Another pass (or another replica) recovers nothing more and enqueues nothing twice.
      expect(await bot.scheduler.runPoll()).toBe('ran');
      expect(await recoverUnalertedItems(bot.store)).toBe(0);
      expect((await bot.store.listOutbox()).filter((e) => e.kind === 'alert')).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  }, 30_000);

  it('a live replica recovers only items older than the grace, and a racing second pass adds nothing', async () => {
    const config = loadConfig({ ...(await archiveEnv()), GOVWATCH_SOURCES: join(dir, 'sources.yaml') });
    const store = await openStore(config);
    try {
      await store.upsertFeeds([
        {
          id: 'news',
          name: 'News',
          url: 'https://news.example/feed.xml',
          kind: 'media',
          language: 'en',
          origin: 'chat',
        },
      ]);
      await store.addSubscription({
        target: TARGET,
        filter: { themes: [], regions: [], sources: [], keywords: [] },
        mode: 'alert',
        cron: null,
        timezone: 'UTC',
        createdBy: 'test',
      });
      await store.addItems('news', [item('d', 'Just stored by a replica')], { alertable: () => true });
      expect(await recoverUnalertedItems(store, { seenBefore: new Date(Date.now() - 120_000) })).toBe(0);
      const [a, b] = await Promise.all([recoverUnalertedItems(store), recoverUnalertedItems(store)]);
      expect(a + b).toBeGreaterThanOrEqual(1);
      expect(await store.listOutbox()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
