// The real govwatch commands (commands/index.ts) through discord.js and the stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.ts';
import type { TaggedItem } from '../../../src/model.ts';
import { registerCommands } from '../../../src/platforms/discord/index.ts';
import type { Store } from '../../../src/store/types.ts';
import type {
  CommandOptionInput,
  DiscordStandin,
  InteractionRecord,
} from '../../support/discord-standin/index.ts';
import { MEMBER_PERMISSIONS, PERMISSIONS } from '../../support/discord-standin/index.ts';
import type { BotOnStandin } from './helpers.ts';
import { activeMarkup, isEphemeral, startBotOnStandin, textOf, visibleText } from './helpers.ts';

const STRING = 3;
const SUBCOMMAND = 1;
const ADMIN = MEMBER_PERMISSIONS | PERMISSIONS.MANAGE_GUILD;
const HOSTILE = '@everyone <@&123> <!channel> **bold** [x](https://evil.example) encryption';

function sub(name: string, options: CommandOptionInput[] = []): CommandOptionInput {
  return { name, type: SUBCOMMAND, options } as unknown as CommandOptionInput;
}

describe('govwatch commands on Discord', () => {
  let standin: DiscordStandin;
  let store: Store;
  let running: BotOnStandin;

  beforeAll(async () => {
    running = await startBotOnStandin({
      commands: allCommands,
      tmpPrefix: 'gw-discord-cmds-',
      feeds: [
        {
          id: 'eff',
          name: 'EFF',
          url: 'https://eff.example/rss',
          kind: 'rights',
          language: 'en',
          origin: 'operator',
        },
      ],
      seed: async (store) => {
        const item: TaggedItem = {
          guid: 'hostile-1',
          title: HOSTILE,
          url: 'https://eff.example/2026/11/encryption',
          author: null,
          summary: `A summary that also says ${HOSTILE}`,
          published: '2026-11-25T10:00:00Z',
          publishedEstimated: false,
          lang: 'en',
          themes: ['encryption'],
          regions: ['EU'],
          why: { encryption: ['encryption'] },
        };
        await store.addItems('eff', [item], { alertable: () => true });
      },
    });
    ({ standin, store } = running);
  });

  afterAll(async () => {
    await running?.stop();
  });

  const answered = async (p: Promise<InteractionRecord>) => standin.waitForAnswer(await p, 8_000);

  it('registers every command in a form Discord accepts', async () => {
    expect(standin.commands.global.map((c) => c.name)).toEqual(allCommands.map((c) => c.name));
    const guild = standin.guilds[0]!.id;
    await registerCommands({
      token: standin.token,
      appId: standin.appId,
      apiUrl: standin.apiUrl,
      guildId: guild,
      commands: allCommands,
    });
    expect(standin.commands.guild.get(guild)?.length).toBe(allCommands.length);
  });

  it('/themes answers with the theme ids', async () => {
    const rec = await answered(standin.command('themes'));
    expect(textOf(rec)).toContain('censorship');
  });

  it('a non-admin is refused /feeds add', async () => {
    const rec = await answered(
      standin.command('feeds', [
        sub('add', [{ name: 'url', type: STRING, value: 'https://example.org/feed' }]),
      ]),
    );
    expect(isEphemeral(rec)).toBe(true);
    expect(textOf(rec)).toMatch(/Only server admins/);
    expect((await store.listFeeds()).map((f) => f.id)).toEqual(['eff']);
  });

  it('an admin adding a private-address URL is refused with a reason', async () => {
    const rec = await answered(
      standin.command(
        'feeds',
        [sub('add', [{ name: 'url', type: STRING, value: 'http://127.0.0.1:9/feed.xml' }])],
        { permissions: ADMIN },
      ),
    );
    expect(isEphemeral(rec)).toBe(true);
    expect(textOf(rec)).toMatch(/127\.0\.0\.1.*(loopback|not allowed|private)/);
    expect((await store.listFeeds()).map((f) => f.id)).toEqual(['eff']);
  });

  it('an admin subscribes the channel; /subscriptions shows it', async () => {
    const rec = await answered(
      standin.command(
        'subscribe',
        [
          { name: 'themes', type: STRING, value: 'encryption' },
          { name: 'scope', type: STRING, value: 'channel' },
        ],
        {
          permissions: ADMIN,
        },
      ),
    );
    expect(textOf(rec)).not.toMatch(/⚠️/);
    const subs = await store.listSubscriptions();
    expect(subs.map((s) => [s.target.channelId, s.filter.themes])).toEqual([
      [standin.guilds[0]!.channels[0]!.id, ['encryption']],
    ]);
    const list = await answered(standin.command('subscriptions'));
    expect(textOf(list)).toContain('encryption');
  });

  it('autocompletes feed ids for /feeds remove', async () => {
    const rec = await answered(
      standin.autocomplete(
        'feeds',
        [sub('remove', [{ name: 'id', type: STRING, value: 'ef', focused: true }])],
        {
          permissions: ADMIN,
        },
      ),
    );
    const choices = (rec.callback!.data as { choices: Array<{ name: string; value: string }> }).choices;
    expect(choices).toEqual([{ name: 'EFF (eff)', value: 'eff' }]);
  });

  it('a hostile feed title found by /search and shared reaches the channel as inert text', async () => {
    const rec = await answered(
      standin.command('search', [{ name: 'query', type: STRING, value: 'encryption' }]),
    );
    expect(isEphemeral(rec)).toBe(true);
    const url = 'https://eff.example/2026/11/encryption';
    expect(activeMarkup(textOf(rec), [url])).toEqual([]);
    const rows = rec.original!.components as Array<{
      components: Array<{ label: string; custom_id: string }>;
    }>;
    const share = rows.flatMap((r) => r.components).find((b) => b.label === 'Share');
    expect(share).toBeDefined();
    const shared = await answered(standin.button(rec.original!, share!.custom_id));
    expect(isEphemeral(shared)).toBe(false);
    const posted = standin.messages
      .get(standin.guilds[0]!.channels[0]!.id)
      ?.find((m) => m.id === shared.original?.id);
    expect(posted).toBeDefined();
    expect(posted!.allowed_mentions).toEqual({ parse: [] });
    expect(activeMarkup(visibleText(posted!), [url])).toEqual([]);
    expect(visibleText(posted!).replace(/[\\\u200b]/g, '')).toContain('@everyone <@&123>');
  });
});
