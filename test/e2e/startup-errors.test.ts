// startBot against platforms that refuse its credentials: it fails at once with an error that
// names the setting, leaves no background work behind (no more requests to the platform) and
// raises no unhandled rejection (vitest fails the run on one). Before the fix, a bad Slack bot
// token in Socket Mode started the bot anyway, with Bolt's auth.test rejecting unhandled.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import type { DiscordStandin } from '../support/discord-standin/index.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';
import type { SlackStandin } from '../support/slack-standin/index.ts';
import { startSlackStandin } from '../support/slack-standin/index.ts';
import { until } from './support.ts';

let dir: string;
let discord: DiscordStandin;
let slack: SlackStandin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-e2e-startup-'));
  writeFileSync(join(dir, 'sources.yaml'), 'sources:\n');
  discord = await startDiscordStandin();
  slack = await startSlackStandin();
});
afterAll(async () => {
  await discord?.close();
  await slack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const requestsSeen = (): number => discord.requests.length + slack.calls.length;

describe('startBot with credentials the platform refuses', () => {
  it.each([
    [
      'a wrong Discord token',
      () => ({ DISCORD_TOKEN: 'wrong', DISCORD_APP_ID: discord.appId, DISCORD_API_URL: discord.apiUrl }),
      /token/i,
    ],
    [
      'a Discord API address nothing answers at',
      () => ({
        DISCORD_TOKEN: discord.token,
        DISCORD_APP_ID: discord.appId,
        DISCORD_API_URL: 'http://127.0.0.1:1/api',
      }),
      /^cannot reach Discord at http:\/\/127\.0\.0\.1:1\/api \(DISCORD_API_URL\): connect ECONNREFUSED/,
    ],
    [
      'a wrong Slack bot token (Socket Mode)',
      () => ({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl }),
      /SLACK_BOT_TOKEN \(invalid_auth\)/,
    ],
    [
      'a wrong Slack bot token (HTTP mode)',
      () => ({
        SLACK_BOT_TOKEN: 'xoxb-wrong',
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_PORT: '0',
        SLACK_API_URL: slack.apiUrl,
      }),
      /SLACK_BOT_TOKEN \(invalid_auth\)/,
    ],
    [
      'a wrong Slack app token',
      () => ({ SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: 'xapp-wrong', SLACK_API_URL: slack.apiUrl }),
      /invalid_auth/,
    ],
  ])('%s: startBot fails with a clear error and leaves nothing running', async (what, env, message) => {
    const config = loadConfig({
      ...env(),
      GOVWATCH_DB: join(dir, `${what.replace(/\W+/g, '-')}.db`),
      GOVWATCH_SOURCES: join(dir, 'sources.yaml'),
      GOVWATCH_TRACKERS: 'off',
    });
    await expect(startBot(config, silentLogger(), { slackHost: '127.0.0.1' })).rejects.toThrow(message);
    const seen = requestsSeen();
    await new Promise((r) => setTimeout(r, 300));
    expect(requestsSeen()).toBe(seen);
  });

  it('after a failed Discord login, the corrected bot (a new process) answers commands at once', async () => {
    const db = join(dir, 'discord-retry.db');
    const base = {
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_APP_ID: discord.appId,
      GOVWATCH_DB: db,
      GOVWATCH_SOURCES: join(dir, 'sources.yaml'),
      GOVWATCH_TRACKERS: 'off',
    };
    const wrong = loadConfig({ ...base, DISCORD_TOKEN: 'wrong', GOVWATCH_REPLICA_ID: 'first-try' });
    await expect(startBot(wrong, silentLogger())).rejects.toThrow(/token/i);
    const right = loadConfig({ ...base, DISCORD_TOKEN: discord.token, GOVWATCH_REPLICA_ID: 'second-try' });
    const identified = discord.identified;
    const bot = await startBot(right, silentLogger(), { autoStart: false });
    try {
      // The failed process must not keep holding the gateway lease (15 s) it took before logging in.
      await until('the corrected bot on the gateway', () => discord.identified > identified, 2_000);
      const rec = await discord.waitForAnswer(await discord.command('themes'), 5_000);
      expect(rec.callback).not.toBeNull();
    } finally {
      await bot.stop();
    }
  });
});
