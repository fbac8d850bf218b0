// startBot in terminal mode (no chat tokens): the first scheduler tick polls the sources
// file's feeds from a local server, an alert subscription of the terminal gets the new
// item printed by the console sender through the real outbox worker, and stop() shuts down
// cleanly. Waits are on conditions (polled every 25 ms), never fixed sleeps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { buildDigest } from '../../src/digest/build.ts';
import { silentLogger } from '../../src/log.ts';
import { CONSOLE_TARGET, createConsoleSender } from '../../src/platforms/console/index.ts';
import { openStore } from '../../src/store/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { targetKey, type Target } from '../../src/model.ts';
import { runInProcess } from '../cli/run-cli.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';

let dir: string;
let server: FeedServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-bot-'));
  const recent = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();
  server = await startFeedServer({
    '/bot.xml': rssRoute('Bot Feed', [
      { guid: 'q1', title: 'Quokka filtering law passes', link: 'https://bot.example/q1', date: recent(1) },
      { guid: 'q2', title: 'Older wombat note', link: 'https://bot.example/q2', date: recent(30) },
    ]),
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('startBot in terminal mode', () => {
  it('polls at start, prints an alert on the terminal and stops cleanly', async () => {
    const sourcesPath = join(dir, 'sources.yaml');
    writeFileSync(
      sourcesPath,
      `sources:\n  - id: bot-feed\n    name: Bot Feed\n    url: ${server.url('/bot.xml')}\n    kind: media\n    language: en\n`,
    );
    const config = loadConfig({
      GOVWATCH_DB: join(dir, 'bot.db'),
      GOVWATCH_TRACKERS: 'off',
      GOVWATCH_SOURCES: sourcesPath,
      GOVWATCH_NEW_ON_FIRST_POLL: '1',
    });
    // The terminal follows "quokka" as alerts (set up before the bot, as an operator would).
    const setup = await openStore(config);
    await setup.addSubscription({
      target: CONSOLE_TARGET,
      filter: { themes: [], regions: [], sources: [], keywords: ['quokka'] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'test',
    });
    await setup.close();

    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const bot = await startBot(config, silentLogger());
    try {
      expect(bot.platforms).toEqual(['console']);
      await until('the first poll', async () => (await bot.store.countItems()) === 2);
      const feed = (await bot.store.getFeed('bot-feed'))!;
      expect(feed.state.lastSuccessAt).not.toBeNull();
      expect(feed.state.lastError).toBeNull();
      await until('the alert on the terminal', async () => printed.some((p) => p.startsWith('ALERT ')));
      const alert = printed.find((p) => p.startsWith('ALERT '))!;
      expect(alert).toContain('[Bot Feed] Quokka filtering law passes');
      expect(alert).toContain('https://bot.example/q1');
      expect(printed.join('')).not.toContain('wombat');
      // The terminal's own subscription counts as "told otherwise": no default digest is added.
      const subs = await bot.store.listSubscriptions({ target: CONSOLE_TARGET });
      expect(subs.map((s) => s.mode)).toEqual(['alert']);
      const sent = await bot.store.listOutbox({ status: 'sent' });
      expect(sent).toHaveLength(1);
    } finally {
      const first = bot.stop();
      expect(bot.stop()).toBe(first); // idempotent
      await first;
      spy.mockRestore();
    }
    // The archive is closed and the feed server sees no more requests.
    await expect(bot.store.countItems()).rejects.toThrow();
    const seen = server.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.length).toBe(seen);
  }, 30_000);

  it('prints a first digest of the last day soon after the first poll, not at the next 08:00', async () => {
    const sourcesPath = join(dir, 'first-digest-sources.yaml');
    writeFileSync(
      sourcesPath,
      `sources:\n  - id: bot-feed\n    name: Bot Feed\n    url: ${server.url('/bot.xml')}\n    kind: media\n    language: en\n`,
    );
    // The default configuration: the first poll is backlog, the digest is daily at 08:00 UTC.
    const config = loadConfig({ GOVWATCH_DB: join(dir, 'first-digest.db'), GOVWATCH_SOURCES: sourcesPath });
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const bot = await startBot(config, silentLogger());
    try {
      const digest = await until('a digest on the terminal', async () =>
        printed.find((p) => p.includes('govwatch digest')),
      );
      expect(digest).toContain('Quokka filtering law passes');
      // Published 30 hours ago: outside a daily digest's period.
      expect(digest).not.toContain('wombat');
      // No alert for a backlog, whatever the digest shows.
      expect(printed.some((p) => p.startsWith('ALERT '))).toBe(false);
      const mark = await bot.store.getDigestMark(targetKey(CONSOLE_TARGET));
      expect(mark).not.toBeNull();
    } finally {
      await bot.stop();
      spy.mockRestore();
    }
  }, 30_000);

  it('gives the terminal a digest that follows the configured schedule, also after it changes, keeping chat schedules', async () => {
    const sourcesPath = join(dir, 'empty-sources.yaml');
    writeFileSync(sourcesPath, 'sources:\n');
    const env = {
      GOVWATCH_DB: join(dir, 'fresh.db'),
      GOVWATCH_SOURCES: sourcesPath,
      GOVWATCH_TRACKERS: 'off',
    };
    // Subscriptions are created at the real time; the digest check runs "tomorrow".
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const first = loadConfig({
      ...env,
      GOVWATCH_DIGEST_CRON: '30 7 * * 1',
      GOVWATCH_TIMEZONE: 'Europe/Berlin',
    });
    const before = await startBot(first, silentLogger(), { autoStart: false });
    const chat: Target = { platform: 'discord', workspaceId: 'g1', kind: 'channel', channelId: 'c1' };
    try {
      const subs = await before.store.listSubscriptions({ target: CONSOLE_TARGET });
      expect(subs).toHaveLength(1);
      // Stored as "the configured schedule", not as a copy of it.
      expect(subs[0]).toMatchObject({ mode: 'digest', cron: null, timezone: '' });
      // A channel's own schedule (as /digest schedule stores it) is its own.
      const own = await before.store.addSubscription({
        target: chat,
        filter: { themes: ['censorship'], regions: [], sources: [], keywords: [] },
        mode: 'digest',
        cron: '0 9 * * *',
        timezone: 'Asia/Tokyo',
        createdBy: 'admin',
      });
      expect(await before.store.updateSubscriptionSchedule(own.id, '15 9 * * *', 'Asia/Tokyo')).toBe(true);
    } finally {
      await before.stop();
    }

    // The operator corrects the schedule: daily 06:00 UTC. At 06:30 the terminal's slot is
    // due at 06:00 (the old Mondays-only 07:30 Berlin schedule would give another or none).
    const fixed = loadConfig({ ...env, GOVWATCH_DIGEST_CRON: '0 6 * * *', GOVWATCH_TIMEZONE: 'UTC' });
    const after = await startBot(fixed, silentLogger(), {
      autoStart: false,
      now: () => new Date(`${tomorrow}T06:30:00.000Z`),
    });
    try {
      expect(await after.store.listSubscriptions({ target: CONSOLE_TARGET })).toHaveLength(1);
      const reports = await after.scheduler.runDueDigests();
      expect(reports.find((r) => r.targetKey === targetKey(CONSOLE_TARGET))?.slot).toBe(
        `${tomorrow}T06:00:00.000Z`,
      );
      // Tokyo 09:15 is 00:15 UTC: the channel kept the schedule it chose.
      expect(reports.find((r) => r.targetKey === targetKey(chat))?.slot).toBe(`${tomorrow}T00:15:00.000Z`);
      expect((await after.store.listSubscriptions({ target: chat }))[0]).toMatchObject({
        cron: '15 9 * * *',
        timezone: 'Asia/Tokyo',
      });
    } finally {
      await after.stop();
    }
  });

  it('an archive whose terminal subscription holds a copy of the old schedule follows the configuration after migrating', async () => {
    const path = join(dir, 'old-copy.db');
    const old = openSqliteStore(path);
    // Undo 80–82 only: later migrations (other tables) stay applied and are not rerun.
    old.db.prepare('DELETE FROM schema_migrations WHERE version IN (80, 81, 82)').run();
    old.db.exec(
      'ALTER TABLE feeds DROP COLUMN paused_at; ALTER TABLE feeds DROP COLUMN paused_by; DROP TABLE settings; ' +
        'DROP TABLE tracker_follows; DROP TABLE tracked_processes',
    );
    await old.addSubscription({
      target: CONSOLE_TARGET,
      filter: { themes: [], regions: [], sources: [], keywords: [] },
      mode: 'digest',
      cron: '0 8 * * *',
      timezone: 'Mars/Olympus',
      createdBy: 'govwatch',
    });
    await old.close();
    const store = openSqliteStore(path);
    try {
      expect((await store.listSubscriptions({ target: CONSOLE_TARGET }))[0]).toMatchObject({
        cron: null,
        timezone: '',
      });
    } finally {
      await store.close();
    }
  });

  it('does not give the terminal its default digest again once the operator removed it', async () => {
    const sourcesPath = join(dir, 'empty-sources.yaml');
    writeFileSync(sourcesPath, 'sources:\n');
    const env = {
      GOVWATCH_DB: join(dir, 'declined.db'),
      GOVWATCH_SOURCES: sourcesPath,
      GOVWATCH_TRACKERS: 'off',
    };
    const config = loadConfig(env);
    const bot = await startBot(config, silentLogger(), { autoStart: false });
    const [sub] = await bot.store.listSubscriptions({ target: CONSOLE_TARGET });
    await bot.stop();
    const removed = await runInProcess(['subscriptions', 'remove', String(sub!.id)], env);
    expect(removed.stdout).toContain('the terminal gets no digest from now on');
    const again = await startBot(config, silentLogger(), { autoStart: false });
    try {
      expect(await again.store.listSubscriptions({ target: CONSOLE_TARGET })).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('the console sender prints a digest as text', async () => {
    const store = await openStore({ dbPath: join(dir, 'bot.db'), databaseUrl: undefined });
    try {
      const digest = await buildDigest(store, {
        target: CONSOLE_TARGET,
        filters: [],
        now: new Date(),
        seenSince: new Date(Date.now() - 3_600_000).toISOString(),
        includeBacklog: true,
        title: 'Terminal digest',
      });
      const lines: string[] = [];
      const sender = createConsoleSender((t) => lines.push(t), 'Europe/Berlin');
      expect(await sender.send(CONSOLE_TARGET, { kind: 'digest', digest }, { idempotencyKey: 'k1' })).toEqual(
        [],
      );
      const text = lines.join('');
      expect(text).toContain('Terminal digest');
      expect(text).toContain('Quokka filtering law passes');
      expect(text).toContain('Older wombat note');
    } finally {
      await store.close();
    }
  });
});
