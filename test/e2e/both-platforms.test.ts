// One bot serving Discord and Slack at once on one archive: a single poll sends the alert of a
// new item to the subscribed channel on each platform, once, and commands answer on both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { startBot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/index.ts';
import type { DiscordStandin } from '../support/discord-standin/index.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';
import type { SlackStandin } from '../support/slack-standin/index.ts';
import { analyzeMrkdwn, mrkdwnTexts, startSlackStandin } from '../support/slack-standin/index.ts';
import { visibleText } from '../platforms/discord/helpers.ts';
import type { FeedWorld } from './support.ts';
import { BASE_ITEMS, TestClock, newItem, pollOnce, startFeedWorld } from './support.ts';

const SLACK_CHANNEL = 'CBOTH00001';
const TITLE = 'Nationwide internet shutdown ordered during exams';

let dir: string;
let world: FeedWorld;
let discord: DiscordStandin;
let slack: SlackStandin;
let bot: Bot;
const clock = new TestClock();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-e2e-both-'));
  world = await startFeedWorld(dir);
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
    GOVWATCH_SOURCES: world.sourcesPath,
  });
  // The operator subscribed one channel on each platform before starting.
  const setup = await openStore(config);
  const filter = { themes: ['shutdowns' as const], regions: [], sources: [], keywords: [] };
  const guild = discord.guilds[0]!;
  for (const target of [
    {
      platform: 'discord' as const,
      channelId: guild.channels[0]!.id,
      workspaceId: guild.id,
      kind: 'channel' as const,
    },
    {
      platform: 'slack' as const,
      channelId: SLACK_CHANNEL,
      workspaceId: slack.teamId,
      kind: 'channel' as const,
    },
  ]) {
    await setup.addSubscription({
      target,
      filter,
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'operator',
    });
  }
  await setup.close();
  bot = await startBot(config, silentLogger(), { now: clock.now, autoStart: false });
  await discord.waitForReady();
  await slack.waitForSocket();
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await slack?.stop();
  await world?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('one bot on Discord and Slack', () => {
  it('a new item is alerted once on each platform after one poll', async () => {
    expect(bot.platforms).toEqual(expect.arrayContaining(['discord', 'slack']));
    await pollOnce(bot, clock); // the backlog: no alerts
    world.publish([newItem('both1', TITLE), ...BASE_ITEMS]);
    await pollOnce(bot, clock);
    await pollOnce(bot, clock);
    const channel = discord.guilds[0]!.channels[0]!.id;
    const onDiscord = (discord.messages.get(channel) ?? []).map(visibleText);
    const onSlack = slack.messagesIn(SLACK_CHANNEL).map((m) =>
      mrkdwnTexts(m.blocks)
        .map((t) => analyzeMrkdwn(t).visible)
        .join('\n'),
    );
    expect(onDiscord).toEqual([expect.stringContaining(TITLE)]);
    expect(onSlack).toEqual([expect.stringContaining(TITLE)]);
  });

  it('commands answer on both platforms from the same archive', async () => {
    const d = await discord.waitForAnswer(await discord.command('subscriptions'), 8_000);
    expect(visibleText(d.original!)).toContain('shutdowns');
    const { responseUrlId } = await slack.slashCommand({
      command: '/govwatch-subscriptions',
      text: '',
      userId: 'UADMIN0001',
      channelId: SLACK_CHANNEL,
    });
    const [answer] = slack.responsesFor(responseUrlId).length
      ? slack.responsesFor(responseUrlId)
      : await slack.waitForResponses(responseUrlId, 1, 8_000);
    expect(mrkdwnTexts(answer!.body.blocks).join('\n')).toContain('shutdowns');
  });
});
