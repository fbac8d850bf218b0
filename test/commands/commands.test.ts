// The platform-neutral chat commands run against a real SQLite archive and a real Config.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.ts';
import type { CommandContext, CommandDef, OptionValues, Reply, ReplyBlock } from '../../src/chat/types.ts';
import { loadConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { THEME_IDS, UserError, targetKey } from '../../src/model.ts';
import type { FeedSource, TaggedItem, Target, ThemeId } from '../../src/model.ts';
import { digestPlans } from '../../src/scheduler.ts';
import { openStore } from '../../src/store/index.ts';
import { resolveReference } from '../../src/trackers/registry.ts';
import { emptyFetchState } from '../../src/trackers/types.ts';
import type { Store } from '../../src/store/types.ts';
import { HOSTILE_QUERIES } from '../store/hostile-queries.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';

const CHANNEL: Target = { platform: 'discord', workspaceId: 'g1', kind: 'channel', channelId: 'c1' };
const ADMIN = { id: 'u-admin', name: 'Ada', isAdmin: true };
const USER = { id: 'u-plain', name: 'Bob', isAdmin: false };
const OTHER = { id: 'u-other', name: 'Cy', isAdmin: false };

const command = (name: string): CommandDef => {
  const def = allCommands.find((c) => c.name === name);
  if (!def) throw new Error(`no command ${name}`);
  return def;
};

let dir: string;
let store: Store;
let config: Config;
let server: FeedServer;
/** Real time: the store stamps firstSeen with it, and digests select by it. */
const NOW = new Date();
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();

function ctxFor(
  name: string,
  opts: {
    subcommand?: string | null;
    options?: OptionValues;
    caller?: CommandContext['caller'];
    where?: Target;
    config?: Config;
  } = {},
): Promise<Reply> {
  return command(name).run({
    store,
    config: opts.config ?? config,
    logger: silentLogger(),
    caller: opts.caller ?? USER,
    where: opts.where ?? CHANNEL,
    subcommand: opts.subcommand ?? null,
    options: opts.options ?? {},
    now: NOW,
  });
}

async function userError(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

const textOf = (reply: Reply): string =>
  reply.blocks
    .map((b) =>
      'text' in b ? b.text : b.type === 'list' ? b.items.join('\n') : b.type === 'item' ? b.title : '',
    )
    .join('\n');
const itemsOf = (reply: Reply) =>
  reply.blocks.filter((b): b is Extract<ReplyBlock, { type: 'item' }> => b.type === 'item');

function item(
  guid: string,
  title: string,
  themes: ThemeId[],
  regions: string[],
  published: string,
  why: Record<string, string[]> = {},
): TaggedItem {
  return {
    guid,
    title,
    url: `https://news.example/${guid}`,
    author: null,
    summary: `${title}. A longer summary of the story.`,
    published,
    publishedEstimated: false,
    lang: 'en',
    themes,
    regions,
    why,
  };
}

const feed = (id: string, name: string): FeedSource => ({
  id,
  name,
  url: `https://${id}.example/feed.xml`,
  kind: 'rights',
  language: 'en',
  origin: 'operator',
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-commands-'));
  config = loadConfig({ GOVWATCH_DB: join(dir, 'archive.db') });
  store = await openStore(config);
  server = await startFeedServer({
    '/chat-feed.xml': rssRoute('Lagoon Rights Monitor', [
      { guid: 'l1', title: 'First lagoon post', link: 'https://lagoon.example/1', date: daysAgo(1) },
      { guid: 'l2', title: 'Second lagoon post', link: 'https://lagoon.example/2', date: daysAgo(2) },
    ]),
  });
  await store.upsertFeeds([feed('alpha', 'Alpha Watch'), feed('beta', 'Beta Monitor')]);
  // 12 "quokka" items (paging), censorship/RU on alpha, surveillance/CN on beta, ages 0–11 days.
  const alpha = Array.from({ length: 7 }, (_, i) =>
    item(`a${i}`, `Quokka censorship order number ${i}`, ['censorship'], ['RU'], daysAgo(i), {
      censorship: ['censorship'],
      RU: ['Russia'],
    }),
  );
  const beta = Array.from({ length: 5 }, (_, i) =>
    item(`b${i}`, `Quokka surveillance bill part ${i}`, ['surveillance'], ['CN'], daysAgo(7 + i)),
  );
  await store.addItems('alpha', alpha, { alertable: () => true });
  await store.addItems('beta', beta, { alertable: () => true });
  await store.addItems('beta', [item('b-none', 'Wombat weather report', [], [], daysAgo(0))], {
    alertable: () => true,
  });
});

afterAll(async () => {
  await store.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/search', () => {
  it('pages through results with Next/Previous actions and a Share action', async () => {
    const first = await ctxFor('search', { options: { query: 'quokka' } });
    expect(first.ephemeral).toBe(true);
    expect(textOf(first)).toMatch(/12 results for "quokka" · page 1 of 3/);
    expect(itemsOf(first)).toHaveLength(5);
    for (const b of itemsOf(first)) expect(b.title).toMatch(/quokka/i);
    expect(first.actions?.map((a) => a.label)).toEqual(['Next', 'Share']);
    expect(first.actions?.[0]?.options).toMatchObject({ query: 'quokka', page: 2 });

    const last = await ctxFor('search', { options: { query: 'quokka', page: 3 } });
    expect(itemsOf(last)).toHaveLength(2);
    expect(last.actions?.map((a) => a.label)).toEqual(['Previous', 'Share']);
    const shown = new Set([...itemsOf(first), ...itemsOf(last)].map((b) => b.itemId));
    expect(shown.size).toBe(7); // no item on two pages

    const beyond = await ctxFor('search', { options: { query: 'quokka', page: 9 } });
    expect(textOf(beyond)).toMatch(/No more results/);
  });

  it.each([
    {
      options: { theme: 'censorship' },
      count: 7,
      check: (b: { themes: string[] }) => b.themes.includes('censorship'),
    },
    { options: { region: 'cn' }, count: 5, check: (b: { regions: string[] }) => b.regions.includes('CN') },
    { options: { source: 'beta' }, count: 5, check: (b: { source: string }) => b.source === 'Beta Monitor' },
  ])('filters by $options', async ({ options, count, check }) => {
    const reply = await ctxFor('search', { options: { query: 'quokka', ...options } });
    expect(textOf(reply)).toContain(`${count} result`);
    const blocks = itemsOf(reply);
    expect(blocks.length).toBe(Math.min(5, count));
    for (const b of blocks) expect(check(b as never)).toBe(true);
  });

  it('filters by since', async () => {
    // Items were published 0, 1, 2, 3… days before NOW; 60 hours back keeps the first three.
    const reply = await ctxFor('search', { options: { query: 'quokka', since: '60h' } });
    expect(textOf(reply)).toContain('3 results');
    expect(
      itemsOf(reply)
        .map((b) => b.title)
        .sort(),
    ).toEqual([0, 1, 2].map((i) => `Quokka censorship order number ${i}`));
  });

  it('says so when nothing matches', async () => {
    const reply = await ctxFor('search', { options: { query: 'platypus' } });
    expect(itemsOf(reply)).toHaveLength(0);
    expect(textOf(reply)).toMatch(/No results for "platypus"/);
    expect(reply.actions ?? []).toHaveLength(0);
  });

  it('answers every hostile query normally (results or "no results")', async () => {
    for (const q of HOSTILE_QUERIES.filter((h) => h.length <= 500)) {
      const reply = await ctxFor('search', { options: { query: q } });
      expect(reply.blocks.length, q).toBeGreaterThan(0);
    }
    const long = await userError(ctxFor('search', { options: { query: 'quokka '.repeat(1500) } }));
    expect(long.code).toBe('query-too-long');
  });

  it('refuses an unknown theme with the list of themes', async () => {
    const err = await userError(ctxFor('search', { options: { query: 'x', theme: 'kittens' } }));
    expect(err.message).toContain('censorship');
  });
});

describe('/subscribe, /unsubscribe, /subscriptions', () => {
  it.each([
    { options: { themes: 'censorship,kittens' }, code: 'unknown-theme', mentions: THEME_IDS.join(', ') },
    { options: { regions: 'Russia' }, code: 'bad-region', mentions: 'RUSSIA' },
    { options: { themes: 'privacy', time: '25:00' }, code: 'bad-time', mentions: '25:00' },
    {
      options: { themes: 'privacy', timezone: 'Mars/Olympus' },
      code: 'bad-timezone',
      mentions: 'Mars/Olympus',
    },
    { options: {}, code: 'no-filter', mentions: 'themes' },
    { options: { sources: 'nosuchfeed' }, code: 'unknown-source', mentions: 'nosuchfeed' },
    { options: { themes: 'privacy', frequency: 'hourly' }, code: 'bad-frequency', mentions: 'hourly' },
  ])('refuses $options with $code', async ({ options, code, mentions }) => {
    const err = await userError(ctxFor('subscribe', { caller: ADMIN, options }));
    expect(err.code).toBe(code);
    expect(err.message).toContain(mentions);
  });

  it('lets only admins change a channel, and anyone subscribe themselves', async () => {
    const refused = await userError(ctxFor('subscribe', { caller: USER, options: { themes: 'privacy' } }));
    expect(refused.code).toBe('not-admin');
    const refusedExplicit = await userError(
      ctxFor('subscribe', { caller: USER, options: { themes: 'privacy', scope: 'channel' } }),
    );
    expect(refusedExplicit.code).toBe('not-admin');

    const mine = await ctxFor('subscribe', {
      caller: USER,
      options: {
        themes: 'privacy, encryption',
        keywords: '"data retention", pegasus',
        scope: 'me',
        mode: 'alert',
      },
    });
    expect(textOf(mine)).toMatch(
      /You are subscribed: #\d+: themes privacy, encryption; keywords "data retention", "pegasus" \(alert/,
    );
    const personal = await store.listSubscriptions({
      target: { platform: 'discord', workspaceId: '', kind: 'user', channelId: USER.id },
    });
    expect(personal).toHaveLength(1);
    expect(personal[0]!.filter).not.toHaveProperty('exclude');
    expect(personal[0]).toMatchObject({ mode: 'alert', cron: null, createdBy: USER.id });

    const channel = await ctxFor('subscribe', {
      caller: ADMIN,
      options: {
        regions: 'ru, eu',
        frequency: 'weekly',
        day: 'tuesday',
        time: '17:30',
        timezone: 'Europe/Berlin',
      },
    });
    expect(textOf(channel)).toMatch(
      /This channel is subscribed: #\d+: regions RU, EU \(digest weekly on tue at 17:30 Europe\/Berlin\)/,
    );
    const subs = await store.listSubscriptions({ target: CHANNEL });
    expect(subs.find((s) => s.filter.regions.includes('RU'))).toMatchObject({
      cron: '30 17 * * 2',
      timezone: 'Europe/Berlin',
      mode: 'digest',
    });

    const list = await ctxFor('subscriptions', { caller: USER });
    const text = textOf(list);
    expect(text).toMatch(/This channel[\s\S]*regions RU, EU[\s\S]*You[\s\S]*themes privacy, encryption/);
  });

  it("refuses to remove someone else's subscription, and a channel's for a non-admin", async () => {
    await ctxFor('subscribe', { caller: OTHER, options: { themes: 'censorship', scope: 'me' } });
    const others = await store.listSubscriptions({
      target: { platform: 'discord', workspaceId: '', kind: 'user', channelId: OTHER.id },
    });
    const otherId = others[0]!.id;
    const err = await userError(ctxFor('unsubscribe', { caller: USER, options: { id: otherId } }));
    expect(err.code).toBe('not-found');
    expect((await store.listSubscriptions()).some((s) => s.id === otherId)).toBe(true);

    const channelSub = await store.addSubscription({
      target: CHANNEL,
      filter: { themes: ['standards'], regions: [], sources: [], keywords: [] },
      mode: 'alert',
      cron: null,
      timezone: 'UTC',
      createdBy: ADMIN.id,
    });
    const notAdmin = await userError(ctxFor('unsubscribe', { caller: USER, options: { id: channelSub.id } }));
    expect(notAdmin.code).toBe('not-admin');

    const own = await ctxFor('unsubscribe', { caller: OTHER, options: { id: otherId } });
    expect(textOf(own)).toMatch(new RegExp(`Removed #${otherId}: themes censorship`));
    const admin = await ctxFor('unsubscribe', { caller: ADMIN, options: { id: channelSub.id } });
    expect(textOf(admin)).toContain(`Removed #${channelSub.id}`);
    const ids = (await store.listSubscriptions()).map((s) => s.id);
    expect(ids).not.toContain(otherId);
    expect(ids).not.toContain(channelSub.id);
  });
});

describe('personal subscriptions across places', () => {
  it('finds a Discord subscription made with scope me in a guild from a direct message', async () => {
    const caller = { id: 'u-traveller', name: 'Tia', isAdmin: false };
    await ctxFor('subscribe', { caller, options: { keywords: 'walrus', scope: 'me', mode: 'alert' } });
    // The Discord adapter's target for a DM: no guild, the user's id.
    const dm: Target = { platform: 'discord', workspaceId: '', kind: 'user', channelId: caller.id };
    const listed = textOf(await ctxFor('subscriptions', { caller, where: dm }));
    expect(listed).toMatch(/keywords "walrus"/);
    // ...and from another guild's channel.
    const elsewhere: Target = { platform: 'discord', workspaceId: 'g2', kind: 'channel', channelId: 'c9' };
    expect(textOf(await ctxFor('subscriptions', { caller, where: elsewhere }))).toMatch(/keywords "walrus"/);
    const id = Number(/#(\d+): keywords "walrus"/.exec(listed)![1]);
    const removed = await ctxFor('unsubscribe', { caller, where: dm, options: { id } });
    expect(textOf(removed)).toContain(`Removed #${id}`);
  });
});

describe('digest subscriptions of one place share one schedule', () => {
  it('joins the existing schedule unless schedule options are given, then moves all to the new one', async () => {
    const where: Target = { platform: 'slack', workspaceId: 'T1', kind: 'channel', channelId: 'C-sched' };
    const sub = (options: OptionValues) => ctxFor('subscribe', { caller: ADMIN, where, options });
    await sub({ themes: 'privacy', time: '06:30', timezone: 'Europe/Paris' });
    const joined = await sub({ regions: 'RU' });
    expect(textOf(joined)).toMatch(/regions RU \(digest daily at 06:30 Europe\/Paris\)/);
    const moved = await sub({
      keywords: 'walrus',
      frequency: 'weekly',
      day: 'mon',
      time: '09:00',
      timezone: 'UTC',
    });
    expect(textOf(moved)).toMatch(/digest weekly on mon at 09:00 UTC/);
    expect(textOf(moved)).toMatch(/2 earlier digest subscription\(s\) here now follow this schedule too/);
    const subs = await store.listSubscriptions({ target: where, mode: 'digest' });
    expect(subs.map((s) => [s.cron, s.timezone])).toEqual([
      ['0 9 * * 1', 'UTC'],
      ['0 9 * * 1', 'UTC'],
      ['0 9 * * 1', 'UTC'],
    ]);
    const plans = digestPlans(subs);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ cron: '0 9 * * 1', timezone: 'UTC' });
  });
});

describe('/digest', () => {
  const DIGEST_CHANNEL: Target = {
    platform: 'slack',
    workspaceId: 'T1',
    kind: 'channel',
    channelId: 'C-digest',
  };

  it('previews without posting, posts once per instant, and schedules', async () => {
    const preview = await ctxFor('digest', { subcommand: 'preview', where: DIGEST_CHANNEL });
    // Titled as the digest it previews will be: the next slot of the default 08:00 UTC schedule.
    expect(preview.digest?.title).toMatch(/^Preview: govwatch digest, \w{3}, \d{1,2} \w{3} \d{4}$/);
    expect(preview.blocks[0]).toEqual({ type: 'heading', text: preview.digest?.title });
    const previewTitles = itemsOf(preview).map((b) => b.title);
    expect(previewTitles).toContain('Wombat weather report');
    expect(await store.listOutbox({ targetKey: targetKey(DIGEST_CHANNEL) })).toHaveLength(0);

    const refused = await userError(
      ctxFor('digest', { subcommand: 'now', where: DIGEST_CHANNEL, caller: USER }),
    );
    expect(refused.code).toBe('not-admin');

    // While the scheduler builds this channel's digest, a manual one waits its turn.
    const lock = `digest-run:${targetKey(DIGEST_CHANNEL)}`;
    expect(await store.tryLock(lock, 'scheduler-replica', 60_000)).toBe(true);
    const busy = await userError(
      ctxFor('digest', { subcommand: 'now', where: DIGEST_CHANNEL, caller: ADMIN }),
    );
    expect(busy.code).toBe('digest-busy');
    expect(await store.listOutbox({ targetKey: targetKey(DIGEST_CHANNEL) })).toHaveLength(0);
    await store.unlock(lock, 'scheduler-replica');

    const now = await ctxFor('digest', { subcommand: 'now', where: DIGEST_CHANNEL, caller: ADMIN });
    expect(textOf(now)).toMatch(/Posting the digest \(13 stories\)/);
    const again = await ctxFor('digest', { subcommand: 'now', where: DIGEST_CHANNEL, caller: ADMIN });
    expect(textOf(again)).toMatch(/already posted/);
    const outbox = await store.listOutbox({ targetKey: targetKey(DIGEST_CHANNEL) });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'digest', status: 'pending' });

    // With no digest subscription, schedule creates one covering everything...
    const created = await ctxFor('digest', {
      subcommand: 'schedule',
      where: DIGEST_CHANNEL,
      caller: ADMIN,
      options: { time: '07:15', timezone: 'Asia/Tokyo' },
    });
    expect(textOf(created)).toMatch(/Digest daily at 07:15 Asia\/Tokyo, covering everything/);
    // ...and afterwards updates its cron and time zone.
    const updated = await ctxFor('digest', {
      subcommand: 'schedule',
      where: DIGEST_CHANNEL,
      caller: ADMIN,
      options: { frequency: 'weekly', day: 'fri', time: '18:00', timezone: 'America/New_York' },
    });
    expect(textOf(updated)).toBe('Digest weekly on fri at 18:00 America/New_York.');
    const subs = await store.listSubscriptions({ target: DIGEST_CHANNEL, mode: 'digest' });
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ cron: '0 18 * * 5', timezone: 'America/New_York' });

    const badTz = await userError(
      ctxFor('digest', {
        subcommand: 'schedule',
        where: DIGEST_CHANNEL,
        caller: ADMIN,
        options: { timezone: 'Nowhere/City' },
      }),
    );
    expect(badTz.code).toBe('bad-timezone');
    const userSchedule = await userError(
      ctxFor('digest', {
        subcommand: 'schedule',
        where: DIGEST_CHANNEL,
        caller: USER,
        options: { timezone: 'UTC' },
      }),
    );
    expect(userSchedule.code).toBe('not-admin');
  });
});

describe('/feeds', () => {
  it('lists the sources with their health', async () => {
    const reply = await ctxFor('feeds', { subcommand: 'list', caller: ADMIN });
    expect(reply.blocks[0]).toMatchObject({ type: 'heading' });
    const text = textOf(reply);
    expect(text).toContain(
      'alpha: Alpha Watch (rights, en, 7 items) · active · last success never · next check at the next poll',
    );
    expect(text).toMatch(/beta: Beta Monitor \(rights, en, 6 items\) · active/);
  });

  it('adds a feed on 127.0.0.1 only when private URLs are allowed', async () => {
    const url = server.url('/chat-feed.xml');
    const err = await userError(ctxFor('feeds', { subcommand: 'add', caller: ADMIN, options: { url } }));
    expect(err.code).toBe('blocked-url');
    expect(err.message).toMatch(/127\.0\.0\.1/);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(server.requestsFor('/chat-feed.xml')).toHaveLength(0);
    expect((await store.listFeeds()).some((f) => f.url === url)).toBe(false);

    const open = loadConfig({ GOVWATCH_DB: config.dbPath, GOVWATCH_ALLOW_PRIVATE_URLS: '1' });
    const added = await ctxFor('feeds', { subcommand: 'add', caller: ADMIN, options: { url }, config: open });
    expect(textOf(added)).toMatch(
      /Added lagoon-rights-monitor: Lagoon Rights Monitor \(rss2\.0, 2 items now\)/,
    );
    const stored = await store.getFeed('lagoon-rights-monitor');
    expect(stored).toMatchObject({ url, origin: 'chat', name: 'Lagoon Rights Monitor' });

    const dup = await userError(
      ctxFor('feeds', { subcommand: 'add', caller: ADMIN, options: { url }, config: open }),
    );
    expect(dup.code).toBe('duplicate-feed');

    const removed = await ctxFor('feeds', {
      subcommand: 'remove',
      caller: ADMIN,
      options: { id: 'lagoon-rights-monitor' },
    });
    expect(textOf(removed)).toBe('Removed lagoon-rights-monitor and its archived items.');
    expect(await store.getFeed('lagoon-rights-monitor')).toBeNull();
    const missing = await userError(
      ctxFor('feeds', { subcommand: 'remove', caller: ADMIN, options: { id: 'nope' } }),
    );
    expect(missing.code).toBe('not-found');
  });

  it("refuses to remove an operator's feed from chat, since the sources file would bring it back", async () => {
    await store.upsertFeeds([feed('operator-owned', 'Operator Owned')]);
    const err = await userError(
      ctxFor('feeds', { subcommand: 'remove', caller: ADMIN, options: { id: 'operator-owned' } }),
    );
    expect(err.code).toBe('operator-feed');
    expect(err.message).toContain('govwatch feeds remove operator-owned');
    expect(await store.getFeed('operator-owned')).not.toBeNull();
  });

  it.each([
    ['file:///etc/passwd', 'blocked-url', /only http and https/],
    ['ftp://example.org/feed', 'blocked-url', /only http and https/],
    ['http://169.254.169.254/latest/meta-data', 'blocked-url', /metadata/],
    ['http://[::1]:8080/feed', 'blocked-url', /loopback/],
    ['http://localhost:1/feed', 'blocked-url', /loopback/],
    ['http://0x7f000001/feed', 'blocked-url', /127\.0\.0\.1.*loopback/],
    ['http://10.1.2.3/feed', 'blocked-url', /private/],
    ['not a url', 'invalid-url', /not a valid URL/],
  ])('refuses to add %s from chat (%s)', async (url, code, why) => {
    const before = (await store.listFeeds()).length;
    const err = await userError(ctxFor('feeds', { subcommand: 'add', caller: ADMIN, options: { url } }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(why);
    expect(err.message).not.toContain('\n');
    expect(await store.listFeeds()).toHaveLength(before);
  });

  it('treats the same URL with a fragment as a duplicate', async () => {
    const open = loadConfig({ GOVWATCH_DB: config.dbPath, GOVWATCH_ALLOW_PRIVATE_URLS: '1' });
    await store.upsertFeeds([{ ...feed('dupe', 'Dupe'), url: server.url('/chat-feed.xml'), origin: 'chat' }]);
    try {
      const err = await userError(
        ctxFor('feeds', {
          subcommand: 'add',
          caller: ADMIN,
          options: { url: `${server.url('/chat-feed.xml')}#top` },
          config: open,
        }),
      );
      expect(err.code).toBe('duplicate-feed');
    } finally {
      await store.removeFeed('dupe');
    }
  });

  it('pauses and resumes only the feeds added from chat, and not a pause the operator made', async () => {
    await store.upsertFeeds([{ ...feed('chat-paws', 'Chat Paws'), origin: 'chat' }]);
    const run = (subcommand: string, id: string) =>
      ctxFor('feeds', { subcommand, caller: ADMIN, options: { id } });
    try {
      expect(textOf(await run('pause', 'chat-paws'))).toBe(
        'Paused chat-paws: it is not polled until /feeds resume; its 0 items stay searchable.',
      );
      expect((await store.getFeed('chat-paws'))?.paused).toEqual({ at: NOW.toISOString(), by: 'chat' });
      expect(await store.claimDueFeeds('t', new Date(), 100, 1)).not.toContainEqual(
        expect.objectContaining({ id: 'chat-paws' }),
      );
      expect(textOf(await run('pause', 'chat-paws'))).toBe('chat-paws is already paused.');
      expect(textOf(await ctxFor('feeds', { subcommand: 'list', caller: ADMIN }))).toMatch(
        /chat-paws: Chat Paws \(rights, en, 0 items\) · paused from chat since /,
      );
      expect(textOf(await run('resume', 'chat-paws'))).toBe(
        'Resumed chat-paws: it is polled again from the next poll.',
      );
      expect((await store.getFeed('chat-paws'))?.paused).toBeNull();

      const operatorFeed = await userError(run('pause', 'alpha'));
      expect(operatorFeed.code).toBe('operator-feed');
      expect(operatorFeed.message).toContain('govwatch feeds pause alpha');
      await store.setFeedPaused('chat-paws', { at: NOW.toISOString(), by: 'operator' });
      const operatorPause = await userError(run('resume', 'chat-paws'));
      expect(operatorPause.code).toBe('operator-paused');
      expect((await store.getFeed('chat-paws'))?.paused?.by).toBe('operator');
      expect((await userError(run('pause', 'nope'))).code).toBe('not-found');
    } finally {
      await store.removeFeed('chat-paws');
    }
  });

  it("shows a failing feed's error and a failed delivery in status", async () => {
    const alpha = (await store.getFeed('alpha'))!;
    await store.saveFeedState('alpha', {
      ...alpha.state,
      lastError: 'fetch https://alpha.example/feed.xml: HTTP 503 Service Unavailable',
      lastErrorAt: NOW.toISOString(),
      consecutiveFailures: 3,
      nextCheckAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    });
    const target: Target = { platform: 'discord', workspaceId: 'g1', kind: 'channel', channelId: 'c-broken' };
    await store.enqueue([
      { key: 'status-test', target, kind: 'alert', payload: { kind: 'text', text: 'x' } },
    ]);
    const claimed = await store.claimOutbox('status-test-owner', new Date(Date.now() + 1000), 100, 60_000);
    const entry = claimed.find((e) => e.key === 'status-test')!;
    await store.completeOutbox(entry.id, 'status-test-owner', {
      ok: false,
      error: 'Missing Access',
      retryAt: null,
    });
    for (const e of claimed.filter((c) => c.key !== 'status-test'))
      await store.completeOutbox(e.id, 'status-test-owner', { ok: true, sentRefs: [] });

    // A tracked page that changed shape is listed as a tracker error.
    await store.trackers.upsert({
      ...resolveReference('XVIII-16', { datatracker: '', untc: '', icann: '', eu: '' }, NOW),
      fetch: {
        ...emptyFetchState(),
        lastError: 'page changed: no table of participants, signatures and ratifications',
        consecutiveFailures: 2,
      },
    });

    const reply = await ctxFor('feeds', { subcommand: 'status', caller: ADMIN });
    const text = textOf(reply);
    expect(text).toContain('Trackers failing: 1');
    expect(text).toContain(
      'untc:XVIII-16: page changed: no table of participants, signatures and ratifications (×2',
    );
    expect(text).toMatch(/Feeds: \d+ ok, 1 failing/);
    expect(text).toContain('alpha: fetch https://alpha.example/feed.xml: HTTP 503 Service Unavailable (×3');
    expect(text).toMatch(/Failed deliveries: 1/);
    expect(text).toMatch(/alert to c-broken: Missing Access \(1 attempts?\)/);
  });
});

describe('/themes and /why', () => {
  it('lists all 15 theme ids with descriptions', async () => {
    const reply = await ctxFor('themes');
    const list = reply.blocks.find((b) => b.type === 'list');
    expect(list?.type === 'list' && list.items).toHaveLength(15);
    const ids = list?.type === 'list' ? list.items.map((l) => l.split(':')[0]) : [];
    expect(ids).toEqual([...THEME_IDS]);
    for (const line of list?.type === 'list' ? list.items : [])
      expect(line.length).toBeGreaterThan(line.indexOf(':') + 5);
  });

  it('explains an item’s tags by the matched terms', async () => {
    const [hit] = (
      await store.search({ text: 'quokka censorship order number 0', sources: ['alpha'], limit: 1 })
    ).hits;
    const reply = await ctxFor('why', { options: { item: `#${hit!.item.id}` } });
    expect(itemsOf(reply)[0]?.itemId).toBe(hit!.item.id);
    const text = textOf(reply);
    expect(text).toContain('censorship: "censorship"');
    expect(text).toContain('RU: "Russia"');

    const untagged = (await store.search({ text: 'wombat', limit: 1 })).hits[0]!;
    expect(textOf(await ctxFor('why', { options: { item: String(untagged.item.id) } }))).toMatch(
      /No theme or region matched/,
    );
  });

  it.each([
    { item: 'abc', code: 'bad-option' },
    { item: '-4', code: 'bad-option' },
    { item: '1.5', code: 'bad-option' },
    { item: '999999', code: 'not-found' },
  ])('refuses item "$item" with $code', async ({ item: id, code }) => {
    const err = await userError(ctxFor('why', { options: { item: id } }));
    expect(err.code).toBe(code);
  });
});
