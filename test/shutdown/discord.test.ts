// SIGTERM while Discord is gone: `govwatch start` connected to the Discord stand-in through a
// TCP proxy (gateway and REST both), sending a digest to every channel; the proxy then goes
// silent (connections open, nothing answered) or closed (reset, refused), and the process is
// sent SIGTERM. It must exit within the shutdown deadline, and the next start, with Discord
// back, must post every channel's digest exactly once (nothing lost, nothing twice).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin/index.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
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

const GUILD = '200000000000000091';
const CHANNELS = 8;
const DEADLINE_MS = 10_000; // the default GOVWATCH_SHUTDOWN_TIMEOUT_MS
const channelIds = Array.from({ length: CHANNELS }, (_, k) => String(330000000000000000n + BigInt(k)));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-shutdown-discord-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM with Discord unreachable', () => {
  it.each(['silent', 'closed'] as const)(
    'Discord %s: exits within the deadline; the next start posts every digest once',
    { timeout: 90_000 },
    async (how) => {
      const proxy: TcpProxy = await startTcpProxy();
      const standin: DiscordStandin = await startDiscordStandin({
        guilds: [{ id: GUILD, name: 'g', channels: channelIds.map((id, k) => ({ id, name: `c${k}` })) }],
        // Slow answers, so that sends are in flight when Discord goes away.
        latencyMs: 150,
        publicPort: proxy.port,
      });
      proxy.targetPort = Number(new URL(standin.apiUrl).port);
      const db = join(dir, `${how}.db`);
      const seed = openSqliteStore(db, { now: TWO_HOURS_AGO });
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
        DISCORD_API_URL: `http://127.0.0.1:${proxy.port}/api`,
        GOVWATCH_DB: db,
        GOVWATCH_SOURCES: emptySources(dir),
        GOVWATCH_DIGEST_CRON: '0 * * * *',
      };
      const posted = (): number => channelIds.filter((id) => (standin.messages.get(id) ?? []).length).length;
      try {
        const first = startBotProcess(env);
        await first.waitForLog('discord gateway ready', 30_000);
        // Discord goes away while the first digests are on the wire: their requests have
        // arrived and are being answered (the stand-in posts them), the answers will not get back.
        const sending = (): boolean =>
          standin.requests.some((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path));
        await until('a first digest on the wire', sending, 30_000);
        await new Promise((r) => setTimeout(r, 60)); // the bodies are in; the answers are not
        if (how === 'silent') proxy.silent();
        else await proxy.closed();
        const { code, tookMs } = await sigterm(first, DEADLINE_MS + 5_000);
        expect(first.stderr()).toContain('leaving the discord gateway');
        expect(tookMs).toBeLessThan(DEADLINE_MS);
        expect(code).toBe(0);
        const check = openSqliteStore(db);
        const counts = await outboxCounts(check);
        await check.close();
        const postedBefore = posted();
        console.log(
          `discord ${how}: exited ${code} ${tookMs} ms after SIGTERM; ${postedBefore}/${CHANNELS} ` +
            `channels posted by Discord; outbox then ${JSON.stringify(counts)}`,
        );

        await proxy.resume();
        await expectNextStartPostsEachOnce({
          label: `discord ${how}`,
          env,
          channels: CHANNELS,
          openStore: () => openSqliteStore(db),
          idsIn: (id) => (standin.messages.get(id) ?? []).map((m) => m.nonce),
          deadlineMs: DEADLINE_MS,
        });
        console.log(`discord ${how}: ${standin.nonceReplays} re-sends answered with the first post (nonce)`);
      } finally {
        await proxy.close();
        await standin.close();
      }
    },
  );
});
