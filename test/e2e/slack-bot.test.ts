// The whole bot on Slack: startBot (archive, poller, scheduler, outbox worker, Bolt) against
// the Slack stand-in and a local feed server, on a real SQLite file. Users run every command
// by its Slack name over Socket Mode; alerts arrive within one poll; a scheduled digest arrives
// once and not again after a restart (which comes back in HTTP mode and answers a signed
// request); hostile feed text reaches the channel inert. The scheduler runs on a test clock
// (startBot's `now`) and is driven directly (`autoStart: false`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { startBot } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { THEME_IDS } from '../../src/model.ts';
import type { PostedMessage, ResponseRecord, SlackStandin } from '../support/slack-standin/index.ts';
import { analyzeMrkdwn, mrkdwnTexts, startSlackStandin } from '../support/slack-standin/index.ts';
import type { FeedWorld } from './support.ts';
import {
  BASE_ITEMS,
  EXTRA_PATH,
  FEED_ID,
  FEED_PATH,
  GUARDED_FEED_URLS,
  ENTRY_INTO_FORCE,
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

const ADMIN = 'UADMIN0001';
const MEMBER = 'UMEMBER001';
const GENERAL = 'CGENERAL01';
const ALERTS = 'CALERTS001';
const DIGESTS = 'CDIGESTS01';
const TREATIES = 'CTREATIES1';
const HOSTILE = 'Alert <!channel> <@U123> <!here> *bold* internet shutdown ordered';

let dir: string;
let world: FeedWorld;
let standin: SlackStandin;
let clock: TestClock;
let bot: Bot;

function configFor(mode: 'socket' | 'http', extra: Record<string, string> = {}): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_API_URL: standin.apiUrl,
    ...(mode === 'socket'
      ? { SLACK_APP_TOKEN: standin.appToken }
      : { SLACK_SIGNING_SECRET: standin.signingSecret, SLACK_PORT: '0' }),
    ...worldEnv(dir, world, 'e2e-slack'),
    ...extra,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-e2e-slack-'));
  world = await startFeedWorld(dir);
  standin = (await startSlackStandin())
    .addUser({ id: ADMIN, name: 'ada', isAdmin: true })
    .addUser({ id: MEMBER, name: 'mo' })
    .addChannel({ id: GENERAL, name: 'general', botIsMember: true })
    .addChannel({ id: ALERTS, name: 'alerts', botIsMember: true })
    .addChannel({ id: DIGESTS, name: 'digests', botIsMember: true })
    .addChannel({ id: TREATIES, name: 'treaties', botIsMember: true });
  clock = new TestClock();
  bot = await startBot(configFor('socket'), silentLogger(), { now: clock.now, autoStart: false });
  await standin.waitForSocket();
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await standin?.stop();
  await world?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run a slash command over Socket Mode; the answer is the ack or the first response_url post. */
async function run(
  command: string,
  text: string,
  userId = MEMBER,
  channelId = GENERAL,
): Promise<ResponseRecord> {
  const { responseUrlId } = await standin.slashCommand({ command, text, userId, channelId });
  const [first] = standin.responsesFor(responseUrlId).length
    ? standin.responsesFor(responseUrlId)
    : await standin.waitForResponses(responseUrlId, 1, 8_000);
  if (!first) throw new Error(`no answer to ${command} ${text}`);
  return first;
}
/** HTTP mode: a signed slash command to Bolt's receiver; the answer as in run(). */
async function runHttp(
  command: string,
  text: string,
  userId = ADMIN,
  channelId = GENERAL,
): Promise<ResponseRecord> {
  const res = await standin.httpSlashCommand(`http://127.0.0.1:${bot.slackPort}/slack/events`, {
    command,
    text,
    userId,
    channelId,
  });
  if (res.status !== 200) throw new Error(`${command} answered HTTP ${res.status}`);
  const [first] = standin.responsesFor(res.responseUrlId).length
    ? standin.responsesFor(res.responseUrlId)
    : await standin.waitForResponses(res.responseUrlId, 1, 8_000);
  if (!first) throw new Error(`no answer to ${command} ${text}`);
  return first;
}
const shown = (r: ResponseRecord): string =>
  [r.body.text ?? '', ...mrkdwnTexts(r.body.blocks).map((t) => analyzeMrkdwn(t).visible)].join('\n');
const isEphemeral = (r: ResponseRecord): boolean => (r.body.response_type ?? 'ephemeral') === 'ephemeral';
const visibleOf = (m: PostedMessage): string =>
  mrkdwnTexts(m.blocks)
    .map((t) => analyzeMrkdwn(t).visible)
    .join('\n');

describe('govwatch on Slack, end to end', () => {
  it('the first poll archives the operator feed served on 127.0.0.1', async () => {
    await expectFirstPollArchivesFeed(bot, clock, 'slack');
  });

  it('/govwatch-deadlines, -track and -tracked follow a treaty; its 40th ratification is posted once', async () => {
    expect(shown(await run('/govwatch-deadlines', 'within:60d', MEMBER, TREATIES))).toContain(
      'World Test Assembly opens (scheduled)',
    );
    expect(shown(await run('/govwatch-track', 'cybercrime', MEMBER, TREATIES))).toContain('needs an admin');
    expect(shown(await run('/govwatch-track', 'cybercrime', ADMIN, TREATIES))).toContain(
      'Tracking United Nations Convention against Cybercrime for this channel',
    );
    await pollOnce(bot, clock);
    expect(shown(await run('/govwatch-tracked', '', MEMBER, TREATIES))).toContain(
      '72 signatories, 39 parties of 40 needed for entry into force',
    );
    expect(standin.messagesIn(TREATIES)).toHaveLength(0);

    publishTreaty(world, 40);
    await pollOnce(bot, clock);
    expect(standin.messagesIn(TREATIES).map(visibleOf)).toEqual([expect.stringContaining(ENTRY_INTO_FORCE)]);
    await pollOnce(bot, clock);
    expect(standin.messagesIn(TREATIES)).toHaveLength(1);
  });

  it('/govwatch-themes lists the theme ids with descriptions', async () => {
    const text = shown(await run('/govwatch-themes', ''));
    for (const id of THEME_IDS) expect(text).toMatch(new RegExp(`${id}: \\w`));
  });

  it('/govwatch-search answers the caller only with the matching items', async () => {
    const r = await run('/govwatch-search', 'shutdown');
    expect(isEphemeral(r)).toBe(true);
    expect(shown(r)).toContain('Government orders internet shutdown in the capital');
    expect(shown(r)).not.toContain('Encryption backdoor');
  });

  it('/govwatch-why explains the tags of an item', async () => {
    const [item] = await bot.store.listItems({ themes: ['encryption'] });
    const r = await run('/govwatch-why', String(item!.id));
    expect(isEphemeral(r)).toBe(true);
    expect(shown(r)).toContain('Encryption backdoor bill advances in parliament');
    expect(shown(r)).toMatch(/encryption: "[^"]+"/);
  });

  it('/govwatch-subscribe, /govwatch-subscriptions and /govwatch-unsubscribe for the caller', async () => {
    const made = shown(await run('/govwatch-subscribe', 'keywords:parliament scope:me'));
    expect(made).toContain('You are subscribed');
    const id = /\/govwatch-unsubscribe id:(\d+)/.exec(made)?.[1];
    expect(id).toBeDefined();
    expect(shown(await run('/govwatch-subscriptions', ''))).toContain('parliament');
    expect(shown(await run('/govwatch-unsubscribe', `id:${id}`))).toMatch(/Removed/);
    expect(await bot.store.listSubscriptions()).toEqual([]);
  });

  it('/govwatch-feeds list and status show the operator feed and its health', async () => {
    expect(shown(await run('/govwatch-feeds', 'list', ADMIN))).toMatch(
      /watch: Watch Feed \(rights, en, 3 items\) · active · last success \d{4}-\d\d-\d\d \d\d:\d\dZ · next check /,
    );
    expect(shown(await run('/govwatch-feeds', 'status', ADMIN))).toMatch(/Feeds: 1 ok, 0 failing/);
  });

  it('a non-admin is refused /govwatch-feeds add with an ephemeral explanation', async () => {
    const r = await run('/govwatch-feeds', 'add url:https://example.org/feed.xml');
    expect(isEphemeral(r)).toBe(true);
    expect(shown(r)).toContain('is for workspace admins');
    expect((await bot.store.listFeeds()).map((f) => f.id)).toEqual([FEED_ID]);
  });

  it.each(GUARDED_FEED_URLS)('an admin adding %s is refused while the guard is on', async (_what, url) => {
    const r = await run('/govwatch-feeds', `add url:${url(world)}`, ADMIN);
    expect(isEphemeral(r)).toBe(true);
    expect(shown(r)).toMatch(/loopback|private|not allowed/i);
    expect((await bot.store.listFeeds()).map((f) => f.id)).toEqual([FEED_ID]);
    expect(world.server.requestsFor(EXTRA_PATH)).toEqual([]);
  });

  it("/govwatch-feeds remove of the operator's feed is refused with where to remove it", async () => {
    const r = await run('/govwatch-feeds', `remove id:${FEED_ID}`, ADMIN);
    expect(shown(r)).toContain(`govwatch feeds remove ${FEED_ID}`);
    expect(await bot.store.getFeed(FEED_ID)).not.toBeNull();
  });

  it('/govwatch-digest preview shows the caller the next digest; now posts it in the channel', async () => {
    const preview = await run('/govwatch-digest', 'preview');
    expect(isEphemeral(preview)).toBe(true);
    expect(shown(preview)).toContain('Encryption backdoor bill advances in parliament');
    expect(standin.messagesIn(GENERAL)).toEqual([]);

    expect(shown(await run('/govwatch-digest', 'now'))).toMatch(/admin/i);
    expect(shown(await run('/govwatch-digest', 'now', ADMIN))).toMatch(
      /Posting the digest \(3 stories\) here now/,
    );
    expect(await deliverAll(bot)).toBe(1);
    const text = standin.messagesIn(GENERAL).map(visibleOf).join('\n');
    expect(text).toContain('Government orders internet shutdown in the capital');
    expect(text).toContain('New web standard for accessibility published');
  });

  it('/govwatch-digest schedule sets the digest time of a channel', async () => {
    const r = await run(
      '/govwatch-digest',
      `schedule daily time:${DIGEST_TIME} timezone:UTC`,
      ADMIN,
      DIGESTS,
    );
    expect(shown(r)).toMatch(new RegExp(`Digest daily at ${DIGEST_TIME}.*UTC`));
    const subs = await bot.store.listSubscriptions({ mode: 'digest' });
    expect(subs.map((s) => [s.target.channelId, s.cron, s.timezone])).toEqual([
      [DIGESTS, `0 ${DIGEST_HOUR} * * *`, 'UTC'],
    ]);
  });

  it('an alert appears in the subscribed channel within one poll of a matching item, once', async () => {
    const made = await run('/govwatch-subscribe', 'themes:shutdowns mode:alert', ADMIN, ALERTS);
    expect(shown(made)).toContain('This channel is subscribed');
    // A member follows a keyword for themself: their alerts go to a direct message.
    const mine = await run('/govwatch-subscribe', 'keywords:vote mode:alert scope:me');
    expect(shown(mine)).toContain('You are subscribed');

    world.publish([newItem('n1', 'Regional internet shutdown ordered before the vote'), ...BASE_ITEMS]);
    await pollOnce(bot, clock);
    const alerts = standin.messagesIn(ALERTS);
    expect(alerts).toHaveLength(1);
    expect(visibleOf(alerts[0]!)).toContain('Regional internet shutdown ordered before the vote');

    const dm = standin.messagesIn(standin.dmChannelFor(MEMBER));
    expect(dm.map(visibleOf)).toEqual([
      expect.stringContaining('Regional internet shutdown ordered before the vote'),
    ]);

    await pollOnce(bot, clock);
    expect(standin.messagesIn(ALERTS)).toHaveLength(1);
    expect(standin.messagesIn(standin.dmChannelFor(MEMBER))).toHaveLength(1);
    expect(await bot.store.listOutbox({ status: 'pending' })).toEqual([]);
  });

  it('a hostile feed title reaches the channel as inert text', async () => {
    publishHostileAndNews(world, HOSTILE);
    await pollOnce(bot, clock);
    const alerts = standin.messagesIn(ALERTS);
    expect(alerts).toHaveLength(2);
    const alert = alerts[1]!;
    const texts = [alert.text ?? '', ...mrkdwnTexts(alert.blocks)];
    const analysed = texts.map(analyzeMrkdwn);
    expect(analysed.flatMap((a) => a.mentions)).toEqual([]);
    // The bot bolds the title link itself; the feed's own `*bold*` must not become a span.
    expect(analysed.flatMap((a) => a.formatted).filter((f) => /^\W*bold\W*$/.test(f.text))).toEqual([]);
    expect(analysed.flatMap((a) => a.links).map((l) => l.url)).toEqual(
      analysed.flatMap((a) => a.links).map(() => 'https://watch.example/h1'),
    );
    // The raw request carries the control characters escaped, and the reader still sees them.
    expect(texts.join('\n')).toContain('&lt;!channel&gt;');
    expect(texts.join('\n')).not.toContain('*bold*');
    expect(analysed.map((a) => a.visible).join('\n')).toContain('<!channel> <@U123> <!here>');
  });

  it('a scheduled digest appears in the subscribed channel once when its slot comes', async () => {
    clock.moveTo(nextUtcHour(DIGEST_HOUR, clock.ms) + 60_000);
    const reports = await bot.scheduler.runDueDigests();
    expect(reports.map((r) => [r.targetKey.includes(DIGESTS), r.outcome])).toEqual([[true, 'enqueued']]);
    expect(await deliverAll(bot)).toBe(1);
    const digests = standin.messagesIn(DIGESTS);
    expect(digests.length).toBeGreaterThanOrEqual(1);
    const text = digests.map(visibleOf).join('\n');
    expect(text).toContain('Regional internet shutdown ordered before the vote');
    expect(text).toContain('New web standard for accessibility published');
    const analysed = digests.flatMap((m) => [m.text ?? '', ...mrkdwnTexts(m.blocks)]).map(analyzeMrkdwn);
    expect(analysed.flatMap((a) => a.mentions)).toEqual([]);
    // The same slot again is not due.
    const count = digests.length;
    expect(await bot.scheduler.runDueDigests()).toEqual([]);
    expect(await deliverAll(bot)).toBe(0);
    expect(standin.messagesIn(DIGESTS)).toHaveLength(count);
  });

  it('after a restart (HTTP mode) the digest is not posted again; a signed request adds and removes a feed', async () => {
    const digests = standin.messagesIn(DIGESTS).length;
    await bot.stop();
    bot = await startBot(
      configFor('http', { GOVWATCH_ALLOW_PRIVATE_URLS: '1', GOVWATCH_REPLICA_ID: 'e2e-slack-restarted' }),
      silentLogger(),
      {
        now: clock.now,
        autoStart: false,
        slackHost: '127.0.0.1',
      },
    );
    await bot.scheduler.tick();
    expect(await bot.scheduler.runDueDigests()).toEqual([]);
    expect(await deliverAll(bot)).toBe(0);
    expect(standin.messagesIn(DIGESTS)).toHaveLength(digests);
    expect(standin.messagesIn(ALERTS)).toHaveLength(2);

    expect(bot.slackPort).toBeGreaterThan(0);
    const receiver = `http://127.0.0.1:${bot.slackPort}/slack/events`;
    const added = shown(await runHttp('/govwatch-feeds', `add url:${world.server.url(EXTRA_PATH)}`));
    const id = /Added ([a-z0-9-]+): Extra Feed/.exec(added)?.[1];
    expect(id).toBeDefined();
    expect((await bot.store.getFeed(id!))?.origin).toBe('chat');
    expect(shown(await runHttp('/govwatch-feeds', `remove id:${id}`))).toContain(`Removed ${id}`);
    expect(await bot.store.getFeed(id!)).toBeNull();

    // A request signed with the wrong secret is refused and changes nothing.
    const forged = await standin.httpSlashCommand(
      receiver,
      {
        command: '/govwatch-feeds',
        text: `add url:${world.server.url(EXTRA_PATH)}`,
        userId: ADMIN,
        channelId: GENERAL,
      },
      { secret: 'not-the-secret' },
    );
    expect(forged.status).toBe(401);
    await until('the forged request to be dropped', async () => (await bot.store.listFeeds()).length === 1);
  });

  it('/govwatch-feeds status shows a failing feed and a failed delivery, with reasons', async () => {
    world.server.set(FEED_PATH, { status: 500, body: 'upstream down' });
    await pollOnce(bot, clock);
    // Slack refuses the next post for good (the bot was removed from the channel).
    standin.failNext('chat.postMessage', { status: 200, error: 'not_in_channel' });
    // The bot is in HTTP mode since the restart.
    expect(shown(await runHttp('/govwatch-digest', 'now'))).toMatch(/Posting the digest \(2 stories\)/);
    const before = standin.messagesIn(GENERAL).length;
    expect(await deliverAll(bot)).toBe(0);
    expect(standin.messagesIn(GENERAL)).toHaveLength(before);
    const status = shown(await runHttp('/govwatch-feeds', 'status'));
    expect(status).toMatch(/Feeds: 0 ok, 1 failing/);
    expect(status).toMatch(new RegExp(`${FEED_ID}: .*500`));
    expect(status).toMatch(/Failed deliveries: 1/);
    // Underscores in shown text become look-alikes (ˍ) on Slack, so no text can turn italic.
    expect(status).toMatch(new RegExp(`digest to ${GENERAL}: .*not.in.channel`));
  });
});

describe('govwatch on Slack with its own heartbeat and outbox loop (no test seams)', () => {
  it('polls at start and the outbox loop posts the alerts of a pre-existing subscription', async () => {
    await bot.stop();
    publishHostileAndNews(world, HOSTILE);
    const fresh = configFor('socket', { GOVWATCH_DB: join(dir, 'heartbeat.db') });
    const before = await runLiveBotWithAlertSubscription(
      fresh,
      { platform: 'slack', channelId: GENERAL, workspaceId: standin.teamId, kind: 'channel' },
      () => standin.messagesIn(GENERAL).length,
    );
    await until('the Socket Mode connection closed', () => standin.connectedSockets === 0);
    expect(standin.messagesIn(GENERAL).length).toBe(before + 2);
  }, 30_000);
});
