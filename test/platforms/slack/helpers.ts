// Shared set-up for the Slack tests: a stand-in workspace, a config pointing at it, small
// CommandDefs that exercise the adapter, and digest fixtures.
import { loadConfig } from '../../../src/config.ts';
import type { Config } from '../../../src/config.ts';
import type { CommandDef, Reply } from '../../../src/chat/types.ts';
import type { StoredItem } from '../../../src/model.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/types.ts';
import { startSlack } from '../../../src/platforms/slack/index.ts';
import type { SlackHandle, StartSlackOptions } from '../../../src/platforms/slack/index.ts';
import { startSlackStandin } from '../../support/slack-standin/index.ts';
import type { SlackStandin, StandinOptions } from '../../support/slack-standin/index.ts';

export const ADMIN = 'UADMIN0001';
export const MEMBER = 'UMEMBER001';
export const ALLOWLISTED = 'UALLOW0001';
export const GENERAL = 'CGENERAL01';
export const PRIVATE_NOT_INVITED = 'GPRIVATE01';

export function standinWorkspace(opts: StandinOptions = {}): Promise<SlackStandin> {
  return startSlackStandin(opts).then((s) =>
    s
      .addUser({ id: ADMIN, name: 'ada', isAdmin: true })
      .addUser({ id: MEMBER, name: 'mo' })
      .addUser({ id: ALLOWLISTED, name: 'al' })
      .addChannel({ id: GENERAL, name: 'general', botIsMember: true })
      .addChannel({ id: PRIVATE_NOT_INVITED, name: 'secret', isPrivate: true }),
  );
}

export function slackConfig(s: SlackStandin, mode: 'socket' | 'http'): Config {
  return loadConfig({
    GOVWATCH_DB: ':memory:',
    GOVWATCH_TRACKERS: 'off',
    SLACK_BOT_TOKEN: s.botToken,
    SLACK_API_URL: s.apiUrl,
    SLACK_PORT: '0',
    GOVWATCH_SLACK_ADMINS: ALLOWLISTED,
    ...(mode === 'socket' ? { SLACK_APP_TOKEN: s.appToken } : { SLACK_SIGNING_SECRET: s.signingSecret }),
  });
}

/** Echoes its parsed options and caller, so tests see exactly what the adapter passed. */
export const echoCommand: CommandDef = {
  name: 'search',
  description: 'Search the archive',
  help: 'Finds items by words, theme, region and age.',
  permission: 'anyone',
  options: [
    { name: 'query', description: 'words to look for', type: 'string', required: true },
    { name: 'theme', description: 'a theme id', type: 'string', autocomplete: 'theme' },
    { name: 'region', description: 'a region code', type: 'string' },
    { name: 'since', description: 'how far back, e.g. 7d', type: 'string' },
    { name: 'page', description: 'result page', type: 'integer', minValue: 1, maxValue: 50 },
  ],
  async run(ctx): Promise<Reply> {
    const page = Number(ctx.options.page ?? 1);
    return {
      ephemeral: true,
      blocks: [
        { type: 'heading', text: `Results for ${String(ctx.options.query)}` },
        {
          type: 'paragraph',
          text: `options=${JSON.stringify(ctx.options)} caller=${ctx.caller.id} admin=${ctx.caller.isAdmin} where=${ctx.where.kind}:${ctx.where.channelId} page=${page}`,
        },
      ],
      actions: [
        {
          label: 'Next page',
          command: 'search',
          subcommand: null,
          options: { ...ctx.options, page: page + 1 },
        },
        { label: 'Share in channel', command: 'search', subcommand: null, options: ctx.options, share: true },
      ],
    };
  },
};

export const feedsCommand: CommandDef = {
  name: 'feeds',
  description: 'Manage feeds',
  help: 'list, add <url>, remove <id>, status. Adding and removing is for admins.',
  permission: 'anyone',
  options: [],
  subcommands: [
    { name: 'list', description: 'list feeds', options: [] },
    {
      name: 'add',
      description: 'add a feed',
      permission: 'admin',
      options: [{ name: 'url', description: 'feed URL', type: 'string', required: true }],
    },
  ],
  async run(ctx): Promise<Reply> {
    return {
      ephemeral: true,
      blocks: [{ type: 'paragraph', text: `${ctx.subcommand} ${JSON.stringify(ctx.options)}` }],
    };
  },
};

export const HOSTILE_TITLE =
  'Alert <!channel> <@U123> <!here|x> *bold* _it_ ~s~ `code` <https://evil|x> & more';

let nextId = 1;
export function storedItem(over: Partial<StoredItem> = {}): StoredItem {
  const id = nextId++;
  return {
    id,
    guid: `g-${id}`,
    title: `Item ${id}`,
    url: `https://example.org/items/${id}`,
    author: null,
    summary: `Summary of item ${id}.`,
    published: '2026-11-20T08:00:00Z',
    publishedEstimated: false,
    lang: 'en',
    themes: ['censorship'],
    regions: ['RU'],
    why: {},
    feedId: 'feed-a',
    sourceName: 'Example Source',
    firstSeen: '2026-11-20T09:00:00Z',
    alertable: true,
    clusterId: null,
    ...over,
  };
}

export interface Running {
  standin: SlackStandin;
  slack: SlackHandle;
  store: Store;
  stop(): Promise<void>;
}

export async function runSlack(
  mode: 'socket' | 'http',
  commands: CommandDef[] = [echoCommand, feedsCommand],
  extra: Partial<StartSlackOptions> = {},
  standinOpts: StandinOptions = {},
): Promise<Running> {
  const standin = await standinWorkspace(standinOpts);
  const config = slackConfig(standin, mode);
  const store = await openStore(config);
  const slack = await startSlack({
    config,
    store,
    commands,
    logger: silentLogger(),
    host: '127.0.0.1',
    ...extra,
  });
  return {
    standin,
    slack,
    store,
    async stop() {
      await slack.stop();
      await standin.stop();
      await store.close();
    },
  };
}
