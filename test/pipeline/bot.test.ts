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

  it('gives the terminal a digest subscription on the configured schedule when it has none', async () => {
    const sourcesPath = join(dir, 'empty-sources.yaml');
    writeFileSync(sourcesPath, 'sources:\n');
    const config = loadConfig({
      GOVWATCH_DB: join(dir, 'fresh.db'),
      GOVWATCH_SOURCES: sourcesPath,
      GOVWATCH_DIGEST_CRON: '30 7 * * 1',
      GOVWATCH_TIMEZONE: 'Europe/Berlin',
    });
    const bot = await startBot(config, silentLogger());
    try {
      const subs = await bot.store.listSubscriptions({ target: CONSOLE_TARGET });
      expect(subs).toHaveLength(1);
      expect(subs[0]).toMatchObject({ mode: 'digest', cron: '30 7 * * 1', timezone: 'Europe/Berlin' });
    } finally {
      await bot.stop();
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
