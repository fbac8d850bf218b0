// SIGTERM while Slack is gone, in Socket Mode and in HTTP mode: `govwatch start` talks to the
// Slack stand-in through a TCP proxy (Web API and the Socket Mode socket), sending a digest
// to every channel; the proxy then goes silent or closed and the process gets SIGTERM. In
// HTTP mode a client also holds a request to the bot's receiver open, never finishing it.
// The process must exit within the deadline, and the next start must post every channel's
// digest exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin/index.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
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

const CHANNELS = 5;
const DEADLINE_MS = 10_000;
const channelIds = Array.from({ length: CHANNELS }, (_, k) => `CSHUT${String(k).padStart(4, '0')}`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-shutdown-slack-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM with Slack unreachable', () => {
  it.each([
    ['socket', 'silent'],
    ['socket', 'closed'],
    ['http', 'silent'],
    ['http', 'closed'],
  ] as const)(
    '%s mode, Slack %s: exits within the deadline; the next start posts every digest once',
    { timeout: 90_000 },
    async (mode, how) => {
      const proxy = await startTcpProxy();
      const standin: SlackStandin = await startSlackStandin({ publicPort: proxy.port });
      for (const [k, id] of channelIds.entries())
        standin.addChannel({ id, name: `c${k}`, botIsMember: true });
      proxy.targetPort = Number(new URL(standin.url).port);
      const db = join(dir, `${mode}-${how}.db`);
      const seed = openSqliteStore(db, { now: TWO_HOURS_AGO });
      const targets: Target[] = channelIds.map((channelId) => ({
        platform: 'slack',
        workspaceId: standin.teamId,
        kind: 'channel',
        channelId,
      }));
      // Enough stories that a digest takes several messages, paced per channel: sends are
      // still going when Slack goes away.
      await seedDueDigests(seed, targets, 60);
      await seed.close();
      const env = {
        SLACK_BOT_TOKEN: standin.botToken,
        SLACK_API_URL: `http://127.0.0.1:${proxy.port}/api/`,
        ...(mode === 'socket'
          ? { SLACK_APP_TOKEN: standin.appToken }
          : { SLACK_SIGNING_SECRET: standin.signingSecret, SLACK_PORT: '0' }),
        GOVWATCH_DB: db,
        GOVWATCH_SOURCES: emptySources(dir),
        GOVWATCH_DIGEST_CRON: '0 * * * *',
      };
      const posted = (): number => channelIds.filter((id) => standin.messagesIn(id).length).length;
      let hanging: Socket | null = null;
      try {
        const first = startBotProcess(env);
        const connected = await first.waitForLog('slack connected', 30_000);
        await until('a first digest message', () => posted() > 0, 30_000);
        if (mode === 'http') {
          // A request to the bot's receiver that never finishes (headers only, body owed).
          const port = Number(connected.port);
          hanging = connect(port, '127.0.0.1');
          hanging.on('error', () => undefined);
          await new Promise<void>((resolve) => hanging!.once('connect', () => resolve()));
          hanging.write(
            'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
          );
        }
        if (how === 'silent') proxy.silent();
        else await proxy.closed();
        const messagesBefore = standin.posted.length;
        const { code, tookMs } = await sigterm(first, DEADLINE_MS + 5_000);
        expect(tookMs).toBeLessThan(DEADLINE_MS);
        expect(code).toBe(0);
        const check = openSqliteStore(db);
        const counts = await outboxCounts(check);
        await check.close();
        console.log(
          `slack ${mode} ${how}: exited ${code} ${tookMs} ms after SIGTERM; ${messagesBefore} messages ` +
            `posted before; outbox then ${JSON.stringify(counts)}`,
        );

        await proxy.resume();
        await expectNextStartPostsEachOnce({
          label: `slack ${mode} ${how}`,
          env,
          channels: CHANNELS,
          openStore: () => openSqliteStore(db),
          idsIn: (id) => standin.messagesIn(id).map((m) => m.ts),
          deadlineMs: DEADLINE_MS,
        });
      } finally {
        hanging?.destroy();
        await proxy.close();
        await standin.stop();
      }
    },
  );
});
