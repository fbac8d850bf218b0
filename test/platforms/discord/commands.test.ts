// End to end: the real discord.js client, logged in to the local stand-in, answers slash
// commands, autocomplete and buttons the way the CommandDefs say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDef, Reply } from '../../../src/chat/types.ts';
import { UserError } from '../../../src/model.ts';
import type { DiscordStandin, InteractionRecord } from '../../support/discord-standin/index.ts';
import { MEMBER_PERMISSIONS, PERMISSIONS } from '../../support/discord-standin/index.ts';
import type { BotOnStandin } from './helpers.ts';
import { activeMarkup, isEphemeral, startBotOnStandin, textOf } from './helpers.ts';

const STRING = 3;
const INTEGER = 4;
const SUBCOMMAND = 1;

const echo: CommandDef = {
  name: 'echo',
  description: 'Say something back',
  help: 'Repeats `text` up to `count` (1-5) times.',
  permission: 'anyone',
  options: [
    { name: 'text', description: 'What to say', type: 'string', required: true },
    { name: 'count', description: 'How often', type: 'integer', minValue: 1, maxValue: 5 },
    { name: 'theme', description: 'A theme', type: 'string', autocomplete: 'theme' },
  ],
  async run(ctx) {
    const text = String(ctx.options.text);
    if (text === 'fail') throw new UserError('bad-option', '"fail" is not something I can say');
    const n = Number(ctx.options.count ?? 1);
    return {
      ephemeral: false,
      blocks: [
        {
          type: 'paragraph',
          text: Array.from({ length: n }, () => `${text} (from ${ctx.caller.name})`).join(' '),
        },
      ],
    };
  },
};

const channel: CommandDef = {
  name: 'channel',
  description: 'Channel settings',
  help: 'show: what this channel follows; set: change it (admins).',
  permission: 'anyone',
  options: [],
  subcommands: [
    { name: 'show', description: 'Show settings', options: [] },
    {
      name: 'set',
      description: 'Change settings',
      permission: 'admin',
      options: [
        { name: 'region', description: 'Region', type: 'string', required: true, autocomplete: 'region' },
      ],
    },
  ],
  async run(ctx) {
    return {
      ephemeral: true,
      blocks: [
        {
          type: 'paragraph',
          text: `${ctx.subcommand} by admin=${ctx.caller.isAdmin} in ${ctx.where.channelId}`,
        },
      ],
    };
  },
};

const slow: CommandDef = {
  name: 'slow',
  description: 'Takes its time',
  help: 'Waits, then answers.',
  permission: 'anyone',
  options: [],
  async run() {
    await new Promise((r) => setTimeout(r, 400));
    return { ephemeral: true, blocks: [{ type: 'paragraph', text: 'done after a while' }] };
  },
};

function pageReply(page: number): Reply {
  return {
    ephemeral: true,
    blocks: [
      { type: 'context', text: `page ${page} of 3` },
      {
        type: 'item',
        itemId: page,
        title: `Result ${page} **with** @everyone`,
        url: `https://example.org/${page}`,
        source: 'Example',
        published: '2026-11-25T00:00:00Z',
        themes: ['standards'],
        regions: [],
        snippet: [
          { text: 'about ', hit: false },
          { text: 'standards', hit: true },
        ],
      },
    ],
    actions: [
      ...(page < 3
        ? [{ label: 'Next', command: 'pages', subcommand: null, options: { query: 'q', page: page + 1 } }]
        : []),
      { label: 'Share', command: 'pages', subcommand: null, options: { query: 'q', page }, share: true },
    ],
  };
}

const pages: CommandDef = {
  name: 'pages',
  description: 'Paged results',
  help: 'Shows results page by page.',
  permission: 'anyone',
  options: [
    { name: 'query', description: 'Words', type: 'string', required: true },
    { name: 'page', description: 'Page', type: 'integer', minValue: 1 },
  ],
  async run(ctx) {
    return pageReply(Number(ctx.options.page ?? 1));
  },
};

const commands = [echo, channel, slow, pages];

describe('Discord commands end to end (discord.js against the stand-in)', () => {
  let standin: DiscordStandin;
  let running: BotOnStandin;

  beforeAll(async () => {
    running = await startBotOnStandin({
      commands,
      deferAfterMs: 150,
      feeds: [
        {
          id: 'eff',
          name: 'EFF Deeplinks',
          url: 'https://eff.example/rss',
          kind: 'rights',
          language: 'en',
          origin: 'operator',
        },
        {
          id: 'ietf',
          name: 'IETF News',
          url: 'https://ietf.example/rss',
          kind: 'standards',
          language: 'en',
          origin: 'operator',
        },
      ],
    });
    ({ standin } = running);
  });

  afterAll(async () => {
    await running?.stop();
  });

  const answered = async (p: Promise<InteractionRecord>) => standin.waitForAnswer(await p);

  it('registers the command definitions Discord accepts', () => {
    const names = standin.commands.global.map((c) => c.name);
    expect(names).toEqual(['echo', 'channel', 'slow', 'pages']);
    const ch = standin.commands.global.find((c) => c.name === 'channel') as {
      options: Array<{ type: number }>;
    };
    expect(ch.options.map((o) => o.type)).toEqual([SUBCOMMAND, SUBCOMMAND]);
    const ec = standin.commands.global.find((c) => c.name === 'echo') as {
      options: Array<Record<string, unknown>>;
    };
    expect(ec.options.map((o) => [o.name, o.type, o.required])).toEqual([
      ['text', STRING, true],
      ['count', INTEGER, false],
      ['theme', STRING, false],
    ]);
    expect(ec.options[2]!.autocomplete).toBe(true);
  });

  it('a slash command reply arrives in the channel, without pings', async () => {
    const rec = await answered(standin.command('echo', [{ name: 'text', type: STRING, value: 'hello' }]));
    expect(rec.callback?.type).toBe(4);
    expect(isEphemeral(rec)).toBe(false);
    expect(textOf(rec)).toContain('hello (from alice)');
    expect(rec.original?.allowed_mentions).toEqual({ parse: [] });
    const inChannel = standin.messages.get(standin.guilds[0]!.channels[0]!.id) ?? [];
    expect(inChannel.some((m) => m.id === rec.original?.id)).toBe(true);
  });

  it.each([
    { who: 'a member without Manage Server/Channels', perms: MEMBER_PERMISSIONS, refused: true },
    {
      who: 'a member with Manage Channels',
      perms: MEMBER_PERMISSIONS | PERMISSIONS.MANAGE_CHANNELS,
      refused: false,
    },
    {
      who: 'a member with Manage Server',
      perms: MEMBER_PERMISSIONS | PERMISSIONS.MANAGE_GUILD,
      refused: false,
    },
    { who: 'an administrator', perms: PERMISSIONS.ADMINISTRATOR, refused: false },
  ])('an admin-only subcommand: $who refused=$refused', async ({ perms, refused }) => {
    const rec = await answered(
      standin.command(
        'channel',
        [
          {
            name: 'set',
            type: SUBCOMMAND,
            options: [{ name: 'region', type: STRING, value: 'RU' }],
          } as never,
        ],
        {
          permissions: perms,
        },
      ),
    );
    expect(isEphemeral(rec)).toBe(true);
    if (refused) expect(textOf(rec)).toMatch(/Only server admins .*\/channel set/);
    else expect(textOf(rec)).toContain('set by admin=true');
  });

  it('the non-admin part of a command stays open to everyone', async () => {
    const rec = await answered(
      standin.command('channel', [{ name: 'show', type: SUBCOMMAND, options: [] } as never]),
    );
    expect(textOf(rec)).toContain('show by admin=false');
  });

  it.each([
    {
      name: 'out of range',
      options: [
        { name: 'text', type: STRING, value: 'x' },
        { name: 'count', type: INTEGER, value: 9 },
      ],
      says: /`count` must be at most 5/,
    },
    {
      name: 'missing required',
      options: [{ name: 'count', type: INTEGER, value: 2 }],
      says: /`text` is required/,
    },
    {
      name: 'wrong type',
      options: [
        { name: 'text', type: STRING, value: 'x' },
        { name: 'count', type: INTEGER, value: 1.5 },
      ],
      says: /whole number/,
    },
    {
      name: 'unknown option',
      options: [
        { name: 'text', type: STRING, value: 'x' },
        { name: 'colour', type: STRING, value: 'red' },
      ],
      says: /unknown option `colour`/,
    },
    {
      name: 'refused by the command',
      options: [{ name: 'text', type: STRING, value: 'fail' }],
      says: /"fail" is not something I can say/,
    },
  ])('a bad option ($name) gets an ephemeral explanation with the help', async ({ options, says }) => {
    const rec = await answered(standin.command('echo', options));
    expect(isEphemeral(rec)).toBe(true);
    expect(textOf(rec)).toMatch(says);
    expect(textOf(rec)).toContain('Repeats `text` up to `count`');
  });

  it('defers a slow command and then edits the answer in', async () => {
    const rec = await answered(standin.command('slow'));
    expect(rec.callback?.type).toBe(5);
    expect(rec.callback!.at - rec.dispatchedAt).toBeLessThan(3_000);
    expect(textOf(rec)).toContain('done after a while');
    expect(isEphemeral(rec)).toBe(true);
  });

  it.each([
    { option: 'theme', typed: 'cen', first: 'censorship' },
    { option: 'theme', typed: 'privacy, surv', first: 'privacy, surveillance' },
  ])('autocompletes $option for "$typed"', async ({ option, typed, first }) => {
    const rec = await answered(
      standin.autocomplete('echo', [
        { name: 'text', type: STRING, value: 'x' },
        { name: option, type: STRING, value: typed, focused: true },
      ]),
    );
    expect(rec.callback?.type).toBe(8);
    const choices = (rec.callback!.data as { choices: Array<{ value: string }> }).choices;
    expect(choices[0]?.value).toBe(first);
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('autocompletes regions and sources inside subcommands', async () => {
    const region = await answered(
      standin.autocomplete('channel', [
        {
          name: 'set',
          type: SUBCOMMAND,
          options: [{ name: 'region', type: STRING, value: 'rus', focused: true }],
        } as never,
      ]),
    );
    expect(
      (region.callback!.data as { choices: Array<{ value: string }> }).choices.map((c) => c.value),
    ).toContain('RU');
  });

  it('a Next button re-runs the command and updates the page; Share posts it publicly', async () => {
    const first = await answered(standin.command('pages', [{ name: 'query', type: STRING, value: 'q' }]));
    expect(isEphemeral(first)).toBe(true);
    expect(textOf(first)).toContain('page 1 of 3');
    expect(activeMarkup(textOf(first), ['https://example.org/1'])).toEqual([]);
    const rows = first.original!.components as Array<{
      components: Array<{ label: string; custom_id: string }>;
    }>;
    const next = rows[0]!.components.find((b) => b.label === 'Next')!;
    const clicked = await answered(standin.button(first.original!, next.custom_id));
    expect(clicked.callback?.type).toBe(7);
    expect(textOf(clicked)).toContain('page 2 of 3');

    const share = (clicked.original!.components as typeof rows)[0]!.components.find(
      (b) => b.label === 'Share',
    )!;
    const shared = await answered(standin.button(clicked.original!, share.custom_id));
    expect(shared.callback?.type).toBe(4);
    expect(isEphemeral(shared)).toBe(false);
    expect(textOf(shared)).toContain('page 2 of 3');
    expect(shared.original!.components).toEqual([]);
    const inChannel = standin.messages.get(standin.guilds[0]!.channels[0]!.id) ?? [];
    expect(inChannel.some((m) => m.id === shared.original!.id)).toBe(true);
  });

  it('an unknown or expired button is explained, not ignored', async () => {
    const first = await answered(standin.command('echo', [{ name: 'text', type: STRING, value: 'x' }]));
    const rec = await answered(standin.button(first.original!, 'gw1#no-such-action'));
    expect(isEphemeral(rec)).toBe(true);
    expect(textOf(rec)).toMatch(/expired/);
  });
});
