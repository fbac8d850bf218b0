// SIGTERM while PostgreSQL is gone: `govwatch start` on DATABASE_URL through a TCP proxy in
// front of the real server, sending a digest to every Discord channel; the proxy then goes
// silent (the database accepts and never answers: every query, the lease release and the
// pool's end wait forever) or closed, and the process gets SIGTERM. It must exit within its
// deadline, non-zero, naming what it could not finish; the next start, with the database
// back, posts every channel's digest exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin/index.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { PG_URL, TestDatabase, announceSkip } from '../store/postgres-db.ts';
import {
  TWO_HOURS_AGO,
  emptySources,
  expectNextStartPostsEachOnce,
  outboxCounts,
  seedDueDigests,
  sigterm,
  startBotProcess,
  until,
} from './harness.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GUILD = '200000000000000092';
const CHANNELS = 6;
const DEADLINE_MS = 4_000; // GOVWATCH_SHUTDOWN_TIMEOUT_MS for these runs, to keep them short
const channelIds = Array.from({ length: CHANNELS }, (_, k) => String(340000000000000000n + BigInt(k)));

announceSkip();
let tdb: TestDatabase;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-shutdown-pg-'));
  if (PG_URL) tdb = await TestDatabase.create();
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

describe.skipIf(!PG_URL)('SIGTERM with PostgreSQL unreachable', () => {
  it.each(['silent', 'closed'] as const)(
    'PostgreSQL %s: exits within the deadline, non-zero; the next start posts every digest once',
    { timeout: 90_000 },
    async (how) => {
      const url = await tdb.freshUrl();
      const proxy = await startTcpProxy(Number(new URL(url).port || 5432));
      const standin: DiscordStandin = await startDiscordStandin({
        guilds: [{ id: GUILD, name: 'g', channels: channelIds.map((id, k) => ({ id, name: `c${k}` })) }],
        latencyMs: 150,
      });
      const seed = await openPostgresStore(url, undefined, { now: TWO_HOURS_AGO });
      const targets: Target[] = channelIds.map((channelId) => ({
        platform: 'discord',
        workspaceId: GUILD,
        kind: 'channel',
        channelId,
      }));
      await seedDueDigests(seed, targets);
      await seed.close();
      const env = {
        DISCORD_TOKEN: standin.token,
        DISCORD_APP_ID: standin.appId,
        DISCORD_API_URL: standin.apiUrl,
        DATABASE_URL: throughProxy(url, proxy.port),
        // A stable name, so the next start takes back what this one could not release.
        GOVWATCH_REPLICA_ID: `shutdown-pg-${how}`,
        GOVWATCH_SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
        GOVWATCH_SOURCES: emptySources(dir),
        GOVWATCH_DIGEST_CRON: '0 * * * *',
      };
      const posted = (): number => channelIds.filter((id) => (standin.messages.get(id) ?? []).length).length;
      try {
        const first = startBotProcess(env);
        await until('a first digest posted', () => posted() > 0, 30_000);
        if (how === 'silent') proxy.silent();
        else await proxy.closed();
        const postedBefore = posted();
        const { code, tookMs } = await sigterm(first, DEADLINE_MS + 5_000);
        // The deadline is the bound; a little over it for the exit itself on a loaded machine.
        expect(tookMs).toBeLessThan(DEADLINE_MS + 2_000);
        expect(code).toBe(1);
        const last = first.logs.filter((l) =>
          /shutdown deadline passed|stopped with failures/.test(String(l.msg)),
        );
        expect(last.length).toBeGreaterThan(0);
        const unfinished = [
          ...((last[0]!.pending as string[]) ?? []),
          ...((last[0]!.failed as string[]) ?? []),
        ];
        expect(unfinished.join(',')).toMatch(/leases|archive|release|close/);
        const check = await openPostgresStore(url);
        const counts = await outboxCounts(check);
        await check.close();
        console.log(
          `postgres ${how}: exited ${code} ${tookMs} ms after SIGTERM (deadline ${DEADLINE_MS} ms), ` +
            `unfinished: ${unfinished.join('; ')}; ${postedBefore}/${CHANNELS} channels posted before; ` +
            `outbox then ${JSON.stringify(counts)}`,
        );

        await proxy.resume();
        await expectNextStartPostsEachOnce({
          label: `postgres ${how}`,
          env,
          channels: CHANNELS,
          openStore: () => openPostgresStore(url),
          idsIn: (id) => (standin.messages.get(id) ?? []).map((m) => m.nonce),
          deadlineMs: DEADLINE_MS,
        });
      } finally {
        await proxy.close();
        await standin.close();
      }
    },
  );

  it(
    'a second signal exits at once while the first shutdown waits on the database',
    { timeout: 60_000 },
    async () => {
      const url = await tdb.freshUrl();
      const proxy = await startTcpProxy(Number(new URL(url).port || 5432));
      try {
        const bot = startBotProcess({
          DATABASE_URL: throughProxy(url, proxy.port),
          GOVWATCH_SHUTDOWN_TIMEOUT_MS: '60000',
          GOVWATCH_SOURCES: emptySources(dir),
        });
        await bot.waitForLog('govwatch started', 30_000);
        proxy.silent();
        bot.proc.kill('SIGTERM');
        await bot.waitForLog('shutting down', 5_000);
        // The shutdown now waits on a database that never answers (the digest pass's query, then
        // the lease release), for up to a minute.
        await new Promise((r) => setTimeout(r, 300));
        const { code, tookMs } = await sigterm(bot, 5_000).catch(() => ({ code: -1, tookMs: Infinity }));
        console.log(`postgres silent, second signal: exited ${code} ${tookMs} ms after it`);
        expect(code).toBe(1);
        expect(tookMs).toBeLessThan(1_000);
        const forced = bot.logs.find((l) => l.msg === 'second signal: exiting now');
        expect((forced?.pending as string[] | undefined)?.length).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    },
  );
});
