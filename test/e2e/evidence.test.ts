// Evidence beside the story, end to end on Discord and Slack at once: with GOVWATCH_EVIDENCE=on
// and the evidence APIs pointed at a local stand-in, a shutdown story about Iraq is alerted on
// both platforms with one inert evidence line, the sources are asked once for both, and
// /evidence and /country answer on both platforms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.ts';
import type { Bot } from '../../src/app.ts';
import { startBot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import {
  startEvidenceStandin,
  type EvidenceFixture,
  type EvidenceStandin,
} from '../../src/demo/evidence-server.ts';
import { addDays, dayOf, daysBetween } from '../../src/evidence/days.ts';
import { silentLogger } from '../../src/log.ts';
import { registerCommands } from '../../src/platforms/discord/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { DiscordStandin } from '../support/discord-standin/index.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';
import type { ResponseRecord, SlackStandin } from '../support/slack-standin/index.ts';
import { analyzeMrkdwn, mrkdwnTexts, startSlackStandin } from '../support/slack-standin/index.ts';
import { textOf, visibleText } from '../platforms/discord/helpers.ts';
import type { FeedWorld } from './support.ts';
import { BASE_ITEMS, TestClock, newItem, pollOnce, startFeedWorld } from './support.ts';

const SLACK_CHANNEL = 'CEVID00001';
const TITLE = 'Iraq: internet shutdown ordered during exams';
const STRING = 3;

let dir: string;
let world: FeedWorld;
let discord: DiscordStandin;
let slack: SlackStandin;
let evidence: EvidenceStandin;
let bot: Bot;
const clock = new TestClock();

/** Iraq around today: 100 web measurements a day, 5% anomalous, 40% for the last three days. */
function fixtureAroundToday(): EvidenceFixture {
  const today = dayOf(new Date());
  const iq: NonNullable<EvidenceFixture['ooni']>[string] = {};
  for (const day of daysBetween(addDays(today, -40), today)) {
    const a = day >= addDays(today, -2) ? 40 : 5;
    iq[day] = {
      web_connectivity: {
        measurement_count: 100,
        anomaly_count: a,
        confirmed_count: 0,
        failure_count: 0,
        ok_count: 100 - a,
      },
    };
  }
  const start = Date.parse(`${addDays(today, -1)}T03:00:00Z`) / 1000;
  return {
    ooni: { IQ: iq },
    ioda: { events: { IQ: [{ start, duration: 7200, datasource: 'ping-slash24', score: 50 }] } },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-e2e-evidence-'));
  world = await startFeedWorld(dir);
  evidence = await startEvidenceStandin(fixtureAroundToday());
  discord = await startDiscordStandin();
  slack = (await startSlackStandin())
    .addUser({ id: 'UMEMBER001', name: 'bo', isAdmin: false })
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
    GOVWATCH_EVIDENCE: 'on',
    GOVWATCH_OONI_API_URL: evidence.baseUrl,
    GOVWATCH_IODA_API_URL: evidence.baseUrl,
    GOVWATCH_RADAR_API_URL: evidence.baseUrl,
  });
  const setup = await openStore(config);
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
      filter: { themes: ['shutdowns'], regions: [], sources: [], keywords: [] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: 'operator',
    });
  }
  await setup.close();
  await registerCommands({
    token: discord.token,
    appId: discord.appId,
    apiUrl: discord.apiUrl,
    commands: allCommands,
  });
  bot = await startBot(config, silentLogger(), { now: clock.now, autoStart: false });
  await discord.waitForReady();
  await slack.waitForSocket();
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await slack?.stop();
  await evidence?.close();
  await world?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function slash(command: string, text: string): Promise<string> {
  const { responseUrlId } = await slack.slashCommand({
    command,
    text,
    userId: 'UMEMBER001',
    channelId: SLACK_CHANNEL,
  });
  const [answer]: ResponseRecord[] = slack.responsesFor(responseUrlId).length
    ? slack.responsesFor(responseUrlId)
    : await slack.waitForResponses(responseUrlId, 1, 15_000);
  return [
    answer!.body.text ?? '',
    ...mrkdwnTexts(answer!.body.blocks).map((t) => analyzeMrkdwn(t).visible),
  ].join('\n');
}

describe('evidence under a shutdown story, on Discord and Slack', () => {
  let itemId = 0;

  it('the alert carries one inert evidence line on each platform; the sources are asked once', async () => {
    await pollOnce(bot, clock); // the backlog: no alerts, no evidence (not shutdown stories about a country)
    world.publish([newItem('ev1', TITLE), ...BASE_ITEMS]);
    await pollOnce(bot, clock);
    await bot.evidence!.idle();
    const [item] = await bot.store.listItems({ regions: ['IQ'] });
    expect(item).toMatchObject({ title: TITLE, themes: expect.arrayContaining(['shutdowns']) });
    itemId = item!.id;

    const channel = discord.guilds[0]!.channels[0]!.id;
    const onDiscord = discord.messages.get(channel) ?? [];
    expect(onDiscord).toHaveLength(1);
    const dText = visibleText(onDiscord[0]!);
    expect(dText).toContain(TITLE);
    expect(dText).toMatch(
      /evidence: \[OONI\]\(<https:\/\/explorer\.ooni\.org\/chart\/mat\?probe_cc=IQ[^>]*>\): 40% of web tests anomalous in IQ on .*×8 the month's median · \[IODA\]\(<[^>]+>\): 1 outage event/,
    );
    expect(JSON.stringify(onDiscord[0])).toContain('https://explorer.ooni.org/chart/mat?probe_cc=IQ');

    const onSlack = slack.messagesIn(SLACK_CHANNEL);
    expect(onSlack).toHaveLength(1);
    const texts = mrkdwnTexts(onSlack[0]!.blocks);
    const analysed = texts.map((t) => analyzeMrkdwn(t));
    expect(analysed.map((a) => a.visible).join('\n')).toMatch(
      /Evidence: OONI: 40% of web tests anomalous in IQ on .* · IODA: 1 outage event/,
    );
    expect(analysed.flatMap((a) => a.mentions)).toEqual([]);
    expect(analysed.flatMap((a) => a.links)).toContainEqual({
      url: expect.stringMatching(/^https:\/\/explorer\.ooni\.org\/chart\/mat\?probe_cc=IQ&/),
      label: 'OONI',
    });

    // OONI window, baseline and circumvention; IODA events and signals: once for both platforms.
    expect(evidence.requests).toHaveLength(5);
  });

  it('/evidence answers on both platforms', async () => {
    const d = await discord.waitForAnswer(
      await discord.command('evidence', [{ name: 'item', type: STRING, value: String(itemId) }]),
      15_000,
    );
    expect(textOf(d)).toContain('40% of web tests anomalous in IQ');
    expect(await slash('/govwatch-evidence', String(itemId))).toContain('1 outage event in IQ');
    expect(evidence.requests).toHaveLength(5);
  });

  it('/country shows the 7- and 30-day figures and the recent stories on both platforms', async () => {
    const d = await discord.waitForAnswer(
      await discord.command('country', [{ name: 'code', type: STRING, value: 'iq' }]),
      15_000,
    );
    const dText = textOf(d);
    expect(dText).toContain('Country card: IQ');
    expect(dText).toContain('Last 7 days');
    expect(dText).toContain('Last 30 days');
    expect(dText).toContain(TITLE);
    const sText = await slash('/govwatch-country', 'IQ');
    expect(sText).toContain('Last 30 days');
    expect(sText).toContain(TITLE);
    expect(sText).toMatch(/of web tests anomalous in IQ/);
  });
});
