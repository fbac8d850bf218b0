// Slash-command text → a CommandDef's subcommand and typed options.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model.ts';
import { parseCommandText, tokenize } from '../../../src/platforms/slack/parse.ts';
import { commandNameFromSlash, slackifyCommandMentions } from '../../../src/platforms/slack/names.ts';
import { echoCommand, feedsCommand } from './helpers.ts';
import type { CommandDef } from '../../../src/chat/types.ts';

const schedule: CommandDef = {
  name: 'digest',
  description: 'digests',
  help: 'now | preview | schedule <when> <timezone>',
  permission: 'anyone',
  options: [],
  subcommands: [
    { name: 'now', description: 'post now', options: [] },
    {
      name: 'schedule',
      description: 'set the schedule',
      options: [
        {
          name: 'when',
          description: 'daily or weekly',
          type: 'string',
          required: true,
          choices: [
            { name: 'daily', value: 'daily' },
            { name: 'weekly', value: 'weekly' },
          ],
        },
        { name: 'timezone', description: 'IANA zone', type: 'string', required: true },
        { name: 'quiet', description: 'no announcement', type: 'boolean' },
      ],
    },
  ],
  async run() {
    return { ephemeral: true, blocks: [] };
  },
};

const echoCommandWithMode: CommandDef = {
  ...echoCommand,
  options: [
    ...echoCommand.options,
    {
      name: 'mode',
      description: 'digest or alert',
      type: 'string',
      choices: [
        { name: 'digest', value: 'digest' },
        { name: 'alert', value: 'alert' },
      ],
    },
  ],
};

describe('Slack command text parsing', () => {
  it.each([
    ['plain words become the query', echoCommand, 'net neutrality', null, { query: 'net neutrality' }],
    [
      'key:value options and words mix',
      echoCommand,
      'theme:censorship dns blocking region:RU',
      null,
      { query: 'dns blocking', theme: 'censorship', region: 'RU' },
    ],
    ['quoted words keep their colon', echoCommand, '"rfc:9000 quic"', null, { query: 'rfc:9000 quic' }],
    [
      'typographic quotes work',
      echoCommand,
      '\u201Cnet neutrality\u201D since:7d',
      null,
      { query: 'net neutrality', since: '7d' },
    ],
    [
      'key:"quoted value"',
      echoCommand,
      'x region:"European Union"',
      null,
      { query: 'x', region: 'European Union' },
    ],
    ['key=value', echoCommand, 'x page=3', null, { query: 'x', page: 3 }],
    ['keys are case-insensitive', echoCommand, 'x THEME:privacy', null, { query: 'x', theme: 'privacy' }],
    [
      'a URL is a word, not an option',
      feedsCommand,
      'add https://example.org/a:b',
      'add',
      { url: 'https://example.org/a:b' },
    ],
    [
      'subcommand then required positionals',
      schedule,
      'schedule weekly Europe/Berlin',
      'schedule',
      { when: 'weekly', timezone: 'Europe/Berlin' },
    ],
    [
      'choices match case-insensitively',
      schedule,
      'schedule when:DAILY timezone:UTC quiet:yes',
      'schedule',
      { when: 'daily', timezone: 'UTC', quiet: true },
    ],
    ['a subcommand without options', schedule, 'now', 'now', {}],
    [
      'a bare choice word sets its option',
      schedule,
      'schedule UTC weekly',
      'schedule',
      { when: 'weekly', timezone: 'UTC' },
    ],
    [
      'a quoted choice word stays text',
      echoCommandWithMode,
      '"alert" mode:digest',
      null,
      { query: 'alert', mode: 'digest' },
    ],
    [
      'choice words are taken out of free text',
      echoCommandWithMode,
      'dns alert blocking',
      null,
      { query: 'dns blocking', mode: 'alert' },
    ],
  ])('%s', (_case, def, text, sub, options) => {
    expect(parseCommandText(def, text)).toEqual({ subcommand: sub, options });
  });

  it.each([
    ['an unknown option', echoCommand, 'x colour:red', 'has no option `colour`'],
    ['a repeated option', echoCommand, 'x theme:a theme:b', 'given twice'],
    ['a missing subcommand', schedule, '', 'needs one of: now, schedule'],
    ['an unknown subcommand', schedule, 'later', 'has no "later"'],
    ['a value outside the choices', schedule, 'schedule hourly UTC', 'must be one of: daily, weekly'],
    ['a bad boolean', schedule, 'schedule daily UTC quiet:maybe', 'must be yes or no'],
    ['words where none are taken', schedule, 'now please', 'does not take "please"'],
    ['an empty value', echoCommand, 'x theme:', 'is empty'],
  ])('refuses %s with a UserError', (_case, def, text, message) => {
    let err: unknown;
    try {
      parseCommandText(def, text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(message);
  });

  it('tokenizes quotes and keeps key:"value" together', () => {
    expect(tokenize(`a "b c" k:"d e" 'f'`)).toEqual([
      { text: 'a', quoted: false },
      { text: 'b c', quoted: true },
      { text: 'k:d e', quoted: false },
      { text: 'f', quoted: true },
    ]);
  });

  it.each([
    ['/govwatch-search', 'search'],
    ['/govwatch', null],
    ['/search', 'search'],
    ['/GOVWATCH-Feeds', 'feeds'],
  ])('maps %s to %s', (slash, name) => {
    expect(commandNameFromSlash(slash)).toBe(name);
  });

  it('rewrites command hints into their Slack names, leaving paths and unknown names alone', () => {
    const names = new Set(['unsubscribe', 'feeds']);
    expect(
      slackifyCommandMentions(
        'Undo with /unsubscribe id:3; see `/feeds list`, not /usr/bin or a/feeds',
        names,
      ),
    ).toBe('Undo with /govwatch-unsubscribe id:3; see `/govwatch-feeds list`, not /usr/bin or a/feeds');
  });
});
