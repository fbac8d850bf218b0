// The whole bot on Discord: startBot (archive, poller, scheduler, outbox worker, discord.js)
// against the Discord stand-in and a local feed server, on a real SQLite file. Users run every
// command in the stand-in; alerts arrive within one poll; a scheduled digest arrives once and
// not again after a restart; hostile feed text reaches the channel inert. The scheduler runs
// on a test clock (startBot's `now`) and is driven directly (`autoStart: false`), so nothing
// waits for real cron minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.ts';
import type { Bot } from '../../src/app.ts';
import { startBot } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { THEME_IDS } from '../../src/model.ts';
import { registerCommands } from '../../src/platforms/discord/index.ts';
import type {
  CommandOptionInput,
  DiscordStandin,
  InteractOptions,
  StoredMessage,
} from '../support/discord-standin/index.ts';
import { MEMBER_PERMISSIONS, PERMISSIONS, startDiscordStandin } from '../support/discord-standin/index.ts';
import { activeMarkup, isEphemeral, textOf, visibleText } from '../platforms/discord/helpers.ts';
import type { FeedWorld } from './support.ts';
import {
  BASE_ITEMS,
  ENTRY_INTO_FORCE,
  EXTRA_PATH,
  FEED_ID,
  FEED_PATH,
  GUARDED_FEED_URLS,
  TestClock,
  deliverAll,
  expectFirstPollArchivesFeed,
  newItem,
  nextUtcHour,
  DIGEST_HOUR,
  DIGEST_TIME,
  pollOnce,
  publishHostileAndNews,
  publishTreaty,
  runLiveBotWithAlertSubscription,
  startFeedWorld,
  until,
  worldEnv,
} from './support.ts';

const STRING = 3;
const INTEGER = 4;
const SUBCOMMAND = 1;
const ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | PERMISSIONS.MANAGE_GUILD;
const GUILD = '200000000000000001';
const GENERAL = '300000000000000001';
const ALERTS = '300000000000000002';
const DIGESTS = '300000000000000003';
const TOKYO = '300000000000000004';
const TREATIES = '300000000000000005';
const ADMIN: InteractOptions = {
  userId: '500000000000000009',
  userName: 'ada',
  permissions: ADMIN_PERMISSIONS,
};
const MEMBER_ID = '500000000000000001';
/** The stand-in's id for the DM channel it opens with MEMBER_ID. */
const MEMBER_DM = '900000000000000001';
const HOSTILE = '@everyone <@&123> <!channel> **bold** [x](https://evil.example) internet shutdown ordered';

const sub = (name: string, options: CommandOptionInput[] = []): CommandOptionInput =>
  ({ name, type: SUBCOMMAND, options }) as unknown as CommandOptionInput;
const str = (name: string, value: string): CommandOptionInput => ({ name, type: STRING, value });

let dir: string;
let world: FeedWorld;
let standin: DiscordStandin;
let clock: TestClock;
let config: Config;
let bot: Bot;

function configFor(extra: Record<string, string> = {}): Config {
  return loadConfig({
    DISCORD_TOKEN: standin.token,
    DISCORD_APP_ID: standin.appId,
    DISCORD_API_URL: standin.apiUrl,
    ...worldEnv(dir, world, 'e2e-discord'),
    ...extra,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-e2e-discord-'));
  world = await startFeedWorld(dir);
  standin = await startDiscordStandin({
    guilds: [
      {
        id: GUILD,
        name: 'Rights Desk',
        channels: [
          { id: GENERAL, name: 'general' },
          { id: ALERTS, name: 'alerts' },
          { id: DIGESTS, name: 'digests' },
          { id: TOKYO, name: 'tokyo-desk' },
          { id: TREATIES, name: 'treaties' },
        ],
      },
    ],
  });
  clock = new TestClock();
  config = configFor();
  // The operator registers the commands once, then starts the bot.
  await registerCommands({
    token: standin.token,
    appId: standin.appId,
    apiUrl: standin.apiUrl,
    commands: allCommands,
  });
  bot = await startBot(config, silentLogger(), { now: clock.now, autoStart: false });
  await standin.waitForReady();
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
  await world?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(name: string, options: CommandOptionInput[] = [], who: InteractOptions = {}) {
  return standin.waitForAnswer(await standin.command(name, options, who), 8_000);
}
/** Messages the bot itself posted to a channel (not interaction replies). */
const posted = (channel: string): StoredMessage[] =>
  (standin.messages.get(channel) ?? []).filter((m) => !m.interaction_id && !m.webhook_id);

describe('govwatch on Discord, end to end', () => {
  it('the first poll archives the operator feed served on 127.0.0.1', async () => {
    await expectFirstPollArchivesFeed(bot, clock, 'discord');
  });

  it('/deadlines, /track and /tracked follow a treaty; its 40th ratification is posted once', async () => {
    const ahead = await run('deadlines', [str('within', '60d')], { channelId: TREATIES });
    expect(textOf(ahead)).toContain('World Test Assembly opens (scheduled)');
    const refused = await run('track', [str('what', 'cybercrime')], {
      userId: MEMBER_ID,
      channelId: TREATIES,
    });
    expect(textOf(refused)).toContain('needs an admin');
    const made = await run('track', [str('what', 'cybercrime')], { ...ADMIN, channelId: TREATIES });
    expect(textOf(made)).toContain('Tracking United Nations Convention against Cybercrime for this channel');
    await pollOnce(bot, clock);
    const listed = textOf(await run('tracked', [], { channelId: TREATIES }));
    expect(listed).toContain('72 signatories, 39 parties of 40 needed for entry into force');
    expect(posted(TREATIES)).toHaveLength(0);

    publishTreaty(world, 40);
    await pollOnce(bot, clock);
    expect(posted(TREATIES).map(visibleText)).toEqual([expect.stringContaining(ENTRY_INTO_FORCE)]);
    await pollOnce(bot, clock);
    expect(posted(TREATIES)).toHaveLength(1);
  });

  it('/themes lists the theme ids with descriptions', async () => {
    const rec = await run('themes');
    expect(isEphemeral(rec)).toBe(true);
    for (const id of THEME_IDS) expect(textOf(rec)).toMatch(new RegExp(`• ${id}: \\w`));
  });

  it('/search answers the caller only with the matching items', async () => {
    const rec = await run('search', [str('query', 'shutdown')]);
    expect(isEphemeral(rec)).toBe(true);
    const text = textOf(rec);
    expect(text).toContain('Government orders internet shutdown in the capital');
    expect(text).not.toContain('Encryption backdoor');
  });

  it('/why explains the tags of an item found by /search', async () => {
    const found = await run('search', [str('query', 'encryption')]);
    const footer = String(
      (found.original!.embeds.find((e) => String(e.title).includes('Encryption'))?.footer as { text: string })
        .text,
    );
    const id = /#(\d+)/.exec(footer)?.[1];
    expect(id).toBeDefined();
    const rec = await run('why', [str('item', id!)]);
    expect(isEphemeral(rec)).toBe(true);
    // The explanation can arrive a moment after the item (a follow-up); on a loaded machine
    // later than waitForAnswer's grace period, so wait for it rather than read once.
    await expect.poll(() => textOf(rec), { timeout: 5_000 }).toMatch(/encryption: "[^"]+"/);
  });

  it('/subscribe, /subscriptions and /unsubscribe for the caller', async () => {
    const made = await run('subscribe', [str('keywords', 'parliament'), str('scope', 'me')]);
    expect(textOf(made)).toContain('You are subscribed');
    const id = /\/unsubscribe id:(\d+)/.exec(textOf(made))?.[1];
    expect(id).toBeDefined();
    expect(textOf(await run('subscriptions'))).toContain('parliament');
    const removed = await run('unsubscribe', [{ name: 'id', type: INTEGER, value: Number(id) }]);
    expect(textOf(removed)).toMatch(/Removed/);
    expect(await bot.store.listSubscriptions()).toEqual([]);
  });

  it('/feeds list and status show the operator feed and its health', async () => {
    expect(textOf(await run('feeds', [sub('list')], ADMIN))).toMatch(
      /watch: Watch Feed \(rights, en, 3 items\) · active · last success \d{4}-\d\d-\d\d \d\d:\d\dZ · next check /,
    );
    expect(textOf(await run('feeds', [sub('status')], ADMIN))).toMatch(/Feeds: 1 ok, 0 failing/);
  });

  it('a non-admin is refused /feeds add with an ephemeral explanation', async () => {
    const rec = await run('feeds', [sub('add', [str('url', 'https://example.org/feed.xml')])]);
    expect(isEphemeral(rec)).toBe(true);
    expect(textOf(rec)).toMatch(/Only server admins/);
    expect((await bot.store.listFeeds()).map((f) => f.id)).toEqual([FEED_ID]);
  });

  it.each(GUARDED_FEED_URLS)('an admin adding %s is refused while the guard is on', async (_what, url) => {
    const rec = await run('feeds', [sub('add', [str('url', url(world))])], ADMIN);
    expect(isEphemeral(rec)).toBe(true);
    expect(textOf(rec)).toMatch(/loopback|private|not allowed/i);
    expect((await bot.store.listFeeds()).map((f) => f.id)).toEqual([FEED_ID]);
    expect(world.server.requestsFor(EXTRA_PATH)).toEqual([]);
  });

  it("/feeds remove of the operator's feed is refused with where to remove it", async () => {
    const rec = await run('feeds', [sub('remove', [str('id', FEED_ID)])], ADMIN);
    expect(textOf(rec)).toContain(`govwatch feeds remove ${FEED_ID}`);
    expect(await bot.store.getFeed(FEED_ID)).not.toBeNull();
  });

  it('/digest preview shows the caller the next digest; /digest now posts it in the channel', async () => {
    const preview = await run('digest', [sub('preview')]);
    expect(isEphemeral(preview)).toBe(true);
    expect(textOf(preview)).toContain('Encryption backdoor bill advances in parliament');
    expect(posted(GENERAL)).toEqual([]);

    const refused = await run('digest', [sub('now')]);
    expect(textOf(refused)).toMatch(/admin/i);
    const now = await run('digest', [sub('now')], ADMIN);
    expect(textOf(now)).toMatch(/Posting the digest \(3 stories\) here now/);
    expect(await deliverAll(bot)).toBe(1);
    const [digest, ...more] = posted(GENERAL);
    expect(more).toEqual([]);
    expect(visibleText(digest!)).toContain('Government orders internet shutdown in the capital');
    expect(digest!.allowed_mentions).toEqual({ parse: [] });
  });

  it('/digest schedule sets the digest time of a channel', async () => {
    const rec = await run(
      'digest',
      [sub('schedule', [str('frequency', 'daily'), str('time', DIGEST_TIME), str('timezone', 'UTC')])],
      { ...ADMIN, channelId: DIGESTS },
    );
    expect(textOf(rec)).toMatch(new RegExp(`Digest daily at ${DIGEST_TIME}.*UTC`));
    const subs = await bot.store.listSubscriptions({ mode: 'digest' });
    expect(subs.map((s) => [s.target.channelId, s.cron, s.timezone])).toEqual([
      [DIGESTS, `0 ${DIGEST_HOUR} * * *`, 'UTC'],
    ]);
  });

  it('an alert appears in the subscribed channel within one poll of a matching item, once', async () => {
    const made = await run(
      'subscribe',
      [str('themes', 'shutdowns'), str('mode', 'alert'), str('scope', 'channel')],
      { ...ADMIN, channelId: ALERTS },
    );
    expect(textOf(made)).toContain('This channel is subscribed');
    // A member follows a keyword for themself: their alerts go to a direct message.
    const mine = await run('subscribe', [str('keywords', 'vote'), str('mode', 'alert'), str('scope', 'me')], {
      userId: MEMBER_ID,
    });
    expect(textOf(mine)).toContain('You are subscribed');

    world.publish([newItem('n1', 'Regional internet shutdown ordered before the vote'), ...BASE_ITEMS]);
    await pollOnce(bot, clock);
    const alerts = posted(ALERTS);
    expect(alerts.map(visibleText).join('\n')).toContain(
      'Regional internet shutdown ordered before the vote',
    );
    expect(alerts).toHaveLength(1);
    // Items that matched before the subscription existed are not alerted.
    expect(alerts.map(visibleText).join('\n')).not.toContain('in the capital');

    const dm = posted(MEMBER_DM);
    expect(dm.map(visibleText)).toEqual([
      expect.stringContaining('Regional internet shutdown ordered before the vote'),
    ]);

    await pollOnce(bot, clock);
    expect(posted(ALERTS)).toHaveLength(1);
    expect(posted(MEMBER_DM)).toHaveLength(1);
    expect(await bot.store.listOutbox({ status: 'pending' })).toEqual([]);
  });

  it('a hostile feed title reaches the channel as inert text', async () => {
    publishHostileAndNews(world, HOSTILE);
    const before = standin.requests.length;
    await pollOnce(bot, clock);
    const sent = standin.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path.includes(`/channels/${ALERTS}/messages`));
    expect(sent).toHaveLength(1);
    const body = sent[0]!.body as Pick<StoredMessage, 'content' | 'embeds' | 'allowed_mentions'> & {
      enforce_nonce?: boolean;
    };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.enforce_nonce).toBe(true);
    const text = visibleText({ ...posted(ALERTS).at(-1)!, ...body });
    expect(activeMarkup(text, [])).toEqual([]);
    // Still readable: the words are there, only neutralised.
    expect(text.replace(/[\\\u200b]/g, '')).toContain('@everyone <@&123> <!channel> **bold**');
  });

  it('a scheduled digest appears in the subscribed channel once when its slot comes', async () => {
    clock.moveTo(nextUtcHour(DIGEST_HOUR, clock.ms) + 60_000);
    const reports = await bot.scheduler.runDueDigests();
    expect(reports.map((r) => [r.targetKey.includes(DIGESTS), r.outcome])).toEqual([[true, 'enqueued']]);
    expect(await deliverAll(bot)).toBe(1);
    const digests = posted(DIGESTS);
    expect(digests).toHaveLength(1);
    const text = visibleText(digests[0]!);
    expect(text).toContain('Regional internet shutdown ordered before the vote');
    expect(text).toContain('New web standard for accessibility published');
    const itemLinks = ['b1', 'b2', 'b3', 'n1', 'h1'].map((g) => `https://watch.example/${g}`);
    expect(activeMarkup(text, itemLinks)).toEqual([]);
    // The same slot again is not due.
    expect(await bot.scheduler.runDueDigests()).toEqual([]);
    expect(await deliverAll(bot)).toBe(0);
    expect(posted(DIGESTS)).toHaveLength(1);
  });

  it('after a restart on the same archive the digest is not posted again; an admin adds and removes a feed', async () => {
    const identified = standin.identified;
    await bot.stop();
    // The operator now trusts private addresses (e.g. an intranet feed) for chat-added feeds.
    config = configFor({ GOVWATCH_ALLOW_PRIVATE_URLS: '1', GOVWATCH_REPLICA_ID: 'e2e-discord-restarted' });
    bot = await startBot(config, silentLogger(), { now: clock.now, autoStart: false });
    await until('the restarted bot on the gateway', () => standin.identified > identified);
    await bot.scheduler.tick();
    expect(await bot.scheduler.runDueDigests()).toEqual([]);
    expect(await deliverAll(bot)).toBe(0);
    expect(posted(DIGESTS)).toHaveLength(1);
    expect(posted(ALERTS)).toHaveLength(2);

    const added = await run('feeds', [sub('add', [str('url', world.server.url(EXTRA_PATH))])], ADMIN);
    const id = /Added ([a-z0-9-]+): Extra Feed/.exec(textOf(added))?.[1];
    expect(id).toBeDefined();
    expect((await bot.store.getFeed(id!))?.origin).toBe('chat');
    const removed = await run('feeds', [sub('remove', [str('id', id!)])], ADMIN);
    expect(textOf(removed)).toContain(`Removed ${id}`);
    expect(await bot.store.getFeed(id!)).toBeNull();
  });

  it('/feeds status shows a failing feed and a failed delivery, with reasons', async () => {
    world.server.set(FEED_PATH, { status: 500, body: 'upstream down' });
    await pollOnce(bot, clock);
    // Discord refuses the next post for good (403: the bot lost access to the channel).
    standin.failNextMessages(1, { status: 403 });
    expect(textOf(await run('digest', [sub('now')], ADMIN))).toMatch(/Posting the digest \(2 stories\)/);
    const before = posted(GENERAL).length;
    expect(await deliverAll(bot)).toBe(0);
    expect(posted(GENERAL)).toHaveLength(before);
    const status = textOf(await run('feeds', [sub('status')], ADMIN));
    expect(status).toMatch(/Feeds: 0 ok, 1 failing/);
    expect(status).toMatch(new RegExp(`${FEED_ID}: .*500`));
    expect(status).toMatch(/Failed deliveries: 1/);
    expect(status).toMatch(new RegExp(`digest to ${GENERAL}: Discord.*403`));
  });

  it('a weekly digest scheduled in a non-UTC time zone falls due at that local time', async () => {
    const rec = await run(
      'digest',
      [
        sub('schedule', [
          str('frequency', 'weekly'),
          str('day', 'mon'),
          str('time', '09:30'),
          str('timezone', 'Asia/Tokyo'),
        ]),
      ],
      { ...ADMIN, channelId: TOKYO },
    );
    expect(textOf(rec)).toMatch(/Asia\/Tokyo/);
    const tokyo = (reports: Awaited<ReturnType<Bot['scheduler']['runDueDigests']>>) =>
      reports.filter((r) => r.targetKey.endsWith(`:channel:${TOKYO}`));
    // The subscription is stamped with the archive's (real) clock, which earlier tests have
    // left behind this test clock: a Monday 09:30 in Tokyo between the two is a missed slot
    // that catches up now, once. Only then is the schedule's next slot clean to test.
    const catchUp = tokyo(await bot.scheduler.runDueDigests());
    expect(catchUp.length).toBeLessThanOrEqual(1);
    for (const r of catchUp) expect(new Date(r.slot).getUTCDay()).toBe(1);
    // Monday 09:30 in Tokyo (UTC+9, no summer time) is Monday 00:30 UTC.
    let slot = nextUtcHour(0, clock.ms - 30 * 60_000) + 30 * 60_000; // the first 00:30 UTC after now
    while (new Date(slot).getUTCDay() !== 1) slot += 86_400_000;
    clock.moveTo(slot - 60_000);
    expect(tokyo(await bot.scheduler.runDueDigests())).toEqual([]);
    clock.moveTo(slot + 60_000);
    const due = tokyo(await bot.scheduler.runDueDigests());
    expect(due.map((r) => r.slot)).toEqual([new Date(slot).toISOString()]);
    expect(tokyo(await bot.scheduler.runDueDigests())).toEqual([]);
  });
});

describe('govwatch on Discord with its own heartbeat and outbox loop (no test seams)', () => {
  it('polls at start and the outbox loop posts the alerts of a pre-existing subscription', async () => {
    await bot.stop();
    publishHostileAndNews(world, HOSTILE);
    const fresh = configFor({ GOVWATCH_DB: join(dir, 'heartbeat.db') });
    const before = await runLiveBotWithAlertSubscription(
      fresh,
      { platform: 'discord', channelId: GENERAL, workspaceId: GUILD, kind: 'channel' },
      () => posted(GENERAL).length,
    );
    expect(posted(GENERAL).length).toBe(before + 2);
  }, 30_000);
});
