// The bot answers while it polls: during a first poll of 500 feeds (one local HTTP server,
// 500 feed paths on 500 loopback host names, so the per-host limit does not serialise
// them), a slash command on the Discord stand-in and one on the Slack stand-in are
// acknowledged within 1 s, before the poll ends. The event-loop delay measured over the
// poll (perf_hooks) bounds how long any command could have waited: its maximum must stay
// well under the platforms' 3 s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { startBot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import type { DiscordStandin } from '../support/discord-standin/index.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';
import type { SlackStandin } from '../support/slack-standin/index.ts';
import { startSlackStandin } from '../support/slack-standin/index.ts';

const FEEDS = 500;
const ITEMS = 5;
/** Each answer's delay: the pass lasts at least 500 ÷ 16 × 50 ms ≈ 1.6 s. */
const LATENCY_MS = 50;
const SLACK_CHANNEL = 'CPOLL00001';

const WORDS =
  'regulator court ruling data protection privacy surveillance censorship internet shutdown election ' +
  'platform moderation encryption telecom spectrum broadband standard protocol ministry parliament ' +
  'journalists blocked messenger VPN licence draft consultation treaty cybercrime biometric';
const VOCAB = WORDS.split(' ');

function feedXml(k: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const w = (j: number) => VOCAB[(k * 13 + i * 7 + j * 5) % VOCAB.length];
    const title = `${w(1)} ${w(2)} ${w(3)} in Country${k} ${w(4)} ${i}`;
    const summary = `${w(5)} ${w(6)} ${w(7)} ${w(8)} ${w(9)} ${w(10)} Agency${k % 37} ${w(11)}`;
    return (
      `<item><title>${title}</title><link>http://news.test/${k}/${i}</link>` +
      `<guid isPermaLink="false">f${k}-${i}</guid><pubDate>${new Date().toUTCString()}</pubDate>` +
      `<description>${summary}</description></item>`
    );
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${k}</title><link>http://news.test/</link>${items}</channel></rss>`;
}

let dir: string;
let server: Server;
let discord: DiscordStandin;
let slack: SlackStandin;
let bot: Bot;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-e2e-poll-'));
  const bodies = Array.from({ length: FEEDS }, (_, k) => feedXml(k));
  server = createServer((req, res) => {
    const k = Number(/^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? -1);
    setTimeout(() => {
      if (k >= 0 && k < FEEDS) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(bodies[k]);
      else res.writeHead(404).end();
    }, LATENCY_MS);
  });
  // All loopback addresses: each feed has a host of its own (127.0.x.y).
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const port = (server.address() as AddressInfo).port;
  const lines = ['sources:'];
  for (let k = 0; k < FEEDS; k++) {
    const host = `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
    lines.push(
      `  - id: feed-${k}`,
      `    name: Feed ${k}`,
      `    url: http://${host}:${port}/feed/${k}.xml`,
      '    kind: rights',
      '    language: en',
    );
  }
  const sourcesPath = join(dir, 'sources.yaml');
  writeFileSync(sourcesPath, `${lines.join('\n')}\n`);
  discord = await startDiscordStandin();
  slack = (await startSlackStandin())
    .addUser({ id: 'UADMIN0001', name: 'ada', isAdmin: true })
    .addChannel({ id: SLACK_CHANNEL, name: 'policy', botIsMember: true });
  const config = loadConfig({
    DISCORD_TOKEN: discord.token,
    DISCORD_APP_ID: discord.appId,
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    GOVWATCH_DB: join(dir, 'govwatch.db'),
    GOVWATCH_TRACKERS: 'off',
    GOVWATCH_SOURCES: sourcesPath,
  });
  bot = await startBot(config, silentLogger(), { autoStart: false });
  await discord.waitForReady();
  await slack.waitForSocket();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await slack?.stop();
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve());
  });
  rmSync(dir, { recursive: true, force: true });
});

describe('commands during a 500-feed first poll', () => {
  it('are acknowledged within 1 s on Discord and Slack, and the event loop never stalls for long', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let pollDone = false;
    const poll = bot.scheduler.runPoll().finally(() => (pollDone = true));
    // Well into the pass (feeds parsed, tagged, stored and clustered meanwhile).
    await new Promise((r) => setTimeout(r, 400));
    const discordAck = (async () => {
      const rec = await discord.command('subscriptions');
      await discord.waitForAnswer(rec, 10_000);
      return { ms: rec.callback!.at - rec.dispatchedAt, duringPoll: !pollDone };
    })();
    const slackAck = (async () => {
      const t0 = Date.now();
      await slack.slashCommand({
        command: '/govwatch-subscriptions',
        text: '',
        userId: 'UADMIN0001',
        channelId: SLACK_CHANNEL,
      });
      return { ms: Date.now() - t0, duringPoll: !pollDone };
    })();
    const [d, s] = await Promise.all([discordAck, slackAck]);
    expect(await poll).toBe('ran');
    delay.disable();
    const maxMs = delay.max / 1e6;
    console.log(
      `acknowledged during the poll: Discord ${d.ms} ms, Slack ${s.ms} ms; event loop p99 ${(
        delay.percentile(99) / 1e6
      ).toFixed(0)} ms, max ${maxMs.toFixed(0)} ms`,
    );
    expect(await bot.store.countItems()).toBe(FEEDS * ITEMS);
    expect(d.duringPoll && s.duringPoll).toBe(true);
    expect(d.ms).toBeLessThan(1_000);
    expect(s.ms).toBeLessThan(1_000);
    expect(maxMs).toBeLessThan(1_000);
  }, 120_000);
});
