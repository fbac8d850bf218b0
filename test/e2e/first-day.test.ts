// A guild's or workspace's first day, black-box, as its users do it: an admin adds a feed by
// its web page, the bot polls it for the first time (no GOVWATCH_NEW_ON_FIRST_POLL: the
// default), the channel subscribes with a keyword left out, `/digest preview` shows what
// `/digest now` then posts (the same rendering), and the digest holds the feed's recent
// items. Then the feed breaks: the channel that added it is told once, and once when it
// works again. On Discord and on Slack, each through its real SDK and a stand-in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.ts';
import { startBot, type Bot } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { registerCommands } from '../../src/platforms/discord/index.ts';
import { startDiscordStandin, MEMBER_PERMISSIONS, PERMISSIONS } from '../support/discord-standin/index.ts';
import type {
  CommandOptionInput,
  DiscordStandin,
  InteractionRecord,
  StoredMessage,
} from '../support/discord-standin/index.ts';
import { startFeedServer, rssRoute, type FeedServer } from '../support/feed-server.ts';
import { pngDimensions } from '../support/multipart.ts';
import { analyzeMrkdwn, mrkdwnTexts, startSlackStandin } from '../support/slack-standin/index.ts';
import type { SlackStandin } from '../support/slack-standin/index.ts';
import { visibleText } from '../platforms/discord/helpers.ts';
import { TestClock, deliverAll } from './support.ts';

const HOUR = 3_600_000;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
const PAGE = '/lagoon/';
const FEED = '/lagoon/feed.xml';

const SHUTDOWN = 'Authorities order internet shutdown in the delta region';
const VPN = 'Regulator blocks VPN apps and independent news sites';
const FOOTBALL = 'Football fans protest the internet shutdown outside the stadium';
const OLD = 'Report looks back at an internet shutdown in the north';

async function startWorld(): Promise<FeedServer> {
  const server = await startFeedServer({
    [PAGE]: {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body:
        '<!doctype html><html><head><title>Lagoon Rights Monitor</title>' +
        `<link rel="alternate" type="application/rss+xml" title="News" href="${FEED}">` +
        '</head><body>Lagoon Rights Monitor</body></html>',
    },
  });
  server.set(
    FEED,
    rssRoute('Lagoon Rights Monitor', [
      {
        guid: 'l1',
        title: SHUTDOWN,
        link: 'https://lagoon.example/1',
        description: 'Mobile data and fixed broadband were cut across the region for the second day.',
        date: ago(2 * HOUR),
      },
      {
        guid: 'l3',
        title: FOOTBALL,
        link: 'https://lagoon.example/3',
        description: 'Supporters of the club said the network cut kept them from buying tickets.',
        date: ago(3 * HOUR),
      },
      {
        guid: 'l2',
        title: VPN,
        link: 'https://lagoon.example/2',
        description: 'The regulator ordered providers to block circumvention tools and three news websites.',
        date: ago(5 * HOUR),
      },
      {
        guid: 'l4',
        title: OLD,
        link: 'https://lagoon.example/4',
        description: 'The network was cut for a week, the report says.',
        date: ago(10 * 24 * HOUR),
      },
    ]),
  );
  return server;
}

/** The bot's settings for a first day: no operator feeds, chat may add a 127.0.0.1 feed. */
function firstDayEnv(dir: string): Record<string, string> {
  const sources = join(dir, 'sources.yaml');
  writeFileSync(sources, 'sources: []\n');
  return {
    GOVWATCH_DB: join(dir, 'govwatch.db'),
    GOVWATCH_SOURCES: sources,
    GOVWATCH_TRACKERS: 'off',
    GOVWATCH_ALLOW_PRIVATE_URLS: '1',
    GOVWATCH_FEED_FAILURE_NOTICE_AFTER: '2',
  };
}

/** One heartbeat poll with the clock at the feed's next check, then the outbox drained. */
async function pollWhenDue(bot: Bot, clock: TestClock, feedId: string): Promise<void> {
  const feed = await bot.store.getFeed(feedId);
  if (feed?.state.nextCheckAt) clock.moveTo(Date.parse(feed.state.nextCheckAt) + 1_000);
  expect(await bot.scheduler.runPoll()).toBe('ran');
  await deliverAll(bot);
}

/** What each platform test supplies; the day itself is the same on both. */
interface Platform {
  bot: Bot;
  clock: TestClock;
  server: FeedServer;
  /** Run a command as the channel's admin; the text the admin sees. */
  admin(command: string, args: string): Promise<string>;
  /** The preview's rendered content and the posted digest's, each without its title. */
  previewAndPosted(): Promise<{ preview: unknown; posted: unknown }>;
  /** Texts of what the bot posted in the channel (not command answers). */
  postedTexts(): string[];
  /** `/trends period:7d` by the admin: the PNG that reached the channel. */
  trendsChart(): Promise<Buffer>;
}

function firstDay(p: () => Platform): void {
  let feedId = '';

  it('an admin adds a feed by its web page; the first poll archives it', async () => {
    const { admin, bot, clock } = p();
    const added = await admin('feeds', 'add');
    const id = /Added ([a-z0-9-]+): Lagoon Rights Monitor/.exec(added)?.[1];
    expect(id, added).toBeTruthy();
    feedId = id!;
    expect((await bot.store.getFeed(feedId))?.origin).toBe('chat');
    await pollWhenDue(bot, clock, feedId);
    expect(await bot.store.countItems()).toBe(4);
  });

  it('the channel subscribes with an excluded keyword; the preview is what /digest now posts', async () => {
    const { admin, previewAndPosted, postedTexts } = p();
    const made = await admin('subscribe', '');
    expect(made).toMatch(/keywords "internet shutdown", "vpn"; excluding "football"/);
    const now = await admin('digest', 'now');
    // Its first digest covers its period (a day): the backlog's recent items, not the old one.
    expect(now).toMatch(/Posting the digest \(2 stories\) here now/);
    const text = postedTexts().join('\n');
    expect(text).toContain(SHUTDOWN);
    expect(text).toContain(VPN);
    expect(text).not.toContain(FOOTBALL);
    expect(text).not.toContain(OLD);
    const { preview, posted } = await previewAndPosted();
    expect(preview).toEqual(posted);
  });

  it('/trends puts a chart of the week in the channel', async () => {
    const png = await p().trendsChart();
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const size = pngDimensions(png)!;
    expect(size.width).toBeGreaterThanOrEqual(1200);
    expect(size.height).toBeGreaterThanOrEqual(600);
  });

  it('a feed added from chat that keeps failing tells its channel once, and once when it is back', async () => {
    const { bot, clock, server, postedTexts } = p();
    const before = postedTexts().length;
    const route = rssRoute('Lagoon Rights Monitor', []);
    server.set(FEED, { status: 500, body: 'upstream down' });
    await pollWhenDue(bot, clock, feedId);
    expect(postedTexts()).toHaveLength(before); // one failure is not news
    await pollWhenDue(bot, clock, feedId);
    await pollWhenDue(bot, clock, feedId);
    const notices = postedTexts().slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`The feed ${feedId} (Lagoon Rights Monitor) has failed 2 times in a row`);
    expect(notices[0]).toMatch(/500/);

    server.set(FEED, route);
    await pollWhenDue(bot, clock, feedId);
    await pollWhenDue(bot, clock, feedId);
    const after = postedTexts().slice(before);
    expect(after).toHaveLength(2);
    expect(after[1]).toContain(`The feed ${feedId} (Lagoon Rights Monitor) works again`);
  });
}

describe('first day on Discord', () => {
  const GUILD = '200000000000000077';
  const NEWS = '300000000000000077';
  const ADMIN = {
    userId: '500000000000000077',
    userName: 'ada',
    permissions: MEMBER_PERMISSIONS | PERMISSIONS.MANAGE_GUILD,
    channelId: NEWS,
  };
  let dir: string;
  let server: FeedServer;
  let standin: DiscordStandin;
  let bot: Bot;
  let clock: TestClock;
  let lastPreview: InteractionRecord | null = null;

  const sub = (name: string, options: CommandOptionInput[] = []): CommandOptionInput =>
    ({ name, type: 1, options }) as unknown as CommandOptionInput;
  const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
  const answerText = (rec: InteractionRecord): string =>
    [rec.original, ...rec.followups]
      .filter((m): m is StoredMessage => m !== null)
      .map(visibleText)
      .join('\n');
  const channelPosts = (): StoredMessage[] =>
    (standin.messages.get(NEWS) ?? []).filter((m) => !m.interaction_id && !m.webhook_id);
  /** A message's embeds and its content after the title line. */
  const body = (messages: StoredMessage[]): unknown =>
    messages.map((m) => ({ content: m.content.split('\n').slice(1).join('\n'), embeds: m.embeds }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-first-day-discord-'));
    server = await startWorld();
    standin = await startDiscordStandin({
      guilds: [{ id: GUILD, name: 'Lagoon Desk', channels: [{ id: NEWS, name: 'news' }] }],
    });
    const config = loadConfig({
      DISCORD_TOKEN: standin.token,
      DISCORD_APP_ID: standin.appId,
      DISCORD_API_URL: standin.apiUrl,
      ...firstDayEnv(dir),
    });
    await registerCommands({
      token: standin.token,
      appId: standin.appId,
      apiUrl: standin.apiUrl,
      commands: allCommands,
    });
    clock = new TestClock();
    bot = await startBot(config, silentLogger(), { now: clock.now, autoStart: false });
    await standin.waitForReady();
  }, 30_000);

  afterAll(async () => {
    await bot?.stop();
    await standin?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (name: string, options: CommandOptionInput[]): Promise<InteractionRecord> =>
    standin.waitForAnswer(await standin.command(name, options, ADMIN), 8_000);

  firstDay(() => ({
    bot,
    clock,
    server,
    async admin(command) {
      const options: Record<string, CommandOptionInput[]> = {
        feeds: [sub('add', [str('url', server.url(PAGE))])],
        subscribe: [str('keywords', '"internet shutdown", vpn, -football')],
        digest: [sub('now')],
      };
      if (command === 'digest') lastPreview = await run('digest', [sub('preview')]);
      const rec = await run(command, options[command]!);
      if (command === 'digest') await deliverAll(bot);
      return answerText(rec);
    },
    async previewAndPosted() {
      const rec = lastPreview!;
      const preview = [rec.original, ...rec.followups].filter((m): m is StoredMessage => m !== null);
      expect(preview[0]!.flags & 64).toBe(64); // ephemeral
      expect(preview[0]!.content).toMatch(/^\*\*Preview: govwatch digest, /);
      return { preview: body(preview), posted: body(channelPosts()) };
    },
    postedTexts: () => channelPosts().map(visibleText),
    async trendsChart() {
      const rec = await run('trends', [str('period', '7d')]);
      const file = rec.original?.attachments[0];
      expect(file?.filename).toBe('trends.png');
      expect(rec.original!.flags & 64).toBe(0); // in the channel, for everyone
      return file!.data;
    },
  }));
});

describe('first day on Slack', () => {
  const ADMIN = 'UADMIN0077';
  const NEWS = 'CNEWS00077';
  let dir: string;
  let server: FeedServer;
  let standin: SlackStandin;
  let bot: Bot;
  let clock: TestClock;
  let lastPreview: unknown[] = [];

  const texts = (blocks: unknown): string =>
    mrkdwnTexts(blocks as never)
      .map((t) => analyzeMrkdwn(t).visible)
      .join('\n');
  /** Blocks after the title section. */
  const body = (blocks: unknown[][]): unknown => blocks.map((b, i) => (i === 0 ? b.slice(1) : b));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-first-day-slack-'));
    server = await startWorld();
    standin = (await startSlackStandin())
      .addUser({ id: ADMIN, name: 'ada', isAdmin: true })
      .addChannel({ id: NEWS, name: 'news', botIsMember: true });
    const config = loadConfig({
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_API_URL: standin.apiUrl,
      SLACK_APP_TOKEN: standin.appToken,
      ...firstDayEnv(dir),
    });
    clock = new TestClock();
    bot = await startBot(config, silentLogger(), { now: clock.now, autoStart: false });
    await standin.waitForSocket();
  }, 30_000);

  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** All response_url posts of one command, once they stop coming. */
  async function run(command: string, text: string) {
    const { responseUrlId } = await standin.slashCommand({ command, text, userId: ADMIN, channelId: NEWS });
    await standin.waitForResponses(responseUrlId, 1, 8_000);
    await new Promise((r) => setTimeout(r, 200));
    return standin.responsesFor(responseUrlId);
  }

  firstDay(() => ({
    bot,
    clock,
    server,
    async admin(command) {
      const args: Record<string, string> = {
        feeds: `add url:${server.url(PAGE)}`,
        subscribe: `keywords:'"internet shutdown", vpn, -football'`,
        digest: 'now',
      };
      if (command === 'digest') {
        lastPreview = (await run('/govwatch-digest', 'preview')).map((r) => {
          expect(r.body.response_type ?? 'ephemeral').toBe('ephemeral');
          return r.body.blocks as unknown[];
        });
      }
      const answers = await run(`/govwatch-${command}`, args[command]!);
      if (command === 'digest') await deliverAll(bot);
      return answers.map((r) => [r.body.text ?? '', texts(r.body.blocks)].join('\n')).join('\n');
    },
    async previewAndPosted() {
      expect(texts(lastPreview[0])).toMatch(/^\*Preview: govwatch digest, /);
      const posted = standin.messagesIn(NEWS).map((m) => m.blocks as unknown[]);
      return { preview: body(lastPreview as unknown[][]), posted: body(posted) };
    },
    postedTexts: () => standin.messagesIn(NEWS).map((m) => texts(m.blocks)),
    async trendsChart() {
      const before = standin.files.length;
      await standin.slashCommand({
        command: '/govwatch-trends',
        text: 'period:7d',
        userId: ADMIN,
        channelId: NEWS,
      });
      const deadline = Date.now() + 10_000;
      while (standin.files.length === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const file = standin.files[before];
      expect(file?.channel).toBe(NEWS);
      return file!.data;
    },
  }));
});
